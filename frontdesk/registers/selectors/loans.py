"""Reads of this register."""

from __future__ import annotations

# (key, title, gatherer) of the open items this register adds to the shift handover.
OPEN_ITEMS: tuple = ()
