"""Reads of the valuables in custody register: the deposits, and those held too long."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import QuerySet
from django.urls import reverse
from django.utils.text import format_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from frontdesk.core.models import Project
from frontdesk.core.open_items import ITEM_LIMIT, OpenItem, OpenItemSource
from frontdesk.core.scoping import scope

from ..choices.custody import FOLLOW_UP_DAYS, CustodyStatus
from ..models.custody import CustodyPhoto, Deposit


def deposit_list(*, user: Any) -> QuerySet[Deposit]:
    """Deposits of the user's projects with what a list row shows, newest first."""
    return scope(Deposit.objects.all(), user).select_related(
        "project", "household__unit", "received_by", "returned_by"
    )


def deposit_detail(*, user: Any, deposit_id: int) -> Deposit:
    """One deposit with its delegates and photos (DoesNotExist outside the user's projects)."""
    return (
        deposit_list(user=user)
        .prefetch_related("delegates__recorded_by", "photos")
        .get(pk=deposit_id)
    )


def photo_for(*, user: Any, photo_id: int) -> CustodyPhoto | None:
    return scope(CustodyPhoto.objects.all(), user).filter(pk=photo_id).first()


def held_too_long(*, project: Project, now: dt.datetime) -> QuerySet[Deposit]:
    return Deposit.objects.filter(
        project=project,
        status=CustodyStatus.HELD,
        received_at__lt=now - dt.timedelta(days=FOLLOW_UP_DAYS),
    ).order_by("received_at", "id")


def _held_items(project: Project, now: dt.datetime) -> list[OpenItem]:
    """Valuables held longer than FOLLOW_UP_DAYS: call the owner (the handover's open items)."""
    return [
        OpenItem(
            _("%(number)s of %(owner)s, held since %(day)s")
            % {"number": d.number, "owner": d.owner_name, "day": f"{d.received_at:%Y-%m-%d}"},
            reverse("registers:custody-detail", args=[d.pk]),
            d.received_at + dt.timedelta(days=FOLLOW_UP_DAYS),
        )
        for d in held_too_long(project=project, now=now)[:ITEM_LIMIT]
    ]


# The open items this register adds to the shift handover (key "registers.<name>").
OPEN_ITEMS: tuple[OpenItemSource, ...] = (
    OpenItemSource(
        key="registers.custody_held",
        title=format_lazy(gettext_lazy("Valuables held for over {days} days"), days=FOLLOW_UP_DAYS),
        gather=_held_items,
    ),
)
