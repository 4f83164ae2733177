"""Writes of this register."""
