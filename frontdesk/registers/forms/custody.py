"""Page forms of this register."""
