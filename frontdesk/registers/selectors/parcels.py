"""Reads of mail and parcels: the list, the waiting ones per building and per area staff,
the overdue ones (for the desk's home page and the shift handover)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from frontdesk.core.errors import ApplicationError
from frontdesk.core.models import Project
from frontdesk.core.open_items import OpenItem, OpenItemSource
from frontdesk.core.scoping import project_ids_for, scope
from residents.models import Building, Household
from residents.selectors import household_list, household_search, unit_code_normalize

from ..choices.parcels import ParcelStatus
from ..models.parcels import Parcel, ParcelSettings


def parcel_settings(project_id: int) -> ParcelSettings:
    """The project's mail desk settings, or the defaults (10:00, 3 days)."""
    found = ParcelSettings.objects.filter(project_id=project_id).first()
    return found or ParcelSettings(project_id=project_id)


def settings_for(project_ids: Iterable[int]) -> dict[int, ParcelSettings]:
    ids = list(project_ids)
    found = {s.project_id: s for s in ParcelSettings.objects.filter(project_id__in=ids)}
    return {pk: found.get(pk) or ParcelSettings(project_id=pk) for pk in ids}


def parcel_list(*, user: Any) -> QuerySet[Parcel]:
    """Mail of the user's projects, newest first, with what a list row shows."""
    return scope(Parcel.objects.all(), user).select_related(
        "household__unit", "building", "received_by", "project"
    )


def parcel_detail(*, user: Any, parcel_id: int) -> Parcel:
    return (
        parcel_list(user=user)
        .select_related("told_by", "handed_over_by", "returned_by")
        .get(pk=parcel_id)
    )


def household_for_mail(*, user: Any, project_id: int, text: str) -> Household:
    """The current household a clerk means by a unit ("3-1502", "3栋1502") or a name.

    Only households of `project_id` are found; anything else is an ApplicationError on
    the `unit` field saying what to type instead.
    """
    text = (text or "").strip()
    if not text:
        raise ApplicationError(fields={"unit": [_("Type the unit, e.g. 3-1502, or a name.")]})
    code = unit_code_normalize(text)
    current = household_list(user=user).filter(project_id=project_id, moved_out_on__isnull=True)
    if code is not None:
        found = current.filter(unit__code=code).first()
        if found is None:
            elsewhere = (
                household_list(user=user).filter(unit__code=code).exclude(project_id=project_id)
            )
            if elsewhere.exists():
                raise ApplicationError(
                    fields={"unit": [_("Unit %(code)s is not in this project.") % {"code": code}]}
                )
            raise ApplicationError(
                fields={"unit": [_("No current household in unit %(code)s.") % {"code": code}]}
            )
        return found
    matches = [
        h
        for h in household_search(user=user, q=text, limit=6)
        if h.project_id == project_id and h.moved_out_on is None
    ]
    if not matches:
        raise ApplicationError(
            fields={"unit": [_("No household of this project matches “%(q)s”.") % {"q": text}]}
        )
    if len(matches) > 1:
        units = ", ".join(h.unit.code for h in matches[:5])
        raise ApplicationError(
            fields={
                "unit": [
                    _("Several households match: %(units)s. Type the unit.") % {"units": units}
                ]
            }
        )
    return matches[0]


def overdue_q(settings: dict[int, ParcelSettings], now: dt.datetime) -> Q:
    """Waiting longer than each project's number of days (one OR branch per project)."""
    condition = Q(pk__in=[])
    today = timezone.localdate(now)
    for project_id, s in settings.items():
        cutoff = timezone.make_aware(
            dt.datetime.combine(today - dt.timedelta(days=s.overdue_days), dt.time.min)
        )
        condition |= Q(project_id=project_id, received_at__lt=cutoff)
    return Q(status=ParcelStatus.WAITING) & condition


def overdue_parcels(*, user: Any, now: dt.datetime | None = None) -> QuerySet[Parcel]:
    """Mail waiting longer than the project allows (received before the days counted)."""
    now = now or timezone.now()
    ids = project_ids_for(user)
    return parcel_list(user=user).filter(overdue_q(settings_for(ids), now))


def is_overdue(parcel: Parcel, settings: ParcelSettings, now: dt.datetime) -> bool:
    if parcel.status != ParcelStatus.WAITING:
        return False
    today = timezone.localdate(now)
    return timezone.localdate(parcel.received_at) < today - dt.timedelta(days=settings.overdue_days)


def waiting_by_building(*, queryset: QuerySet[Parcel]) -> list[tuple[Building, list[Parcel]]]:
    """Waiting mail grouped by building, in building and unit order (the printable list)."""
    rows = (
        queryset.filter(status=ParcelStatus.WAITING)
        .select_related("household__unit", "building__butler")
        .order_by("building__number", "household__unit__code", "received_at", "id")
    )
    groups: dict[int, tuple[Building, list[Parcel]]] = {}
    for parcel in rows:
        groups.setdefault(parcel.building_id, (parcel.building, []))[1].append(parcel)
    return list(groups.values())


def waiting_by_butler(*, project_id: int) -> list[tuple[Any, list[tuple[Building, list[Parcel]]]]]:
    """Each area staff member (butler) of the project with the waiting mail of their buildings."""
    queryset = Parcel.objects.filter(project_id=project_id, building__butler__isnull=False)
    by_butler: dict[int, tuple[Any, list[tuple[Building, list[Parcel]]]]] = {}
    for building, parcels in waiting_by_building(queryset=queryset):
        butler = building.butler
        assert butler is not None  # the queryset keeps buildings with a butler only
        by_butler.setdefault(butler.pk, (butler, []))[1].append((building, parcels))
    return list(by_butler.values())


def _gather_overdue(project: Project, now: dt.datetime) -> list[OpenItem]:
    settings = settings_for([project.pk])
    rows = (
        Parcel.objects.filter(overdue_q(settings, now), project=project)
        .select_related("household__unit")
        .order_by("received_at", "id")[:50]
    )
    return [
        OpenItem(
            text=_("%(unit)s: %(kind)s %(number)s received %(day)s, not collected")
            % {
                "unit": p.household.unit.code,
                "kind": p.get_kind_display(),
                "number": p.tracking_number,
                "day": timezone.localtime(p.received_at).strftime("%m-%d"),
            },
            url=reverse("registers:parcel", args=[p.pk]),
        )
        for p in rows
    ]


# The open items this register adds to the shift handover (key "registers.<name>").
OPEN_ITEMS: tuple[OpenItemSource, ...] = (
    OpenItemSource(
        key="registers.parcels_overdue",
        title=gettext_lazy("Mail not collected in time"),
        gather=_gather_overdue,
    ),
)
