"""API serializers of the registers, one module per register."""
