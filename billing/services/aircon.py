"""Overtime air-conditioning (加班空调费): hours × the rate of the day, on the next bill.

An office or a shop asks for air-conditioning outside the building's hours; the
desk or the cashier records the day and the hours, and the charge goes on the
household's next bill as a desk charge (exactly once, see `bill_run`).
"""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from frontdesk.core.errors import ApplicationError
from frontdesk.core.scoping import can_access_project
from residents.models import Household

from .. import transitions
from ..choices import ChargeKind, DeskChargeKind
from ..models import AirconOvertime, ChargeStandard
from ..money import to_fen
from .desk_charges import desk_charge_record

HOUR_PLACES = Decimal("0.01")
MAX_HOURS = Decimal(24)


def aircon_standard_on(*, project_id: int, day: dt.date) -> ChargeStandard | None:
    """The project's overtime air-conditioning standard valid on `day` (the newest one)."""
    return (
        ChargeStandard.objects.filter(
            project_id=project_id, kind=ChargeKind.AIRCON_OVERTIME, valid_from__lte=day
        )
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=day))
        .order_by("-valid_from", "-id")
        .first()
    )


def _hours(
    *, starts_at: dt.time | None, ends_at: dt.time | None, hours: object
) -> tuple[Decimal | None, dict[str, list[str]]]:
    """The hours from the times (when both are given) or as typed, or the field's message."""
    if starts_at is not None or ends_at is not None:
        if starts_at is None or ends_at is None:
            return None, {"ends_at": [_("Give both the start and the end, or only the hours.")]}
        minutes = (ends_at.hour * 60 + ends_at.minute) - (starts_at.hour * 60 + starts_at.minute)
        if minutes <= 0:
            return None, {"ends_at": [_("The end is not after the start.")]}
        return (Decimal(minutes) / 60).quantize(HOUR_PLACES, rounding=ROUND_HALF_UP), {}
    if hours is None or str(hours).strip() == "":
        return None, {"hours": [_("Give the hours, or the start and the end.")]}
    try:
        value = Decimal(str(hours).strip())
    except (InvalidOperation, ValueError):
        return None, {"hours": [_("Enter the hours as a number.")]}
    if not value.is_finite() or value <= 0 or value > MAX_HOURS:
        return None, {"hours": [_("Hours are more than 0 and at most 24.")]}
    if value != value.quantize(HOUR_PLACES):
        return None, {"hours": [_("Hours have two decimals at most.")]}
    return value, {}


@transaction.atomic
def aircon_overtime_record(
    *,
    household: Household,
    used_on: dt.date,
    by: Any,
    starts_at: dt.time | None = None,
    ends_at: dt.time | None = None,
    hours: object = None,
    note: str = "",
) -> AirconOvertime:
    """Record a household's overtime air-conditioning and charge it to its next bill.

    The amount is the hours × the rate of the project's `aircon_overtime` standard
    valid on `used_on`, rounded half-up to the fen (`billing.money`).
    """
    transitions.check("aircon_overtime_record", by=by)
    errors: dict[str, list[str]] = {}
    if not can_access_project(by, household.project_id):
        errors["household"] = [_("Not found in your projects.")]
    if used_on > timezone.localdate():
        errors["used_on"] = [_("The date is in the future.")]
    value, hour_errors = _hours(starts_at=starts_at, ends_at=ends_at, hours=hours)
    errors.update(hour_errors)
    note = (note or "").strip()
    if len(note) > 200:
        errors["note"] = [_("At most 200 characters.")]
    standard = None
    if "used_on" not in errors:
        standard = aircon_standard_on(project_id=household.project_id, day=used_on)
        if standard is None:
            errors["used_on"] = [
                _(
                    "The project has no overtime air-conditioning rate valid on this day: "
                    "the cashier enters the charge standard first."
                )
            ]
    if errors:
        raise ApplicationError(fields=errors)
    assert value is not None and standard is not None
    amount = to_fen(value * standard.rate)
    if amount <= 0:
        raise ApplicationError(fields={"hours": [_("The charge comes to nothing.")]})
    times = f" {starts_at:%H:%M}–{ends_at:%H:%M}" if starts_at and ends_at else ""
    charge = desk_charge_record(
        project=household.project,
        household=household,
        kind=DeskChargeKind.AIRCON_OVERTIME,
        description=_("Overtime air-conditioning %(day)s%(times)s: %(hours)s h × ¥%(rate)s")
        % {"day": used_on.isoformat(), "times": times, "hours": value, "rate": standard.rate},
        amount=amount,
        by=by,
        charged_on=used_on,
    )
    return AirconOvertime.objects.create(
        project_id=household.project_id,
        household=household,
        used_on=used_on,
        starts_at=starts_at,
        ends_at=ends_at,
        hours=value,
        standard=standard,
        rate=standard.rate,
        amount=amount,
        note=note,
        desk_charge=charge,
        recorded_by=by,
    )
