"""Charge standards and meter readings (one by one, or a building's CSV at once)."""

from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from frontdesk.core.errors import ApplicationError
from frontdesk.core.models import Project
from residents.models import Building, Household, MoveIn, Unit

from .. import transitions
from ..choices import NOT_STANDARD_KINDS, ChargeKind, MeterKind
from ..models import ChargeStandard, MeterReading

# Kinds of which a project has one rate at a time (per unit type for the service
# fee); fixed fees and parking may have several, told apart by name.
SINGLE_RATE_KINDS = frozenset(
    {
        ChargeKind.SERVICE_FEE,
        ChargeKind.WATER,
        ChargeKind.ELECTRICITY,
        ChargeKind.GAS,
        ChargeKind.AIRCON_OVERTIME,
    }
)


def _decimal(value: object, *, field: str, places: int) -> Decimal:
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError):
        raise ApplicationError(fields={field: [_("Enter a number.")]}) from None
    if not number.is_finite():
        raise ApplicationError(fields={field: [_("Enter a number.")]})
    if number < 0:
        raise ApplicationError(fields={field: [_("It cannot be negative.")]})
    if number != number.quantize(Decimal(1).scaleb(-places)):
        raise ApplicationError(
            fields={field: [_("At most %(places)s decimals.") % {"places": places}]}
        )
    return number


@transaction.atomic
def charge_standard_create(
    *,
    project: Project,
    kind: str,
    name: str,
    rate: object,
    valid_from: dt.date,
    by: Any,
    unit_type: str = "",
    valid_to: dt.date | None = None,
    reference: str = "",
) -> ChargeStandard:
    """Enter a published rate. An open-ended earlier rate of the same charge ends the day before.

    A rate never changes once entered (bills copy it); a new rate is a new standard.
    """
    transitions.check("standard_create", by=by)
    errors: dict[str, list[str]] = {}
    if kind not in ChargeKind.values or kind in NOT_STANDARD_KINDS:
        errors["kind"] = [_("Unknown kind of charge.")]
    if kind == ChargeKind.SERVICE_FEE and not unit_type:
        errors["unit_type"] = [_("The service fee is set per type of unit.")]
    if kind != ChargeKind.SERVICE_FEE and unit_type:
        errors["unit_type"] = [_("Only the service fee is set per type of unit.")]
    if not name.strip():
        errors["name"] = [_("Name the charge.")]
    if valid_to is not None and valid_to < valid_from:
        errors["valid_to"] = [_("The end of validity is before its start.")]
    try:
        value = _decimal(rate, field="rate", places=4)
    except ApplicationError as error:
        errors.update(error.fields)
    if errors:
        raise ApplicationError(fields=errors)

    same = ChargeStandard.objects.select_for_update().filter(
        project=project, kind=kind, unit_type=unit_type
    )
    if kind not in SINGLE_RATE_KINDS:
        same = same.filter(name=name.strip())
    end = valid_to or dt.date.max
    for other in same:
        other_end = other.valid_to or dt.date.max
        if other.valid_to is None and other.valid_from < valid_from:
            other.valid_to = valid_from - dt.timedelta(days=1)
            other.save(update_fields=["valid_to"])
            continue
        if other.valid_from <= end and valid_from <= other_end:
            raise ApplicationError(
                fields={
                    "valid_from": [
                        _("Another rate of this charge is valid from %(start)s: dates overlap.")
                        % {"start": other.valid_from.isoformat()}
                    ]
                }
            )
    return ChargeStandard.objects.create(
        project=project,
        kind=kind,
        name=name.strip(),
        unit_type=unit_type,
        rate=value,
        valid_from=valid_from,
        valid_to=valid_to,
        reference=reference.strip(),
        created_by=by,
    )


# --- Meter readings ------------------------------------------------------------------------


@dataclass
class ReadingInput:
    unit: Unit
    meter: str
    reading: Decimal
    read_on: dt.date
    is_meter_change: bool = False
    new_meter_start: Decimal | None = None


def move_in_base(unit: Unit, meter: str, day: dt.date) -> Decimal | None:
    """The move-in record's base reading of the household living in `unit` on `day`."""
    household = (
        Household.objects.filter(unit=unit, moved_in_on__lte=day)
        .filter(Q(moved_out_on__isnull=True) | Q(moved_out_on__gte=day))
        .order_by("-moved_in_on")
        .first()
    )
    if household is None:
        return None
    move_in = MoveIn.objects.filter(household=household).first()
    if move_in is None:
        return None
    value: Decimal | None = getattr(move_in, f"{meter}_reading")
    return value


def _last_reading(unit: Unit, meter: str) -> MeterReading | None:
    return MeterReading.objects.filter(unit=unit, meter=meter).order_by("-read_on", "-id").first()


def _check_reading(
    item: ReadingInput, *, last: MeterReading | ReadingInput | None, today: dt.date
) -> dict[str, list[str]]:
    """What is wrong with one reading, given the meter's last one (empty when it is fine)."""
    errors: dict[str, list[str]] = {}
    if item.meter not in MeterKind.values:
        errors["meter"] = [_("Unknown meter.")]
        return errors
    if item.read_on > today:
        errors["read_on"] = [_("A reading cannot be dated in the future.")]
    if item.is_meter_change and item.new_meter_start is None:
        errors["new_meter_start"] = [_("A meter change needs the new meter's start.")]
    if not item.is_meter_change and item.new_meter_start is not None:
        errors["new_meter_start"] = [_("Only a meter change has a new meter's start.")]
    if last is not None:
        if item.read_on <= last.read_on:
            errors.setdefault("read_on", []).append(
                _("The last reading of this meter is of %(day)s: a new one must be later.")
                % {"day": last.read_on.isoformat()}
            )
        base = last.new_meter_start if last.is_meter_change else last.reading
    else:
        base = move_in_base(item.unit, item.meter, item.read_on)
    if base is not None and item.reading < base and not item.is_meter_change:
        errors["reading"] = [
            _(
                "The reading is lower than the last one (%(base)s); "
                "mark a meter change if the meter was replaced."
            )
            % {"base": base}
        ]
    return errors


