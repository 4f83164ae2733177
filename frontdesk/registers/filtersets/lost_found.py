"""FilterSets of this register."""
