"""Atom feeds of publications and corrections: every one, per company and per cycle."""
