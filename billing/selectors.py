"""The reads of fees: lists scoped to the user's projects, a household's account, arrears
with their ageing, and the collection rate.

Definitions (printed on the reports):

- **Ledger balance** of a household: issued − paid − credited + reversed, where
  issued is the amount of its issued bills (drafts do not count), paid its
  payments, credited its credit notes and reversed its reversed payments.
  Positive: it owes; negative: it holds credit.
- **Arrears**: what is left to pay on bills past their due date. A bill's
  age is the days since its due date; the buckets are ≤ 30, 31–90, 91–180
  and > 180 days.
- **Current-period collection rate** of a month: of the bills of that month,
  the part paid by the end of the following month (the month they are issued
  and due in), over their issued amount.
- **Arrears-recovered rate** of a month: what was paid during the month after
  it on bills of earlier months, over what was left on those bills when that
  month began.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import (
    Count,
    DecimalField,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from frontdesk.core.models import Project
from frontdesk.core.replica import reads_from_replica
from frontdesk.core.scoping import scope
from residents.models import Household
from tickets.choices import Department
from tickets.models import Ticket
from tickets.selectors import paid_orders_charged

from .choices import (
    ISSUED_STATUSES,
    OPEN_BILL_STATUSES,
    ChargeKind,
    ExpenditureCategory,
    PaymentMethod,
    RefundStatus,
    UtilityPaymentStatus,
)
from .models import (
    AirconOvertime,
    Allocation,
    Bill,
    BillingSettings,
    BillLine,
    CashHandover,
    ChargeConfirmation,
    ChargeStandard,
    Credit,
    Deposit,
    Expenditure,
    MeterReading,
    Payment,
    Receipt,
    Refund,
    Reversal,
    UtilityPayment,
)
from .money import ZERO
from .services.common import local_midnight, month_end, month_start, next_month

MONEY_FIELD = DecimalField(max_digits=14, decimal_places=2)
DEFAULT_TARGET = Decimal("95.00")
BUCKETS = ("d30", "d90", "d180", "over180")


def _zero() -> Value:
    return Value(ZERO, output_field=MONEY_FIELD)


def paid_subquery(before: dt.datetime | None = None) -> Coalesce:
    """What has been paid on the outer bill (net of reversals), optionally before a time."""
    allocations = Allocation.objects.filter(bill=OuterRef("pk"))
    if before is not None:
        allocations = allocations.filter(at__lt=before)
    total = allocations.values("bill").annotate(t=Sum("amount")).values("t")
    return Coalesce(Subquery(total, output_field=MONEY_FIELD), _zero())


# --- Lists (scoped) --------------------------------------------------------------------


def standard_list(*, user: Any) -> QuerySet[ChargeStandard]:
    return scope(ChargeStandard.objects.all(), user).select_related("project")


def reading_list(*, user: Any) -> QuerySet[MeterReading]:
    return scope(MeterReading.objects.all(), user).select_related("unit__building")


def bill_list(*, user: Any) -> QuerySet[Bill]:
    return (
        scope(Bill.objects.all(), user)
        .select_related("household__unit")
        .annotate(paid=paid_subquery())
    )


def payment_list(*, user: Any) -> QuerySet[Payment]:
    return scope(Payment.objects.all(), user).select_related(
        "household__unit", "receipt", "taken_by", "reversal"
    )


def receipt_list(*, user: Any) -> QuerySet[Receipt]:
    return scope(Receipt.objects.all(), user).select_related(
        "household__unit", "payment", "deposit", "refund", "issued_by", "project"
    )


def deposit_list(*, user: Any) -> QuerySet[Deposit]:
    refunded = (
        Refund.objects.filter(deposit=OuterRef("pk"), status=RefundStatus.PAID)
        .values("deposit")
        .annotate(t=Sum("amount"))
        .values("t")
    )
    return (
        scope(Deposit.objects.all(), user)
        .select_related("household__unit", "receipt")
        .annotate(refunded=Coalesce(Subquery(refunded, output_field=MONEY_FIELD), _zero()))
    )


def refund_list(*, user: Any) -> QuerySet[Refund]:
    return scope(Refund.objects.all(), user).select_related(
        "deposit__household__unit", "requested_by", "decided_by", "receipt"
    )


def credit_list(*, user: Any) -> QuerySet[Credit]:
    return scope(Credit.objects.all(), user).select_related("household__unit")


def handover_list(*, user: Any) -> QuerySet[CashHandover]:
    return (
        scope(CashHandover.objects.all(), user)
        .select_related("handed_by", "received_by")
        .prefetch_related("lines")
    )


def expenditure_list(*, user: Any) -> QuerySet[Expenditure]:
    return scope(Expenditure.objects.all(), user)


def charge_confirmation_list(*, user: Any) -> QuerySet[ChargeConfirmation]:
    """Every confirmation of the user's projects, corrections included (newest first)."""
    return scope(ChargeConfirmation.objects.select_related("ticket", "confirmed_by"), user)


