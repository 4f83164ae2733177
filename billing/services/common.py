"""Pieces every fee service shares: months, the household lock, receipts, allocations."""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.db.models import DecimalField, F, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from sequences import get_next_value

from frontdesk.core.models import Project
from residents.models import Household

from ..choices import OPEN_BILL_STATUSES, BillStatus, PaymentStatus
from ..models import Allocation, Bill, Credit, Deposit, Payment, Receipt, Refund
from ..money import ZERO

MONEY_FIELD = DecimalField(max_digits=14, decimal_places=2)

# --- Months -----------------------------------------------------------------------------


def month_start(day: dt.date) -> dt.date:
    return day.replace(day=1)


def month_end(day: dt.date) -> dt.date:
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


def next_month(day: dt.date) -> dt.date:
    return month_end(day) + dt.timedelta(days=1)


def local_midnight(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time()))


# --- The household's money lock ---------------------------------------------------------


def lock_household(household: Household) -> Household:
    """Lock the household row: its payments, credits and allocations change one at a time.

    Call inside the change's transaction.
    """
    return (
        Household.objects.select_for_update(of=("self",))
        .select_related("project")
        .get(pk=household.pk)
    )


# --- Receipts ---------------------------------------------------------------------------


def receipt_issue(
    *,
    project: Project,
    household: Household,
    kind: str,
    amount: Decimal,
    by: Any,
    at: dt.datetime,
    payment: Payment | None = None,
    deposit: Deposit | None = None,
    refund: Refund | None = None,
) -> Receipt:
    """The next receipt of the project and year: SJ-2026-000123.

    Call last, inside the payment's transaction, after every check: the
    counter row stays locked until commit and a rollback gives the number
    back, so numbers have no gap.
    """
    year = timezone.localtime(at).year
    sequence = get_next_value(f"receipt:{project.pk}:{year}")
    return Receipt.objects.create(
        project=project,
        household=household,
        year=year,
        sequence=sequence,
        number=f"SJ-{year}-{sequence:06d}",
        kind=kind,
        payment=payment,
        deposit=deposit,
        refund=refund,
        amount=amount,
        issued_at=at,
        issued_by=by,
    )


# --- Allocations ------------------------------------------------------------------------


def bill_paid_amounts(bill_ids: Iterable[int]) -> dict[int, Decimal]:
    """What has been paid on each bill (net of reversals), in one query."""
    rows = (
        Allocation.objects.filter(bill_id__in=list(bill_ids))
        .values("bill_id")
        .annotate(total=Sum("amount"))
    )
    return {row["bill_id"]: row["total"] or ZERO for row in rows}


def bill_status_for(bill: Bill, paid: Decimal) -> str:
    """The status an issued bill has when `paid` has been paid on it."""
    if bill.status == BillStatus.DRAFT:
        return bill.status
    if paid <= 0:
        return BillStatus.ISSUED if bill.amount > 0 else BillStatus.PAID
    if paid >= bill.amount:
        return BillStatus.PAID
    return BillStatus.PART_PAID


def save_statuses(bills: Iterable[Bill], paid: dict[int, Decimal]) -> None:
    """Save the bills whose status changed with what has now been paid on them (one query
    per new status)."""
    changed: dict[str, list[int]] = {}
    for bill in bills:
        status = bill_status_for(bill, paid.get(bill.pk, ZERO))
        if status != bill.status:
            bill.status = status
            changed.setdefault(status, []).append(bill.pk)
    for status, ids in changed.items():
        Bill.objects.filter(pk__in=ids).update(status=status)


def refresh_bill_status(bill: Bill, paid: Decimal) -> None:
    """Set an issued bill's status from what has been paid on it."""
    save_statuses([bill], {bill.pk: paid})


def open_bills(household: Household) -> list[Bill]:
    """The household's issued bills not fully paid, oldest first (call with it locked)."""
    return list(
        Bill.objects.select_for_update()
        .filter(household=household, status__in=OPEN_BILL_STATUSES)
        .order_by("period", "id")
    )


