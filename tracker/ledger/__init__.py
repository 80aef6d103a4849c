"""The ledger: publishing freezes a snapshot and chains its entry into the public ledger."""
