"""Disclosures: one company's answers for one cycle, item by item."""
