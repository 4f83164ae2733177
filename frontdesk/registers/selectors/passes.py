"""Reads of the item release passes: the scoped list, lookup by number or by the printed QR
code, and what the next shift must know (passes good today and not yet used)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core import signing
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from frontdesk.core.models import Project
from frontdesk.core.open_items import ITEM_LIMIT, OpenItem, OpenItemSource
from frontdesk.core.scoping import scope

from ..choices.passes import PassStatus, TemporaryPassStatus
from ..models.passes import CardWork, ReleasePass, TemporaryPass

_CODE_SALT = "registers.release-pass"


def release_pass_list(*, user: Any) -> QuerySet[ReleasePass]:
    """Passes of the user's projects, newest first, with what a list row and a print show."""
    return (
        scope(ReleasePass.objects.all(), user)
        .select_related(
            "project",
            "household__unit__building",
            "issued_by",
            "used_by",
            "voided_by",
        )
        .order_by("-issued_at", "-id")
    )


def release_pass_by_number(*, user: Any, number: str) -> ReleasePass | None:
    """The pass of the user's projects with this number (typed at the gate), or None."""
    number = (number or "").strip().upper()
    if not number:
        return None
    return release_pass_list(user=user).filter(number=number).first()


def temporary_pass_list(*, user: Any) -> QuerySet[TemporaryPass]:
    """Temporary passes of the user's projects, newest first."""
    return (
        scope(TemporaryPass.objects.all(), user)
        .select_related("project", "household__unit", "issued_by", "closed_by")
        .order_by("-issued_at", "-id")
    )


def card_work_list(*, user: Any) -> QuerySet[CardWork]:
    """The desk's card work of the user's projects, newest first."""
    return (
        scope(CardWork.objects.all(), user)
        .select_related("project", "household__unit", "card", "new_card", "done_by")
        .order_by("-done_at", "-id")
    )


def household_passes(*, user: Any, household_id: int, limit: int = 10) -> dict[str, list[Any]]:
    """The latest item release passes and temporary passes of a household (two queries), for
    the household file."""
    return {
        "release_passes": list(
            release_pass_list(user=user).filter(household_id=household_id)[:limit]
        ),
        "temporary_passes": list(
            temporary_pass_list(user=user).filter(household_id=household_id)[:limit]
        ),
    }


# --- The printed QR code ---------------------------------------------------------------------


def pass_code(release_pass: ReleasePass) -> str:
    """What the printed QR code holds: the number and a signature ("FX-2026-000001:AbC...").

    The signature binds the number to its project, so a code cannot be made up from a
    number alone; the gate still accepts a typed number (the guard reads the paper).
    """
    return signing.Signer(salt=_CODE_SALT).sign(f"{release_pass.project_id}.{release_pass.number}")


def number_from_code(code: str) -> str | None:
    """The pass number a scanned code names, or None when the code was not signed here."""
    try:
        value = signing.Signer(salt=_CODE_SALT).unsign((code or "").strip())
    except signing.BadSignature:
        return None
    _project, _dot, number = value.partition(".")
    return number or None


def verify_url(release_pass: ReleasePass) -> str:
    """The gate page opened on this pass, as the printed QR code names it."""
    return reverse("registers:passes-gate") + f"?code={pass_code(release_pass)}"


# --- Open items for the shift handover -------------------------------------------------------


def expected_today(project: Project, now: dt.datetime) -> list[OpenItem]:
    """Passes good today and not yet used: goods the next shift should expect to leave."""
    today = timezone.localdate(now)
    rows = (
        ReleasePass.objects.filter(
            project=project,
            status=PassStatus.ISSUED,
            valid_from__lte=today,
            valid_until__gte=today,
        )
        .select_related("household__unit")
        .order_by("valid_until", "id")[:ITEM_LIMIT]
    )
    return [
        OpenItem(
            _("%(number)s · %(unit)s · %(goods)s (%(quantity)d), gate %(gate)s")
            % {
                "number": p.number,
                "unit": p.household.unit.code,
                "goods": p.goods[:40],
                "quantity": p.quantity,
                "gate": p.gate,
            },
            reverse("registers:passes-detail", kwargs={"pk": p.pk}),
            None,
        )
        for p in rows
    ]


def temporary_passes_due(project: Project, now: dt.datetime) -> list[OpenItem]:
    """Temporary passes still out whose last day is today or past: to be handed back."""
    today = timezone.localdate(now)
    rows = (
        TemporaryPass.objects.filter(
            project=project, status=TemporaryPassStatus.OUT, valid_until__lte=today
        )
        .select_related("household__unit")
        .order_by("valid_until", "id")[:ITEM_LIMIT]
    )
    items = []
    for p in rows:
        values = {
            "number": p.number,
            "holder": p.holder_name,
            "for": p.household.unit.code if p.household is not None else p.company,
            "day": p.valid_until,
        }
        text = (
            _("%(number)s · %(holder)s (%(for)s): due back today")
            if p.valid_until == today
            else _("%(number)s · %(holder)s (%(for)s): overdue since %(day)s")
        )
        items.append(
            OpenItem(
                text % values,
                reverse("registers:temporary-pass", kwargs={"pk": p.pk}),
                None,
            )
        )
    return items


OPEN_ITEMS: tuple[OpenItemSource, ...] = (
    OpenItemSource(
        key="registers.passes",
        title=gettext_lazy("Item release passes good today, not yet used"),
        gather=expected_today,
    ),
    OpenItemSource(
        key="registers.temporary_passes",
        title=gettext_lazy("Temporary passes due back or overdue"),
        gather=temporary_passes_due,
    ),
)