def aircon_overtime_list(*, user: Any) -> QuerySet[AirconOvertime]:
    """Overtime air-conditioning records, each with the month of the bill it is on (if any)."""
    billed = BillLine.objects.filter(desk_charge=OuterRef("desk_charge")).values("bill__period")
    return (
        scope(AirconOvertime.objects.all(), user)
        .select_related("household__unit", "recorded_by")
        .annotate(billed_period=Subquery(billed[:1]))
    )


def utility_payment_list(*, user: Any) -> QuerySet[UtilityPayment]:
    return scope(UtilityPayment.objects.all(), user).select_related(
        "household__unit", "collected_by", "paid_over_by", "reversed_by"
    )


# --- A household's account -------------------------------------------------------------


@dataclass
class Ledger:
    """The four sums of a household's ledger and what follows from them."""

    issued: Decimal = ZERO
    paid: Decimal = ZERO
    credited: Decimal = ZERO
    reversed: Decimal = ZERO

    @property
    def balance(self) -> Decimal:
        return self.issued - self.paid - self.credited + self.reversed


def _sum_of(queryset: QuerySet[Any]) -> Coalesce:
    total = queryset.values("household").annotate(t=Sum("amount")).values("t")
    return Coalesce(Subquery(total, output_field=MONEY_FIELD), _zero())


def household_ledger(*, household_id: int) -> Ledger:
    """The ledger sums of one household, in one query."""
    row = (
        Household.objects.filter(pk=household_id)
        .annotate(
            issued=_sum_of(
                Bill.objects.filter(household=OuterRef("pk"), status__in=ISSUED_STATUSES)
            ),
            paid=_sum_of(Payment.objects.filter(household=OuterRef("pk"))),
            credited=_sum_of(Credit.objects.filter(household=OuterRef("pk"))),
            reversed=_sum_of(Reversal.objects.filter(household=OuterRef("pk"))),
        )
        .values("issued", "paid", "credited", "reversed")
        .first()
    )
    return Ledger(**row) if row else Ledger()


@dataclass
class Account:
    """What the household file shows of a household's fees."""

    ledger: Ledger
    bills: Sequence[Bill]
    payments: list[Payment]
    credits: list[Credit]
    deposits: Sequence[Deposit]
    outstanding: Decimal
    held_credit: Decimal
    arrears: Decimal
    arrears_days: int | None
    buckets: dict[str, Decimal] = field(default_factory=dict)

    @property
    def balance(self) -> Decimal:
        return self.ledger.balance


def household_account(
    *, household: Household, today: dt.date | None = None, limit: int = 24, lines: bool = False
) -> Account:
    """The account of a household: its latest bills with what is left on each, payments,
    credit notes, deposits, the ledger balance, credit held and the age of its arrears.

    A fixed number of queries whatever the household's history.
    """
    today = today or timezone.localdate()
    ledger = household_ledger(household_id=household.pk)
    bill_rows = Bill.objects.filter(household=household).annotate(paid=paid_subquery())
    if lines:
        bill_rows = bill_rows.prefetch_related("lines")
    bills = list(bill_rows.order_by("-period")[:limit])
    for bill in bills:
        bill.left = bill.amount - bill.paid  # type: ignore[attr-defined]
    open_rows = list(
        Bill.objects.filter(household=household, status__in=OPEN_BILL_STATUSES)
        .annotate(paid=paid_subquery())
        .values_list("amount", "paid", "due_on")
    )
    outstanding = sum((amount - paid for amount, paid, _due in open_rows), ZERO)
    buckets = dict.fromkeys(BUCKETS, ZERO)
    arrears = ZERO
    oldest: int | None = None
    for amount, paid, due in open_rows:
        if due >= today:
            continue
        age = (today - due).days
        left = amount - paid
        arrears += left
        buckets[_bucket(age)] += left
        oldest = age if oldest is None else max(oldest, age)
    payments = list(
        Payment.objects.filter(household=household)
        .select_related("receipt", "taken_by", "reversal")
        .order_by("-taken_at", "-id")[:limit]
    )
    credits = list(Credit.objects.filter(household=household).order_by("-granted_at")[:limit])
    deposits = list(
        Deposit.objects.filter(household=household)
        .select_related("receipt")
        .annotate(
            refunded=Coalesce(
                Sum("refunds__amount", filter=Q(refunds__status=RefundStatus.PAID)), _zero()
            )
        )
        .order_by("-taken_at")
    )
    # Whatever of the balance is not left on bills is credit held (预存).
    held = outstanding - ledger.balance
    return Account(
        ledger=ledger,
        bills=bills,
        payments=payments,
        credits=credits,
        deposits=deposits,
        outstanding=outstanding,
        held_credit=held,
        arrears=arrears,
        arrears_days=oldest,
        buckets=buckets,
    )


