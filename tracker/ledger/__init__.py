"""Publication: frozen snapshots of accepted disclosures, chained in a public ledger."""
