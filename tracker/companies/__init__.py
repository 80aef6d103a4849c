"""Signatory companies: the Company model and each company's public pages (the roster that administrators keep is tracker.roster)."""