def _bucket(age: int) -> str:
    if age <= 30:
        return "d30"
    if age <= 90:
        return "d90"
    if age <= 180:
        return "d180"
    return "over180"


# --- Arrears ---------------------------------------------------------------------------


@dataclass
class ArrearsRow:
    household_id: int
    unit: str
    building: str
    total: Decimal
    oldest_days: int
    buckets: dict[str, Decimal]


def arrears(
    *, project: Project, today: dt.date | None = None, building_id: int | None = None
) -> list[ArrearsRow]:
    """Households of the project with bills past due and unpaid, most overdue first.

    One query: every open bill past its due date with what is left on it.
    """
    today = today or timezone.localdate()
    bills = Bill.objects.filter(
        project=project, status__in=OPEN_BILL_STATUSES, due_on__lt=today
    ).annotate(paid=paid_subquery())
    if building_id is not None:
        bills = bills.filter(household__unit__building_id=building_id)
    rows: dict[int, ArrearsRow] = {}
    for household_id, unit, building, amount, paid, due in bills.values_list(
        "household_id",
        "household__unit__code",
        "household__unit__building__number",
        "amount",
        "paid",
        "due_on",
    ):
        left = amount - paid
        if left <= 0:
            continue
        age = (today - due).days
        row = rows.get(household_id)
        if row is None:
            row = rows[household_id] = ArrearsRow(
                household_id, unit, building, ZERO, 0, dict.fromkeys(BUCKETS, ZERO)
            )
        row.total += left
        row.buckets[_bucket(age)] += left
        row.oldest_days = max(row.oldest_days, age)
    return sorted(rows.values(), key=lambda r: (-r.oldest_days, -r.total, r.unit))


def overdue_bills(
    *, household_ids: Sequence[int], today: dt.date | None = None
) -> dict[int, list[Bill]]:
    """The bills past due and unpaid of each household, oldest first (for dunning notices)."""
    today = today or timezone.localdate()
    found: dict[int, list[Bill]] = {}
    for bill in (
        Bill.objects.filter(
            household_id__in=list(household_ids),
            status__in=OPEN_BILL_STATUSES,
            due_on__lt=today,
        )
        .annotate(paid=paid_subquery())
        .order_by("household_id", "period")
    ):
        bill.left = bill.amount - bill.paid  # type: ignore[attr-defined]
        found.setdefault(bill.household_id, []).append(bill)
    return found


def arrears_totals(rows: list[ArrearsRow]) -> dict[str, Decimal]:
    totals = dict.fromkeys((*BUCKETS, "total"), ZERO)
    for row in rows:
        for key in BUCKETS:
            totals[key] += row.buckets[key]
        totals["total"] += row.total
    return totals


# --- Collection rate ------------------------------------------------------------------


@dataclass
class CollectionRate:
    period: dt.date
    billed: Decimal
    collected: Decimal
    arrears_open: Decimal
    arrears_recovered: Decimal
    target: Decimal

    @property
    def current_rate(self) -> Decimal | None:
        return _percent(self.collected, self.billed)

    @property
    def arrears_rate(self) -> Decimal | None:
        return _percent(self.arrears_recovered, self.arrears_open)


