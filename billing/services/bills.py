"""The monthly bill run: one bill per household and month, with its lines.

`bill_run(project=..., month=...)` is idempotent: a household that already
has an issued bill for the month is left alone, so a second run (or a beat
tick sent twice) creates nothing new. Two runs at once queue on the
project's fee-settings row (select_for_update); the unique constraint on
(household, month) stands behind it. A month not yet ended is refused unless
a draft is asked for; the real run recomputes drafts and issues them.

What a bill holds, each line rounded half-up to the fen (`billing.money`):

- the property service fee: floor area × the rate of the unit's type, × the
  household's days in the month / the month's days when it moved in or out
  in the month;
- water, electricity, gas (when the project bills energy): the consumption
  of the readings dated in the household's days of the month, from the
  last reading before (or the move-in base; a meter change restarts from the
  new meter's start) × the rate;
- parking per registered vehicle with a parking space, and fixed fees per
  household, by days like the service fee;
- monthly contracts (包月) running in the month, by the contract's days;
- each finished paid order (fee charged) done before the month ended and on
  no bill yet: on exactly one bill, ever (a unique constraint on the line).

The rate of a charge is the standard valid on the month's last day (or the
household's last day, when it moved out); it is copied onto the line.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from frontdesk.core.errors import ApplicationError
from frontdesk.core.models import Project
from residents.models import Household, MoveIn, Vehicle
from tickets.models import MonthlyContract
from tickets.selectors import paid_orders_charged

from .. import transitions
from ..choices import ENERGY_KINDS, BillStatus, ChargeKind, PaymentStatus
from ..models import (
    Allocation,
    Bill,
    BillingSettings,
    BillLine,
    ChargeStandard,
    Credit,
    DeskCharge,
    MeterReading,
    Payment,
)
from ..money import ZERO, to_fen
from .common import (
    apply_held_credit,
    local_midnight,
    month_end,
    month_start,
    next_month,
)

# How far back the run looks for the reading a month's consumption starts from.
READING_LOOKBACK_DAYS = 400


@dataclass
class BillRunResult:
    """What a run did: bills created, drafts recomputed, households already billed."""

    period: dt.date
    created: int = 0
    recomputed: int = 0
    skipped: int = 0
    bill_ids: list[int] = field(default_factory=list)


def settings_for(project: Project) -> BillingSettings:
    found, _created = BillingSettings.objects.get_or_create(project=project)
    return found


def _standard_for(
    standards: list[ChargeStandard], day: dt.date, **match: str
) -> ChargeStandard | None:
    for standard in standards:  # newest first
        if any(getattr(standard, k) != v for k, v in match.items()):
            continue
        if standard.valid_from <= day and (standard.valid_to is None or standard.valid_to >= day):
            return standard
    return None


def _days(household: Household, first: dt.date, last: dt.date) -> tuple[dt.date, dt.date]:
    start = max(first, household.moved_in_on)
    end = min(last, household.moved_out_on) if household.moved_out_on else last
    return start, end


def _fraction_text(days: int, month_days: int) -> str:
    return "" if days == month_days else f", {days}/{month_days}"


class _Readings:
    """The project's readings the run needs, loaded once."""

    def __init__(self, project: Project, first: dt.date, last: dt.date):
        rows = MeterReading.objects.filter(
            project=project,
            read_on__lte=last,
            read_on__gte=first - dt.timedelta(days=READING_LOOKBACK_DAYS),
        ).order_by("unit_id", "meter", "read_on", "id")
        self.by_meter: dict[tuple[int, str], list[MeterReading]] = defaultdict(list)
        for row in rows:
            self.by_meter[(row.unit_id, row.meter)].append(row)

    def consumption(
        self, household: Household, meter: str, start: dt.date, end: dt.date, base: Decimal | None
    ) -> Decimal | None:
        """Units used by `household` on `meter` from `start` to `end`, or None without a reading."""
        readings = self.by_meter.get((household.unit_id, meter), [])
        before = [r for r in readings if r.read_on < start and r.read_on >= household.moved_in_on]
        if before:
            base = before[-1].next_base
        inside = [r for r in readings if start <= r.read_on <= end]
        if not inside:
            return None
        if base is None:
            # No earlier figure at all: the first reading is the base.
            base = inside[0].next_base
            inside = inside[1:]
        used = Decimal(0)
        for r in inside:
            used += r.reading - base
            base = r.next_base
        return used


