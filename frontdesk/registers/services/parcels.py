"""Writes of mail, newspapers and parcels: receive (one or a batch), tell, pick up, return,
and the daily list to the area staff.

Keyword-only and atomic; everything is checked before anything is written, so a
refused batch leaves no parcel behind. Steps lock the parcel's row: a second pickup
waits for the first and is then refused.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from frontdesk.core.errors import ApplicationError
from frontdesk.core.models import Project
from frontdesk.core.notifications import notify
from residents.models import Building, Household

from ..choices.parcels import Carrier, CollectorKind, IdType, ParcelKind, ParcelStatus, TellChannel
from ..models.parcels import Parcel, ParcelDailyList
from ..selectors.parcels import parcel_settings, waiting_by_butler
from ..transitions import check, may
from ..transitions.parcels import RECORD

TOPIC_DAILY_LIST = "registers.parcels.daily_list"


@dataclass
class ParcelInput:
    """One row of the receiving page (or one item of the API's batch)."""

    household: Household | None
    kind: str
    carrier: str
    tracking_number: str = ""
    note: str = ""


def _clean_tracking(value: str) -> str:
    return "".join((value or "").split()).upper()


def _validated(
    *, project: Project, data: ParcelInput, seen: set[str], prefix: str = ""
) -> dict[str, Any]:
    errors: dict[str, list[str]] = {}
    household = data.household
    if household is None:
        errors[f"{prefix}household"] = [_("Choose the household (a unit such as 3-1502).")]
    elif household.project_id != project.pk:
        errors[f"{prefix}household"] = [_("This household is not in this project.")]
    elif household.moved_out_on is not None:
        errors[f"{prefix}household"] = [_("This household has moved out.")]
    if data.kind not in ParcelKind.values:
        errors[f"{prefix}kind"] = [_("Choose the kind of mail.")]
    if data.carrier not in Carrier.values:
        errors[f"{prefix}carrier"] = [_("Choose the carrier.")]
    tracking = _clean_tracking(data.tracking_number)
    if len(tracking) > 40:
        errors[f"{prefix}tracking_number"] = [_("At most %(n)d characters.") % {"n": 40}]
    elif not tracking and data.kind in (ParcelKind.PARCEL, ParcelKind.REGISTERED):
        errors[f"{prefix}tracking_number"] = [
            _("Type or scan the tracking number of a parcel or a registered letter.")
        ]
    elif tracking and (
        tracking in seen
        or Parcel.objects.filter(
            project=project, tracking_number=tracking, status=ParcelStatus.WAITING
        ).exists()
    ):
        errors[f"{prefix}tracking_number"] = [
            _("A parcel with this tracking number is already waiting for pickup.")
        ]
    note = (data.note or "").strip()
    if len(note) > 200:
        errors[f"{prefix}note"] = [_("At most %(n)d characters.") % {"n": 200}]
    if errors:
        raise ApplicationError(fields=errors)
    if tracking:
        seen.add(tracking)
    assert household is not None
    return {
        "household": household,
        "building_id": household.unit.building_id,
        "kind": data.kind,
        "carrier": data.carrier,
        "tracking_number": tracking,
        "note": note,
    }


@transaction.atomic
def parcels_receive(
    *,
    project: Project,
    by: Any,
    items: Sequence[ParcelInput],
    now: dt.datetime | None = None,
) -> list[Parcel]:
    """Receive a batch of mail for households of `project`: all of it, or (refused) none.

    A field error of the n-th item is named `n.field` when the batch has several.
    """
    if not may(by, RECORD, "receive"):
        raise ApplicationError(_("Your role may not do “%(action)s”.") % {"action": _("Receive")})
    if not items:
        raise ApplicationError(_("Nothing to receive."))
    now = now or timezone.now()
    seen: set[str] = set()
    rows = [
        _validated(project=project, data=item, seen=seen, prefix=f"{i}." if len(items) > 1 else "")
        for i, item in enumerate(items)
    ]
    parcels = []
    try:
        with transaction.atomic():
            for row in rows:
                parcels.append(
                    Parcel.objects.create(project=project, received_at=now, received_by=by, **row)
                )
    except IntegrityError:
        # Another clerk received the same number a moment ago.
        raise ApplicationError(
            fields={
                "tracking_number": [
                    _("A parcel with this tracking number is already waiting for pickup.")
                ]
            }
        ) from None
    return parcels


def parcel_receive(
    *, project: Project, by: Any, data: ParcelInput, now: dt.datetime | None = None
) -> Parcel:
    """Receive one item of mail (the batch page's row)."""
    return parcels_receive(project=project, by=by, items=[data], now=now)[0]


def _locked(parcel: Parcel) -> Parcel:
    return Parcel.objects.select_for_update().get(pk=parcel.pk)


@transaction.atomic
def parcel_tell(*, parcel: Parcel, by: Any, channel: str, now: dt.datetime | None = None) -> Parcel:
    """Record that the household was told its mail is waiting (how, when, by whom)."""
    parcel = _locked(parcel)
    check(parcel, RECORD, "tell", by)
    if channel not in TellChannel.values:
        raise ApplicationError(fields={"channel": [_("Choose how the household was told.")]})
    if parcel.told_at is not None:
        raise ApplicationError(_("The household has already been told."))
    parcel.told_at = now or timezone.now()
    parcel.told_channel = channel
    parcel.told_by = by
    parcel.save(update_fields=["told_at", "told_channel", "told_by"])
    return parcel


@transaction.atomic
def parcel_pickup(
    *,
    parcel: Parcel,
    by: Any,
    collector_name: str,
    collector_kind: str = CollectorKind.RESIDENT,
    signature: ContentFile[bytes] | None = None,
    signed_on_paper: bool = False,
    id_type: str = "",
    id_last_digits: str = "",
    now: dt.datetime | None = None,
) -> Parcel:
    """Hand the parcel over against the collector's name and signature, once.

    Registered mail also needs the collector's ID checked: its type and last digits are
    kept, never the full number.
    """
    parcel = _locked(parcel)
    check(parcel, RECORD, "pickup", by)
    errors: dict[str, list[str]] = {}
    name = (collector_name or "").strip()
    if not name:
        errors["collector_name"] = [_("Write the name of who collects it.")]
    elif len(name) > 50:
        errors["collector_name"] = [_("At most %(n)d characters.") % {"n": 50}]
    if collector_kind not in CollectorKind.values:
        errors["collector_kind"] = [_("Say who collects it.")]
    if signature is None and not signed_on_paper:
        errors["signature"] = [_("The collector signs on the pad, or on paper (tick the box).")]
    digits = (id_last_digits or "").strip().upper()
    if parcel.kind == ParcelKind.REGISTERED:
        if id_type not in IdType.values:
            errors["id_type"] = [_("Registered mail: check the collector's ID and say which.")]
        if not (4 <= len(digits) <= 6) or not digits.isalnum():
            errors["id_last_digits"] = [_("Write the last 4 to 6 characters of the ID checked.")]
    elif id_type and id_type not in IdType.values:
        errors["id_type"] = [_("Choose the kind of ID.")]
    if errors:
        raise ApplicationError(fields=errors)
    parcel.status = ParcelStatus.COLLECTED
    parcel.collected_at = now or timezone.now()
    parcel.collector_name = name
    parcel.collector_kind = collector_kind
    parcel.collector_id_type = id_type if (id_type and digits) else ""
    parcel.collector_id_last = digits if id_type else ""
    parcel.signed_on_paper = signature is None
    parcel.handed_over_by = by
    if signature is not None:
        parcel.signature.save(signature.name or "signature.png", signature, save=False)
    parcel.save()
    return parcel


@transaction.atomic
def parcel_return(
    *, parcel: Parcel, by: Any, reason: str, now: dt.datetime | None = None
) -> Parcel:
    """Return an uncollected item to its sender, with the reason (it is never deleted)."""
    parcel = _locked(parcel)
    check(parcel, RECORD, "return", by)
    reason = (reason or "").strip()
    if not reason:
        raise ApplicationError(fields={"reason": [_("Say why it goes back to the sender.")]})
    if len(reason) > 200:
        raise ApplicationError(fields={"reason": [_("At most %(n)d characters.") % {"n": 200}]})
    parcel.status = ParcelStatus.RETURNED
    parcel.returned_at = now or timezone.now()
    parcel.return_reason = reason
    parcel.returned_by = by
    parcel.save(update_fields=["status", "returned_at", "return_reason", "returned_by"])
    return parcel


# --- The daily list to the area staff ---------------------------------------------------


def parcels_send_daily_lists(*, now: dt.datetime | None = None) -> list[str]:
    """Send each project's daily list whose time has come today and that has not gone out.

    Each area staff member (the butler of a building) is told, in the app, of the waiting
    parcels of their own buildings. Safe to run twice: a project's day is sent once
    (its `ParcelDailyList` row). Returns "<project id>:<day>" of the lists sent.
    """
    now = now or timezone.now()
    local = timezone.localtime(now)
    sent = []
    for project in Project.objects.filter(is_active=True).order_by("id"):
        if local.time() < parcel_settings(project.pk).daily_list_at:
            continue
        if daily_list_send(project=project, now=now) is not None:
            sent.append(f"{project.pk}:{local.date().isoformat()}")
    return sent


@transaction.atomic
def daily_list_send(*, project: Project, now: dt.datetime) -> ParcelDailyList | None:
    """One project's daily list of `now`'s day, or None when it has gone out already."""
    day = timezone.localdate(now)
    # The project's row is the lock: two runs at once send the day's list once.
    Project.objects.select_for_update().filter(pk=project.pk).first()
    if ParcelDailyList.objects.filter(project=project, day=day).exists():
        return None
    groups = waiting_by_butler(project_id=project.pk)
    counts: dict[str, int] = {}
    url = reverse("registers:parcels-daily")
    for butler, buildings in groups:
        lines = []
        total = 0
        for building, parcels in buildings:
            total += len(parcels)
            codes = ", ".join(
                f"{p.household.unit.code} {p.get_kind_display()} {p.tracking_number}".strip()
                for p in parcels
            )
            lines.append(f"{_building_label(building)}: {codes}")
        counts[str(butler.pk)] = total
        notify(
            user=butler,
            topic=TOPIC_DAILY_LIST,
            title=_("Mail to collect for your buildings: %(n)d") % {"n": total},
            body="\n".join(lines),
            url=f"{url}?project={project.pk}",
            project=project,
            named=True,
            now=now,
        )
    return ParcelDailyList.objects.create(project=project, day=day, sent_at=now, counts=counts)


def _building_label(building: Building) -> str:
    return str(building)