def _percent(part: Decimal, whole: Decimal) -> Decimal | None:
    if whole <= 0:
        return None
    return (part * 100 / whole).quantize(Decimal("0.01"))


def collection_rate(*, project: Project, period: dt.date) -> CollectionRate:
    """The current-period and arrears-recovered rates of a month (see the module's definitions)."""
    first = month_start(period)
    window_start = local_midnight(next_month(first))
    window_end = local_midnight(next_month(next_month(first)))
    issued = Bill.objects.filter(project=project, status__in=ISSUED_STATUSES)
    current = issued.filter(period=first)
    billed = current.aggregate(t=Sum("amount"))["t"] or ZERO
    collected = (
        Allocation.objects.filter(bill__in=current, at__lt=window_end).aggregate(t=Sum("amount"))[
            "t"
        ]
        or ZERO
    )
    older = issued.filter(period__lt=first)
    older_amount = older.aggregate(t=Sum("amount"))["t"] or ZERO
    paid_before = (
        Allocation.objects.filter(bill__in=older, at__lt=window_start).aggregate(t=Sum("amount"))[
            "t"
        ]
        or ZERO
    )
    recovered = (
        Allocation.objects.filter(
            bill__in=older, at__gte=window_start, at__lt=window_end
        ).aggregate(t=Sum("amount"))["t"]
        or ZERO
    )
    return CollectionRate(
        period=first,
        billed=billed,
        collected=collected,
        arrears_open=older_amount - paid_before,
        arrears_recovered=recovered,
        target=_target(project),
    )


def _target(project: Project) -> Decimal:
    config = BillingSettings.objects.filter(project=project).first()
    return config.collection_target if config else DEFAULT_TARGET


@reads_from_replica
def collection_trend(*, project: Project, last: dt.date, months: int = 12) -> list[CollectionRate]:
    """The collection rates of the `months` months up to `last`, oldest first."""
    periods = []
    day = month_start(last)
    for _i in range(months):
        periods.append(day)
        day = month_start(day - dt.timedelta(days=1))
    return [collection_rate(project=project, period=p) for p in reversed(periods)]


def latest_complete_period(today: dt.date | None = None) -> dt.date:
    """The month whose collection window (the month after it) has ended or is running."""
    today = today or timezone.localdate()
    return month_start(month_start(today) - dt.timedelta(days=1))


# --- Income and expenditure ---------------------------------------------------------------


@dataclass
class Statement:
    """The income and expenditure statement of a project for months `first` to `last`."""

    first: dt.date
    last: dt.date
    # (code, label, amount) per charge kind, payment method, expenditure category
    billed: list[tuple[str, str, Decimal]]
    collected: list[tuple[str, str, Decimal]]
    expenditure: list[tuple[str, str, Decimal]]
    # Money held for utilities (代收代缴), a payable and never income: collected in the
    # months (not reversed), paid over to the utilities in them, still held at the end.
    utilities_collected: Decimal = ZERO
    utilities_paid_over: Decimal = ZERO
    utilities_held: Decimal = ZERO

    @property
    def billed_total(self) -> Decimal:
        return sum((v for _c, _k, v in self.billed), ZERO)

    @property
    def collected_total(self) -> Decimal:
        return sum((v for _c, _k, v in self.collected), ZERO)

    @property
    def expenditure_total(self) -> Decimal:
        return sum((v for _c, _k, v in self.expenditure), ZERO)

    @property
    def surplus(self) -> Decimal:
        return self.collected_total - self.expenditure_total


