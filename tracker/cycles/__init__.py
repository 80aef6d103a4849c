"""Reporting cycles: a checklist version with an opening and a due date."""
