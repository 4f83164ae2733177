"""Pieces every fee service shares: months, the household lock, receipts, allocations."""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.db.models import Sum
from django.utils import timezone
from sequences import get_next_value

from frontdesk.core.models import Project
from residents.models import Household

from ..choices import OPEN_BILL_STATUSES, BillStatus, PaymentStatus
from ..models import Allocation, Bill, Credit, Deposit, Payment, Receipt, Refund
from ..money import ZERO

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
    return Household.objects.select_for_update().get(pk=household.pk)


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


def refresh_bill_status(bill: Bill, paid: Decimal) -> None:
    """Set an issued bill's status from what has been paid on it."""
    if bill.status == BillStatus.DRAFT:
        return
    if paid <= 0:
        status = BillStatus.ISSUED if bill.amount > 0 else BillStatus.PAID
    elif paid >= bill.amount:
        status = BillStatus.PAID
    else:
        status = BillStatus.PART_PAID
    if status != bill.status:
        bill.status = status
        bill.save(update_fields=["status"])


def open_bills(household: Household) -> list[Bill]:
    """The household's issued bills not fully paid, oldest first (call with it locked)."""
    return list(
        Bill.objects.select_for_update()
        .filter(household=household, status__in=OPEN_BILL_STATUSES)
        .order_by("period", "id")
    )


def held_sources(household: Household) -> list[Payment | Credit]:
    """The payments and credit notes of the household with money not yet allocated, oldest first.

    That money is the household's credit (预存); call with the household locked.
    """
    payments = (
        Payment.objects.filter(household=household, status=PaymentStatus.VALID)
        .annotate(used=Sum("allocations__amount"))
        .order_by("taken_at", "id")
    )
    credits = (
        Credit.objects.filter(household=household)
        .annotate(used=Sum("allocations__amount"))
        .order_by("granted_at", "id")
    )
    found: list[Payment | Credit] = []
    sources: list[Payment | Credit] = [*credits, *payments]
    for source in sources:
        remaining = source.amount - (getattr(source, "used", None) or ZERO)
        if remaining > 0:
            source.remaining = remaining  # type: ignore[union-attr]
            found.append(source)
    return found


def allocate(
    *,
    source: Payment | Credit,
    available: Decimal,
    bills: list[Bill],
    paid: dict[int, Decimal],
    at: dt.datetime,
    wanted: dict[int, Decimal] | None = None,
) -> Decimal:
    """Allocate up to `available` of `source` to `bills` in order; return what is left.

    `paid` (what each bill has had) is updated in place; `wanted` caps the
    amount given to a bill (the cashier's split of a payment).
    """
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
        refresh_bill_status(bill, paid[bill.pk])
    Allocation.objects.bulk_create(rows)
    return available


def apply_held_credit(*, household: Household, at: dt.datetime) -> None:
    """Settle the household's open bills from its credit, oldest bill and oldest money first."""
    sources = held_sources(household)
    if not sources:
        return
    bills = open_bills(household)
    if not bills:
        return
    paid = bill_paid_amounts(b.pk for b in bills)
    for source in sources:
        allocate(
            source=source,
            available=source.remaining,  # type: ignore[union-attr]
            bills=bills,
            paid=paid,
            at=at,
        )