@reads_from_replica
def income_statement(*, project: Project, first: dt.date, last: dt.date) -> Statement:
    """Billed per charge kind (bills of the months), collected per payment method (payments
    taken in the months less reversals made in them) and expenditure per category.

    Deposits and money collected for utilities are held money, not income, and are not
    in it; the utilities' money is shown apart as a payable. Five queries.
    """
    start, end = month_start(first), month_end(last)
    window = (local_midnight(start), local_midnight(end + dt.timedelta(days=1)))
    billed = dict(
        BillLine.objects.filter(
            bill__project=project,
            bill__status__in=ISSUED_STATUSES,
            bill__period__gte=start,
            bill__period__lte=end,
        )
        .values("kind")
        .annotate(t=Sum("amount"))
        .values_list("kind", "t")
    )
    taken = dict(
        Payment.objects.filter(project=project, taken_at__gte=window[0], taken_at__lt=window[1])
        .values("method")
        .annotate(t=Sum("amount"))
        .values_list("method", "t")
    )
    reversed_ = dict(
        Reversal.objects.filter(
            project=project, reversed_at__gte=window[0], reversed_at__lt=window[1]
        )
        .values("payment__method")
        .annotate(t=Sum("amount"))
        .values_list("payment__method", "t")
    )
    spent = dict(
        Expenditure.objects.filter(project=project, spent_on__gte=start, spent_on__lte=end)
        .values("category")
        .annotate(t=Sum("amount"))
        .values_list("category", "t")
    )
    reversed_before_end = Q(reversed_at__lt=window[1])
    utilities = UtilityPayment.objects.filter(project=project).aggregate(
        collected=Coalesce(
            Sum(
                "amount",
                filter=Q(collected_at__gte=window[0], collected_at__lt=window[1])
                & ~Q(status=UtilityPaymentStatus.REVERSED),
            ),
            _zero(),
        ),
        paid_over=Coalesce(
            Sum(
                "amount",
                filter=Q(
                    status=UtilityPaymentStatus.PAID_OVER,
                    paid_over_on__gte=start,
                    paid_over_on__lte=end,
                ),
            ),
            _zero(),
        ),
        held=Coalesce(
            Sum(
                "amount",
                filter=Q(collected_at__lt=window[1])
                & ~Q(paid_over_on__lte=end)
                & ~reversed_before_end,
            ),
            _zero(),
        ),
    )
    return Statement(
        first=start,
        last=end,
        utilities_collected=utilities["collected"],
        utilities_paid_over=utilities["paid_over"],
        utilities_held=utilities["held"],
        billed=[(k, str(label), billed[k]) for k, label in ChargeKind.choices if k in billed],
        collected=[
            (k, str(label), taken.get(k, ZERO) - reversed_.get(k, ZERO))
            for k, label in PaymentMethod.choices
            if k in taken or k in reversed_
        ],
        expenditure=[
            (k, str(label), spent[k]) for k, label in ExpenditureCategory.choices if k in spent
        ],
    )


@dataclass
class MarginRow:
    department: str
    label: str
    orders: int
    charged: Decimal
    material: Decimal
    unconfirmed: int = 0

    @property
    def margin(self) -> Decimal:
        return self.charged - self.material


def _current_confirmation(field: str) -> Subquery:
    return Subquery(
        ChargeConfirmation.objects.filter(ticket=OuterRef("pk"), superseded_by__isnull=True)
        .order_by("-id")
        .values(field)[:1]
    )


def charges_to_confirm(*, project: Project, period: dt.date) -> QuerySet[Ticket]:
    """The paid orders finished in a month with the figures the worker wrote and the
    cashier's current confirmation (`confirmed_fee`, `confirmed_material`, `confirmed_at`;
    None while unconfirmed), unconfirmed first. One query."""
    first = month_start(period)
    return (
        paid_orders_charged(
            project_id=project.pk,
            done_from=local_midnight(first),
            done_before=local_midnight(next_month(first)),
        )
        .annotate(
            confirmed_fee=_current_confirmation("fee_charged"),
            confirmed_material=_current_confirmation("material_cost"),
            confirmed_at=_current_confirmation("confirmed_at"),
        )
        .order_by(F("confirmed_at").asc(nulls_first=True), "done_at", "id")
    )


@reads_from_replica
def paid_service_margins(*, project: Project, period: dt.date) -> list[MarginRow]:
    """Income, material cost and margin of the paid orders finished in a month, per
    department. An order counts with the cashier's confirmed figures where it has them, else
    with what its worker wrote (`unconfirmed` says how many). One query."""
    rows = (
        charges_to_confirm(project=project, period=period)
        .order_by()
        .values("department")
        .annotate(
            n=Count("id"),
            charged=Sum(Coalesce("confirmed_fee", "fee_charged")),
            material=Coalesce(Sum(Coalesce("confirmed_material", "material_cost")), _zero()),
            unconfirmed=Count("id", filter=Q(confirmed_at__isnull=True)),
        )
        .order_by("department")
    )
    labels = dict(Department.choices)
    return [
        MarginRow(
            r["department"],
            str(labels.get(r["department"], r["department"])),
            r["n"],
            r["charged"],
            r["material"],
            r["unconfirmed"],
        )
        for r in rows
    ]
