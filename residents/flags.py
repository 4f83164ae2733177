"""The household flags residents knows of: the important-customer mark."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import OuterRef, Subquery
from django.utils.translation import gettext_lazy as _

from frontdesk.core.household_flags import ALERT, HouseholdFlag

from .models import Household, ImportantMark


def important_flags(ids: list[int], now: dt.datetime, user: Any) -> dict[int, list[HouseholdFlag]]:
    """An important customer (重要客户) while the household's latest mark says so. One query."""
    latest = ImportantMark.objects.filter(household=OuterRef("pk")).order_by("-id")
    rows = (
        Household.objects.filter(pk__in=ids)
        .annotate(
            important=Subquery(latest.values("important")[:1]),
            note=Subquery(latest.values("note")[:1]),
        )
        .filter(important=True)
        .values_list("pk", "note")
    )
    return {
        pk: [HouseholdFlag("important", _("Important customer"), note, ALERT)] for pk, note in rows
    }
