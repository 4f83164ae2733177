"""Household alerts: the flags shown wherever a household opens.

The desk must see at once that the resident on the phone is an important
customer, has complained again and again, or owes fees. Each app registers a
source of flags from its `AppConfig.ready`:

    register_household_flags("billing.arrears", arrears_flags)

A source takes the ids of the households being shown, the moment and the
user who is looking (a flag some roles may not see, such as the amount of
arrears, is left out for them), and returns their flags by household id. It
must cost a fixed number of queries whatever the number of households: the
caller pop and the search lists ask for several at once. This module is in the
shared core so that every app can register without importing the pages that
show the flags.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.utils import timezone
from django.utils.functional import Promise

# How loudly a flag is drawn: "alert" (red), "warn" (amber), "info" (blue).
ALERT, WARN, INFO = "alert", "warn", "info"


@dataclass(frozen=True)
class HouseholdFlag:
    code: str
    label: str | Promise
    detail: str = ""
    severity: str = WARN


FlagSource = Callable[[list[int], dt.datetime, Any], dict[int, list[HouseholdFlag]]]

FLAG_SOURCES: dict[str, FlagSource] = {}


def register_household_flags(key: str, source: FlagSource) -> None:
    """Add (or replace, by key) a source of household flags."""
    FLAG_SOURCES[key] = source


def unregister_household_flags(key: str) -> None:
    FLAG_SOURCES.pop(key, None)


_ORDER = {ALERT: 0, WARN: 1, INFO: 2}


def flags_for(
    household_ids: Iterable[int], *, user: Any, now: dt.datetime | None = None
) -> dict[int, list[HouseholdFlag]]:
    """The flags of each household that `user` may see (every id is a key; loudest first)."""
    ids = sorted(set(household_ids))
    found: dict[int, list[HouseholdFlag]] = {pk: [] for pk in ids}
    if not ids:
        return found
    now = now or timezone.now()
    for source in FLAG_SOURCES.values():
        for pk, flags in source(ids, now, user).items():
            if pk in found:
                found[pk].extend(flags)
    for flags in found.values():
        flags.sort(key=lambda f: _ORDER.get(f.severity, 3))
    return found


def household_flags(
    household_id: int, *, user: Any, now: dt.datetime | None = None
) -> list[HouseholdFlag]:
    """The flags of one household that `user` may see."""
    return flags_for([household_id], user=user, now=now)[household_id]
