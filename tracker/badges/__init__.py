"""Embeddable SVG badges: a company's published score in a cycle, with its ledger entry."""
