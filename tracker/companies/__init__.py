"""Signatory companies: the Company model and each company's public pages.

The roster that administrators keep is tracker.roster.
"""
