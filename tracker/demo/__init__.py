"""Demo data: fictional signatories and realistic disclosures for every page to show."""
