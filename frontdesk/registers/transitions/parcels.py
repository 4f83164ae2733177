"""Steps of this register."""
