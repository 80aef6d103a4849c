"""Domain logic in plain Python: no Flask, no SQLAlchemy (tests/domain/test_purity.py checks)."""