def held_sources_of(household_ids: Iterable[int]) -> dict[int, list[Payment | Credit]]:
    """Per household, its payments and credit notes with money not yet allocated: credit
    notes first, then payments, oldest first. That money is the household's credit (预存);
    call with the households locked. Two queries."""
    ids = list(household_ids)
    # Only the money not used up is read: a household's history grows every month.
    used = Coalesce(Sum("allocations__amount"), Value(ZERO), output_field=MONEY_FIELD)
    payments = (
        Payment.objects.filter(household_id__in=ids, status=PaymentStatus.VALID)
        .annotate(used=used)
        .filter(amount__gt=F("used"))
        .order_by("taken_at", "id")
    )
    credits = (
        Credit.objects.filter(household_id__in=ids)
        .annotate(used=used)
        .filter(amount__gt=F("used"))
        .order_by("granted_at", "id")
    )
    found: dict[int, list[Payment | Credit]] = {}
    sources: list[Payment | Credit] = [*credits, *payments]
    for source in sources:
        remaining = source.amount - (getattr(source, "used", None) or ZERO)
        if remaining > 0:
            source.remaining = remaining  # type: ignore[union-attr]
            found.setdefault(source.household_id, []).append(source)
    return found


def plan_allocations(
    *,
    source: Payment | Credit,
    available: Decimal,
    bills: list[Bill],
    paid: dict[int, Decimal],
    at: dt.datetime,
    wanted: dict[int, Decimal] | None = None,
) -> tuple[list[Allocation], Decimal]:
    """Allocations of up to `available` of `source` to `bills` in order (not saved), and what
    is left. `paid` (what each bill has had) is updated in place; `wanted` caps the amount
    given to a bill (the cashier's split of a payment)."""
    rows = []
    for bill in bills:
        if available <= 0:
            break
        outstanding = bill.amount - paid.get(bill.pk, ZERO)
        cap = outstanding if wanted is None else min(outstanding, wanted.get(bill.pk, ZERO))
        share = min(cap, available)
        if share <= 0:
            continue
        rows.append(
            Allocation(
                bill=bill,
                payment=source if isinstance(source, Payment) else None,
                credit=source if isinstance(source, Credit) else None,
                amount=share,
                at=at,
            )
        )
        paid[bill.pk] = paid.get(bill.pk, ZERO) + share
        available -= share
    return rows, available


def allocate(
    *,
    source: Payment | Credit,
    available: Decimal,
    bills: list[Bill],
    paid: dict[int, Decimal],
    at: dt.datetime,
    wanted: dict[int, Decimal] | None = None,
) -> Decimal:
    """Allocate up to `available` of `source` to `bills` in order and save; return what is
    left (the rest of the payment is held as credit)."""
    rows, left = plan_allocations(
        source=source, available=available, bills=bills, paid=paid, at=at, wanted=wanted
    )
    Allocation.objects.bulk_create(rows)
    save_statuses(bills, paid)
    return left


def apply_held_credit(*, household_ids: Iterable[int], at: dt.datetime) -> None:
    """Settle the households' open bills from their credit, oldest bill and oldest money
    first. A fixed number of queries however many households; call inside the transaction."""
    ids = sorted(set(household_ids))
    if not ids:
        return
    list(Household.objects.select_for_update().filter(pk__in=ids).order_by("pk").values("pk"))
    sources = held_sources_of(ids)
    if not sources:
        return
    bills_of: dict[int, list[Bill]] = {}
    for bill in (
        Bill.objects.select_for_update()
        .filter(household_id__in=list(sources), status__in=OPEN_BILL_STATUSES)
        .order_by("household_id", "period", "id")
    ):
        bills_of.setdefault(bill.household_id, []).append(bill)
    if not bills_of:
        return
    all_bills = [b for bills in bills_of.values() for b in bills]
    paid = bill_paid_amounts(b.pk for b in all_bills)
    rows: list[Allocation] = []
    for household_id, bills in bills_of.items():
        for source in sources.get(household_id, []):
            planned, _left = plan_allocations(
                source=source,
                available=source.remaining,  # type: ignore[union-attr]
                bills=bills,
                paid=paid,
                at=at,
            )
            rows.extend(planned)
    Allocation.objects.bulk_create(rows)
    save_statuses(all_bills, paid)