def _lines_for(
    household: Household,
    *,
    first: dt.date,
    last: dt.date,
    standards: list[ChargeStandard],
    bills_energy: bool,
    readings: _Readings,
    move_in: MoveIn | None,
    vehicles: int,
    contracts: list[MonthlyContract],
    orders: list[Any],
    desk_charges: list[DeskCharge],
) -> list[BillLine]:
    month_days = (last - first).days + 1
    start, end = _days(household, first, last)
    days = (end - start).days + 1
    share = Decimal(days) / Decimal(month_days)
    lines: list[BillLine] = []
    unit = household.unit

    fee = _standard_for(standards, end, kind=ChargeKind.SERVICE_FEE, unit_type=unit.unit_type)
    if fee is not None:
        lines.append(
            BillLine(
                kind=ChargeKind.SERVICE_FEE,
                description=_("Property service fee %(area)s m² × %(rate)s%(days)s")
                % {
                    "area": unit.floor_area,
                    "rate": fee.rate,
                    "days": _fraction_text(days, month_days),
                },
                quantity=unit.floor_area,
                rate=fee.rate,
                amount=to_fen(unit.floor_area * fee.rate * share),
                standard=fee,
            )
        )
    if bills_energy:
        for kind in ENERGY_KINDS:
            standard = _standard_for(standards, end, kind=kind)
            if standard is None:
                continue
            base = getattr(move_in, f"{kind}_reading") if move_in is not None else None
            used = readings.consumption(household, kind, start, end, base)
            if used is None:
                continue
            lines.append(
                BillLine(
                    kind=kind,
                    description=_("%(meter)s %(used)s × %(rate)s")
                    % {"meter": ChargeKind(kind).label, "used": used, "rate": standard.rate},
                    quantity=used,
                    rate=standard.rate,
                    amount=to_fen(used * standard.rate),
                    standard=standard,
                )
            )
    for standard in standards:
        if standard.kind not in (ChargeKind.PARKING, ChargeKind.FIXED):
            continue
        if _standard_for(standards, end, kind=standard.kind, name=standard.name) is not standard:
            continue
        quantity = Decimal(vehicles if standard.kind == ChargeKind.PARKING else 1)
        if quantity == 0:
            continue
        lines.append(
            BillLine(
                kind=standard.kind,
                description=f"{standard.name} × {quantity}{_fraction_text(days, month_days)}",
                quantity=quantity,
                rate=standard.rate,
                amount=to_fen(quantity * standard.rate * share),
                standard=standard,
            )
        )
    for contract in contracts:
        c_start = max(start, contract.starts_on)
        c_end = min(end, contract.ends_on) if contract.ends_on else end
        if c_end < c_start:
            continue
        c_days = (c_end - c_start).days + 1
        lines.append(
            BillLine(
                kind=ChargeKind.CONTRACT,
                description=f"{contract.get_kind_display()} {contract.service}"[:180]
                + _fraction_text(c_days, month_days),
                quantity=Decimal(1),
                rate=contract.price,
                amount=to_fen(contract.price * Decimal(c_days) / Decimal(month_days)),
                contract=contract,
            )
        )
    for order in orders:
        lines.append(
            BillLine(
                kind=ChargeKind.ORDER,
                description=f"{order.serial} {order.matter}"[:200],
                quantity=Decimal(1),
                rate=order.fee_charged,
                amount=to_fen(order.fee_charged),
                ticket=order,
            )
        )
    for charge in desk_charges:
        lines.append(
            BillLine(
                kind=ChargeKind.DESK,
                description=f"{charge.get_kind_display()} {charge.description}"[:200],
                quantity=Decimal(1),
                rate=charge.amount,
                amount=charge.amount,
                desk_charge=charge,
            )
        )
    return lines


