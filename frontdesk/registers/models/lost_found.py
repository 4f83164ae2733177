"""Models of this register."""

__all__: list[str] = []