@transaction.atomic
def meter_reading_record(
    *,
    unit: Unit,
    meter: str,
    reading: object,
    read_on: dt.date,
    by: Any,
    is_meter_change: bool = False,
    new_meter_start: object = None,
    today: dt.date | None = None,
) -> MeterReading:
    """Record one reading; a reading below the last is refused unless it is a meter change."""
    transitions.check("reading_record", by=by)
    item = ReadingInput(
        unit=unit,
        meter=meter,
        reading=_decimal(reading, field="reading", places=2),
        read_on=read_on,
        is_meter_change=is_meter_change,
        new_meter_start=(
            None
            if new_meter_start in (None, "")
            else _decimal(new_meter_start, field="new_meter_start", places=2)
        ),
    )
    # One reading of a meter at a time: lock the unit row.
    Unit.objects.select_for_update().filter(pk=unit.pk).first()
    errors = _check_reading(
        item, last=_last_reading(unit, meter), today=today or timezone.localdate()
    )
    if errors:
        raise ApplicationError(fields=errors)
    return _save(item, by)


def _save(item: ReadingInput, by: Any) -> MeterReading:
    return MeterReading.objects.create(
        project_id=item.unit.project_id,
        unit=item.unit,
        meter=item.meter,
        reading=item.reading,
        read_on=item.read_on,
        is_meter_change=item.is_meter_change,
        new_meter_start=item.new_meter_start,
        recorded_by=by,
    )


CSV_COLUMNS = ["unit", "meter", "reading", "read_on", "meter_change", "new_meter_start"]
TRUE_WORDS = {"1", "true", "yes", "y", "是", "x"}


@transaction.atomic
def meter_readings_import(
    *, building: Building, data: str, by: Any, today: dt.date | None = None
) -> list[MeterReading]:
    """Import a building's readings from CSV: every row is checked, and either all are
    written or none (each bad row is reported as "Row n: ...").

    Columns: unit (number in the building, e.g. 1502), meter (water, electricity,
    gas), reading, read_on (YYYY-MM-DD), and optionally meter_change (1/yes/是)
    and new_meter_start.
    """
    transitions.check("reading_record", by=by)
    today = today or timezone.localdate()
    reader = csv.DictReader(io.StringIO(data.lstrip("\ufeff")))
    missing = [c for c in CSV_COLUMNS[:4] if c not in (reader.fieldnames or [])]
    if missing:
        raise ApplicationError(
            fields={"file": [_("Columns missing: %(columns)s.") % {"columns": ", ".join(missing)}]}
        )
    units = {u.number: u for u in Unit.objects.select_for_update().filter(building=building)}
    last: dict[tuple[int, str], MeterReading | ReadingInput | None] = {}
    good: list[ReadingInput] = []
    problems: list[str] = []
    for number, row in enumerate(reader, start=2):
        try:
            item = _parse_row(row, units)
        except ApplicationError as error:
            problems.append(_row_message(number, error.fields))
            continue
        key = (item.unit.pk, item.meter)
        if key not in last:
            last[key] = _last_reading(item.unit, item.meter)
        errors = _check_reading(item, last=last[key], today=today)
        if errors:
            problems.append(_row_message(number, errors))
            continue
        last[key] = item
        good.append(item)
    if problems:
        raise ApplicationError(fields={"rows": problems})
    if not good:
        raise ApplicationError(fields={"file": [_("The file has no readings.")]})
    return [_save(item, by) for item in good]


def _row_message(number: int, fields: dict[str, list[str]]) -> str:
    text = "; ".join(f"{key}: {' '.join(messages)}" for key, messages in fields.items())
    return _("Row %(row)s: %(problem)s") % {"row": number, "problem": text}


def _parse_row(row: dict[str, Any], units: dict[str, Unit]) -> ReadingInput:
    errors: dict[str, list[str]] = {}
    unit = units.get((row.get("unit") or "").strip())
    if unit is None:
        errors["unit"] = [_("No such unit in this building.")]
    meter = (row.get("meter") or "").strip().lower()
    if meter not in MeterKind.values:
        errors["meter"] = [_("Unknown meter.")]
    reading = Decimal(0)
    try:
        reading = _decimal((row.get("reading") or "").strip(), field="reading", places=2)
    except ApplicationError as error:
        errors.update(error.fields)
    read_on = dt.date.min
    try:
        read_on = dt.date.fromisoformat((row.get("read_on") or "").strip())
    except ValueError:
        errors["read_on"] = [_("Enter the date as YYYY-MM-DD.")]
    change = (row.get("meter_change") or "").strip().lower() in TRUE_WORDS
    start_text = (row.get("new_meter_start") or "").strip()
    start: Decimal | None = None
    if start_text:
        try:
            start = _decimal(start_text, field="new_meter_start", places=2)
        except ApplicationError as error:
            errors.update(error.fields)
    if errors or unit is None:
        raise ApplicationError(fields=errors)
    return ReadingInput(unit, meter, reading, read_on, change, start)