@transaction.atomic
def bill_run(
    *,
    project: Project,
    month: dt.date,
    by: Any = None,
    draft: bool = False,
    today: dt.date | None = None,
    now: dt.datetime | None = None,
) -> BillRunResult:
    """Bill every household of `project` that lived there in `month` (any day of it).

    `by` is None when the monthly job runs it; a person needs a role of the
    transition table. Safe to run twice and from two workers at once.
    """
    if by is not None:
        transitions.check("bill_run", by=by)
    now = now or timezone.now()
    today = today or timezone.localdate(now)
    first, last = month_start(month), month_end(month)
    if last >= today and not draft:
        raise ApplicationError(
            fields={
                "month": [
                    _("%(month)s has not ended yet: ask for a draft, or run it after the month.")
                    % {"month": first.strftime("%Y-%m")}
                ]
            }
        )
    # Runs of a project queue here, one after the other.
    config = settings_for(project)
    config = BillingSettings.objects.select_for_update().get(pk=config.pk)
    result = BillRunResult(period=first)

    households = list(
        Household.objects.filter(project=project, moved_in_on__lte=last)
        .filter(Q(moved_out_on__isnull=True) | Q(moved_out_on__gte=first))
        .select_related("unit")
        .order_by("id")
    )
    existing = {b.household_id: b for b in Bill.objects.filter(project=project, period=first)}
    to_bill: list[Household] = []
    recompute: list[Bill] = []
    for household in households:
        bill = existing.get(household.pk)
        if bill is None:
            to_bill.append(household)
        elif bill.status == BillStatus.DRAFT and not draft:
            to_bill.append(household)
            recompute.append(bill)
        else:
            result.skipped += 1
    if not to_bill:
        return result
    # A draft's lines are provisional (not in the ledger): the real run replaces them.
    BillLine.objects.filter(bill__in=recompute).delete()

    ids = [h.pk for h in to_bill]
    standards = list(
        ChargeStandard.objects.filter(project=project, valid_from__lte=last)
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=first))
        .exclude(kind=ChargeKind.ORDER)
        .order_by("-valid_from", "-id")
    )
    readings = _Readings(project, first, last)
    move_ins = {m.household_id: m for m in MoveIn.objects.filter(household_id__in=ids)}
    vehicles: dict[int, int] = defaultdict(int)
    for household_id in (
        Vehicle.objects.filter(household_id__in=ids, is_active=True)
        .exclude(parking_space="")
        .values_list("household_id", flat=True)
    ):
        vehicles[household_id] += 1
    contracts: dict[int, list[MonthlyContract]] = defaultdict(list)
    for contract in MonthlyContract.objects.filter(
        household_id__in=ids, starts_on__lte=last
    ).filter(Q(ends_on__isnull=True) | Q(ends_on__gte=first)):
        contracts[contract.household_id].append(contract)
    orders: dict[int, list[Any]] = defaultdict(list)
    for order in (
        paid_orders_charged(project_id=project.pk, done_before=local_midnight(next_month(first)))
        .filter(household_id__in=ids)
        .exclude(pk__in=BillLine.objects.filter(ticket__isnull=False).values("ticket_id"))
    ):
        if order.household_id is not None:
            orders[order.household_id].append(order)
    # Charges taken at the desk up to the month's end and on no bill yet (a draft's lines
    # were deleted above): each lands on exactly one bill.
    desk_charges: dict[int, list[DeskCharge]] = defaultdict(list)
    for charge in (
        DeskCharge.objects.filter(project=project, household_id__in=ids, charged_on__lte=last)
        .exclude(pk__in=BillLine.objects.filter(desk_charge__isnull=False).values("desk_charge_id"))
        .order_by("charged_on", "id")
    ):
        desk_charges[charge.household_id].append(charge)

    status = BillStatus.DRAFT if draft else BillStatus.ISSUED
    due_on = last + dt.timedelta(days=config.due_days)
    drafts = {b.household_id: b for b in recompute}
    all_lines: list[BillLine] = []
    new_bills: list[Bill] = []
    per_bill: list[tuple[Bill, list[BillLine]]] = []
    for household in to_bill:
        lines = _lines_for(
            household,
            first=first,
            last=last,
            standards=standards,
            bills_energy=config.bills_energy,
            readings=readings,
            move_in=move_ins.get(household.pk),
            vehicles=vehicles[household.pk],
            contracts=contracts[household.pk],
            orders=orders[household.pk],
            desk_charges=desk_charges[household.pk],
        )
        amount = sum((line.amount for line in lines), ZERO)
        bill = drafts.get(household.pk)
        if bill is None:
            bill = Bill(project=project, household=household, period=first)
            new_bills.append(bill)
        bill.amount, bill.status, bill.due_on = amount, status, due_on
        bill.issued_at = None if draft else now
        per_bill.append((bill, lines))
    Bill.objects.bulk_create(new_bills)
    if recompute:
        Bill.objects.bulk_update(recompute, ["amount", "status", "due_on", "issued_at"])
    for bill, lines in per_bill:
        for line in lines:
            line.bill = bill
        all_lines.extend(lines)
    BillLine.objects.bulk_create(all_lines)
    result.created, result.recomputed = len(new_bills), len(recompute)
    result.bill_ids = [b.pk for b, _lines in per_bill]

    if not draft:
        # Credit the household holds settles its new bill at once.
        for bill, _lines in per_bill:
            if bill.amount == 0:
                bill.status = BillStatus.PAID
                bill.save(update_fields=["status"])
        _apply_credit_after_run(project, [b.household for b, _l in per_bill], now)
    return result


def _apply_credit_after_run(
    project: Project, households: list[Household], now: dt.datetime
) -> None:
    """Use held credit on the new bills, for the households that have any (a fixed number of
    queries for the whole run)."""
    ids = {h.pk for h in households}
    paid = dict(
        Payment.objects.filter(project=project, status=PaymentStatus.VALID, household_id__in=ids)
        .values("household_id")
        .annotate(t=Sum("amount"))
        .values_list("household_id", "t")
    )
    credited = dict(
        Credit.objects.filter(project=project, household_id__in=ids)
        .values("household_id")
        .annotate(t=Sum("amount"))
        .values_list("household_id", "t")
    )
    used = dict(
        Allocation.objects.filter(bill__project=project, bill__household_id__in=ids)
        .filter(Q(payment__status=PaymentStatus.VALID) | Q(credit__isnull=False))
        .values("bill__household_id")
        .annotate(t=Sum("amount"))
        .values_list("bill__household_id", "t")
    )
    holding = [
        pk for pk in ids if paid.get(pk, ZERO) + credited.get(pk, ZERO) - used.get(pk, ZERO) > 0
    ]
    apply_held_credit(household_ids=holding, at=now)
