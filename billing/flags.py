"""The household flag fees know of: arrears (欠费)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from decimal import Decimal
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from frontdesk.core.household_flags import WARN, HouseholdFlag
from frontdesk.core.roles import has_role

from .choices import OPEN_BILL_STATUSES
from .models import Bill
from .money import ZERO
from .selectors import paid_subquery
from .transitions import READERS


def arrears_flags(ids: list[int], now: dt.datetime, user: Any) -> dict[int, list[HouseholdFlag]]:
    """A household with bills past due and not fully paid: how much, and since how many
    days the oldest is due. One query; nothing for a role that does not deal with fees
    (the same roles that see the account on the file)."""
    if not has_role(user, *READERS):
        return {}
    today = timezone.localdate(now)
    rows = (
        Bill.objects.filter(household_id__in=ids, status__in=OPEN_BILL_STATUSES, due_on__lt=today)
        .annotate(paid=paid_subquery())
        .values_list("household_id", "amount", "paid", "due_on")
    )
    owed: dict[int, Decimal] = defaultdict(lambda: ZERO)
    oldest: dict[int, dt.date] = {}
    for household, amount, paid, due in rows:
        left = amount - paid
        if left <= 0:
            continue
        owed[household] += left
        oldest[household] = min(due, oldest.get(household, due))
    return {
        household: [
            HouseholdFlag(
                "arrears",
                _("Arrears"),
                gettext("¥%(amount)s, %(days)s days overdue")
                % {"amount": amount, "days": (today - oldest[household]).days},
                WARN,
            )
        ]
        for household, amount in owed.items()
    }
