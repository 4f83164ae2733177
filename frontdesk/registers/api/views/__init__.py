"""API viewsets of the registers, one module per register."""
