"""Fixtures shared by the registers' tests (the desk's fixtures come from tests/conftest.py)."""
