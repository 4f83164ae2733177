"""Choices of this register."""
