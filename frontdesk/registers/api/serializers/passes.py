"""API serializers of this register."""
