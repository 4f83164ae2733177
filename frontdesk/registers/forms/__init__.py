"""Page forms of the registers, one module per register."""
