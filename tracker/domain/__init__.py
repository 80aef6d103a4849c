"""Domain logic in plain Python: no Flask, no SQLAlchemy (tests/test_layering.py checks)."""
