"""Reads of the lost and found register: the found items, and those past their holding period."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from frontdesk.core.models import Project
from frontdesk.core.open_items import ITEM_LIMIT, OpenItem, OpenItemSource
from frontdesk.core.scoping import scope

from ..choices.lost_found import FoundStatus
from ..models.lost_found import FoundItem


def found_list(*, user: Any) -> QuerySet[FoundItem]:
    """Found items of the user's projects with what a list row shows, newest first."""
    return scope(FoundItem.objects.all(), user).select_related(
        "project", "registered_by", "found_by", "returned_by", "approved_by"
    )


def found_detail(*, user: Any, item_id: int) -> FoundItem:
    return found_list(user=user).get(pk=item_id)


def past_holding(*, project: Project, now: dt.datetime) -> QuerySet[FoundItem]:
    """Items still waiting after their holding period: to be disposed of."""
    return FoundItem.objects.filter(
        project=project,
        status=FoundStatus.WAITING,
        hold_until__lte=timezone.localtime(now).date(),
    ).order_by("hold_until", "id")


def _past_holding_items(project: Project, now: dt.datetime) -> list[OpenItem]:
    """Found items past the holding period, for the supervisor to dispose of (open items)."""
    return [
        OpenItem(
            _("%(what)s found %(day)s, kept at %(kept)s")
            % {
                "what": i.what,
                "day": f"{timezone.localtime(i.found_at):%Y-%m-%d}",
                "kept": i.kept_at,
            },
            reverse("registers:found-item", args=[i.pk]),
            timezone.make_aware(dt.datetime.combine(i.hold_until, dt.time.min)),
        )
        for i in past_holding(project=project, now=now)[:ITEM_LIMIT]
    ]


# The open items this register adds to the shift handover (key "registers.<name>").
OPEN_ITEMS: tuple[OpenItemSource, ...] = (
    OpenItemSource(
        key="registers.lost_found_past_holding",
        title=gettext_lazy("Found items past their holding period"),
        gather=_past_holding_items,
    ),
)
