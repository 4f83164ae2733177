"""Writes of the registers, one module per register."""
