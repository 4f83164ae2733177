"""Demo data of this register."""
