"""Reads of visitors and of messages and items left: the lists, today's visitors, what stays
open at a shift change (visitors still in, messages and items not collected)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from frontdesk.core.models import Project
from frontdesk.core.open_items import OpenItem, OpenItemSource
from frontdesk.core.scoping import scope

from ..choices.visitors import MessageStatus, VisitorStatus
from ..models.visitors import Visitor, VisitorMessage, VisitorSettings


def visitor_settings(project_id: int) -> VisitorSettings:
    """The project's visitor procedure, or the default (no confirmation by phone required)."""
    found = VisitorSettings.objects.filter(project_id=project_id).first()
    return found or VisitorSettings(project_id=project_id)


def is_lapsed(visitor: Visitor, today: dt.date) -> bool:
    """An expected visitor who did not come by the end of the expected day."""
    return (
        visitor.status == VisitorStatus.EXPECTED
        and visitor.expected_on is not None
        and visitor.expected_on < today
    )


def _midnight(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def visitor_list(*, user: Any) -> QuerySet[Visitor]:
    """Visitors of the user's projects, newest first, with what a row shows."""
    return scope(Visitor.objects.all(), user).select_related(
        "household__unit", "project", "registered_by"
    )


def visitor_detail(*, user: Any, visitor_id: int) -> Visitor:
    return visitor_list(user=user).select_related("left_recorded_by").get(pk=visitor_id)


def visitors_of_day(*, queryset: QuerySet[Visitor], day: dt.date) -> dict[str, list[Visitor]]:
    """The day's visitors on one page: expected (not come yet), in (not left), left that day.

    Three bounded queries; "in" also shows one who came earlier and has not left.
    """
    start, end = _midnight(day), _midnight(day + dt.timedelta(days=1))
    expected = queryset.filter(status=VisitorStatus.EXPECTED, expected_on=day).order_by(
        "expected_at", "id"
    )
    inside = queryset.filter(status=VisitorStatus.ARRIVED, arrived_at__lt=end).order_by(
        "-arrived_at", "-id"
    )
    left = queryset.filter(status=VisitorStatus.LEFT, left_at__gte=start, left_at__lt=end).order_by(
        "-left_at", "-id"
    )
    return {"expected": list(expected[:200]), "in": list(inside[:200]), "left": list(left[:200])}


def message_list(*, user: Any) -> QuerySet[VisitorMessage]:
    """Messages and items left for the user's projects' households, newest first."""
    return scope(VisitorMessage.objects.all(), user).select_related(
        "household__unit", "project", "received_by"
    )


def message_detail(*, user: Any, message_id: int) -> VisitorMessage:
    return message_list(user=user).select_related("told_by", "handed_over_by").get(pk=message_id)


def _gather_inside(project: Project, now: dt.datetime) -> list[OpenItem]:
    rows = (
        Visitor.objects.filter(project=project, status=VisitorStatus.ARRIVED)
        .select_related("household__unit")
        .order_by("arrived_at", "id")[:50]
    )
    return [
        OpenItem(
            text=_("%(name)s visiting %(unit)s, in since %(at)s")
            % {
                "name": v.name,
                "unit": v.household.unit.code,
                "at": timezone.localtime(v.arrived_at).strftime("%m-%d %H:%M")
                if v.arrived_at
                else "",
            },
            url=reverse("registers:visitor", args=[v.pk]),
        )
        for v in rows
    ]


def _gather_messages(project: Project, now: dt.datetime) -> list[OpenItem]:
    rows = (
        VisitorMessage.objects.filter(
            Q(status=MessageStatus.WAITING) | Q(status=MessageStatus.TOLD), project=project
        )
        .select_related("household__unit")
        .order_by("received_at", "id")[:50]
    )
    return [
        OpenItem(
            text=_("%(kind)s for %(unit)s from %(who)s (%(status)s)")
            % {
                "kind": m.get_kind_display(),
                "unit": m.household.unit.code,
                "who": m.left_by,
                "status": m.get_status_display(),
            },
            url=reverse("registers:visitor-message", args=[m.pk]),
        )
        for m in rows
    ]


# The open items this register adds to the shift handover (key "registers.<name>").
OPEN_ITEMS: tuple[OpenItemSource, ...] = (
    OpenItemSource(
        key="registers.visitors_in",
        title=gettext_lazy("Visitors still in the estate"),
        gather=_gather_inside,
    ),
    OpenItemSource(
        key="registers.messages_open",
        title=gettext_lazy("Messages and items not collected"),
        gather=_gather_messages,
    ),
)
