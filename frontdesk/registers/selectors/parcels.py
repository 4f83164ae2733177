"""Reads of this register."""

from __future__ import annotations

from frontdesk.core.open_items import OpenItemSource

# The open items this register adds to the shift handover (key "registers.<name>").
OPEN_ITEMS: tuple[OpenItemSource, ...] = ()
