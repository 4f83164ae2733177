"""The household flags work orders know of: repeated complaints, and a resident left
dissatisfied by the last callback."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any

from django.db.models import Max, OuterRef, Subquery
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from frontdesk.core.household_flags import ALERT, WARN, HouseholdFlag

from .choices import Satisfaction, TicketKind, TicketStatus
from .models import Callback, Ticket, TicketSettings

# The rule of a project without its own settings row.
DEFAULT_REPEAT = (3, 30)


def repeated_complaint_flags(
    ids: list[int], now: dt.datetime, user: Any
) -> dict[int, list[HouseholdFlag]]:
    """A household with at least N complaints registered in the last D days (the project's
    rule, 3 in 30 by default). Two queries: the rules, then the counts per household over
    the longest window, each counted against its own project's window."""
    rules = {
        project: (n, days)
        for project, n, days in TicketSettings.objects.values_list(
            "project_id", "repeat_complaints", "repeat_complaint_days"
        )
    }
    longest = max([DEFAULT_REPEAT[1], *(days for _n, days in rules.values())])
    rows = list(
        Ticket.objects.filter(
            household_id__in=ids,
            kind=TicketKind.COMPLAINT,
            created_at__gte=now - dt.timedelta(days=longest),
        )
        .exclude(status=TicketStatus.VOIDED)
        .values_list("household_id", "project_id", "created_at")
    )
    counts: dict[int, int] = defaultdict(int)
    rule_of: dict[int, tuple[int, int]] = {}
    for household, project, created in rows:
        n, days = rule_of.setdefault(household, rules.get(project, DEFAULT_REPEAT))
        if created >= now - dt.timedelta(days=days):
            counts[household] += 1
    found: dict[int, list[HouseholdFlag]] = {}
    for household, count in counts.items():
        n, days = rule_of[household]
        if count >= n:
            detail = gettext("%(count)s complaints in %(days)s days") % {
                "count": count,
                "days": days,
            }
            found[household] = [
                HouseholdFlag("repeated_complaints", _("Repeated complaints"), detail, ALERT)
            ]
    return found


def dissatisfied_flags(
    ids: list[int], now: dt.datetime, user: Any
) -> dict[int, list[HouseholdFlag]]:
    """The household's latest callback found the resident not satisfied: the next contact
    starts from that. One query."""
    latest = Callback.objects.filter(ticket__household_id=OuterRef("household_id")).order_by(
        "-at", "-id"
    )
    rows = (
        Ticket.objects.filter(household_id__in=ids)
        .values("household_id")
        .annotate(
            last=Max("callbacks__at"),
            satisfaction=Subquery(latest.values("satisfaction")[:1]),
            serial=Subquery(latest.values("ticket__serial")[:1]),
        )
        .filter(satisfaction=Satisfaction.NOT_SATISFIED)
        .values_list("household_id", "serial", "last")
    )
    return {
        household: [
            HouseholdFlag(
                "dissatisfied",
                _("Dissatisfied at the last callback"),
                f"{serial} · {last:%Y-%m-%d}" if last else serial,
                WARN,
            )
        ]
        for household, serial, last in rows
    }
