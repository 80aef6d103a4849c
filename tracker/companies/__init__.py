"""Signatory companies: the roster and each company's public page."""
