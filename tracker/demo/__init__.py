"""Demo data: fictional signatories and realistic disclosures, so every page has something to show."""
