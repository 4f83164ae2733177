"""Admin of this register."""
