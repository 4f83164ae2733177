"""Fees (费用): charge standards, meter readings, bills, payments, receipts, deposits.

The ledger of a household is its documents, never a running total kept in a
field: bills issued, payments taken, credits granted and reversals made.
Its balance is

    issued − paid − credited + reversed = balance

(positive: the household owes; negative: it holds credit). Payments and
credits are allocated to bills (`Allocation`); what is not allocated is the
household's credit, used by its next bill. A reversal never edits or deletes a
payment: it adds a `Reversal` and negative allocations. Rows are written only
by `billing.services`; amounts are Decimal yuan rounded by `billing.money`.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from frontdesk.core.models import Project
from residents.choices import UnitType
from residents.models import Decoration, Household, Unit
from tickets.models import MonthlyContract, Ticket

from .choices import (
    BillStatus,
    ChargeKind,
    DepositKind,
    DepositStatus,
    DeskChargeKind,
    ExpenditureCategory,
    HandoverStatus,
    MeterKind,
    PaymentMethod,
    PaymentStatus,
    ReceiptKind,
    RefundStatus,
    UtilityKind,
    UtilityPaymentStatus,
)
from .money import MONEY

USER = settings.AUTH_USER_MODEL
RATE = {"max_digits": 12, "decimal_places": 4}
QUANTITY = {"max_digits": 14, "decimal_places": 4}


# --- Settings and standards --------------------------------------------------------


class BillingSettings(models.Model):
    """A project's fee settings: whether it bills energy itself, and its collection target.

    Where a project does not bill energy, the desk opens the utility accounts
    and pays on the resident's behalf as a convenience order; the money is a
    payable of the utility, not income, and no energy line appears on a bill.
    """

    project = models.OneToOneField(
        Project,
        on_delete=models.CASCADE,
        related_name="billing_settings",
        verbose_name=_("project"),
    )
    bills_energy = models.BooleanField(_("bills water, electricity and gas itself"), default=True)
    collection_target = models.DecimalField(
        _("collection-rate target (%)"), max_digits=5, decimal_places=2, default=95
    )
    due_days = models.PositiveSmallIntegerField(
        _("days to pay after the bill is issued"), default=30
    )

    class Meta:
        verbose_name = _("fee settings")
        verbose_name_plural = _("fee settings")
        constraints = [
            models.CheckConstraint(
                condition=Q(collection_target__gte=0) & Q(collection_target__lte=100),
                name="billing_settings_target_percent",
                violation_error_message=_("The target is a percentage from 0 to 100."),
            )
        ]

    def __str__(self) -> str:
        return str(self.project)


class ChargeStandard(models.Model):
    """A published rate (收费标准) of a project, valid from one date to another.

    The service fee is per m² of floor area and month for a unit type; energy
    is per unit of reading; parking per vehicle with a space and month; a
    fixed fee per household and month. `reference` names the price bureau's
    document. A bill copies the rate onto its line, so changing a standard
    never alters a bill already issued.
    """

    project = models.ForeignKey(
        Project, on_delete=models.PROTECT, related_name="+", verbose_name=_("project")
    )
    kind = models.CharField(_("kind"), max_length=20, choices=ChargeKind.choices)
    name = models.CharField(_("name"), max_length=100)
    unit_type = models.CharField(
        _("unit type"),
        max_length=16,
        choices=UnitType.choices,
        blank=True,
        help_text=_("For the service fee: the type of unit the rate applies to."),
    )
    rate = models.DecimalField(_("rate"), **RATE)
    reference = models.CharField(_("published reference"), max_length=200, blank=True)
    valid_from = models.DateField(_("valid from"))
    valid_to = models.DateField(_("valid to"), null=True, blank=True)
    created_by = models.ForeignKey(
        USER, on_delete=models.PROTECT, related_name="+", verbose_name=_("entered by")
    )
    created_at = models.DateTimeField(_("entered at"), auto_now_add=True)

    class Meta:
        ordering = ["project", "kind", "-valid_from"]
        verbose_name = _("charge standard")
        verbose_name_plural = _("charge standards")
        constraints = [
            models.CheckConstraint(
                condition=Q(rate__gte=0),
                name="billing_standard_rate_nonneg",
                violation_error_message=_("A rate cannot be negative."),
            ),
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_to__gte=models.F("valid_from")),
                name="billing_standard_dates",
                violation_error_message=_("The end of validity is before its start."),
            ),
        ]
        indexes = [models.Index(fields=["project", "kind", "valid_from"], name="billing_std_kind")]

    def __str__(self) -> str:
        return f"{self.name} {self.rate}"


# --- Meter readings -------------------------------------------------------------------


class MeterReading(models.Model):
    """A reading of a unit's water, electricity or gas meter (抄表).

    The first base is the move-in record's reading. A reading is never lower
    than the one before, unless it is a meter change: then `reading` is the
    old meter's last figure and `new_meter_start` the new meter's first, the
    base of the next reading.
    """

    project = models.ForeignKey(
        Project, on_delete=models.PROTECT, related_name="+", verbose_name=_("project")
    )
    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="meter_readings", verbose_name=_("unit")
    )
    meter = models.CharField(_("meter"), max_length=16, choices=MeterKind.choices)
    reading = models.DecimalField(_("reading"), max_digits=12, decimal_places=2)
    read_on = models.DateField(_("read on"))
    is_meter_change = models.BooleanField(_("meter changed"), default=False)
    new_meter_start = models.DecimalField(
        _("new meter's start"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    recorded_by = models.ForeignKey(
        USER, on_delete=models.PROTECT, related_name="+", verbose_name=_("recorded by")
    )
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        ordering = ["unit", "meter", "read_on", "id"]
        verbose_name = _("meter reading")
        verbose_name_plural = _("meter readings")
        constraints = [
            models.CheckConstraint(
                condition=Q(reading__gte=0),
                name="billing_reading_nonneg",
                violation_error_message=_("A meter reading cannot be negative."),
            ),
            models.CheckConstraint(
                condition=(Q(is_meter_change=True) & Q(new_meter_start__gte=0))
                | (Q(is_meter_change=False) & Q(new_meter_start__isnull=True)),
                name="billing_reading_meter_change",
                violation_error_message=_("A meter change needs the new meter's start."),
            ),
            models.UniqueConstraint(
                fields=["unit", "meter", "read_on"],
                name="billing_reading_one_per_day",
                violation_error_message=_("This meter already has a reading on this day."),
            ),
        ]
        indexes = [
            models.Index(fields=["project", "read_on"], name="billing_reading_project"),
        ]

    def __str__(self) -> str:
        return f"{self.unit} {self.get_meter_display()} {self.reading}"

    @property
    def next_base(self):  # type: ignore[no-untyped-def]
        """The figure the next reading of this meter is counted from."""
        return self.new_meter_start if self.is_meter_change else self.reading


# --- Bills ----------------------------------------------------------------------------


class Bill(models.Model):
    """A household's bill for one month (账单), made by the bill run.

    `period` is the first day of the month billed. `amount` is the sum of
    the lines, fixed when the bill is issued. A draft (a run before the month
    ended, on request) is not in the ledger and is recomputed by the real run.
    """

    project = models.ForeignKey(
        Project, on_delete=models.PROTECT, related_name="+", verbose_name=_("project")
    )
    household = models.ForeignKey(
        Household, on_delete=models.PROTECT, related_name="bills", verbose_name=_("household")
    )
    period = models.DateField(_("month"))
    status = models.CharField(
        _("status"), max_length=16, choices=BillStatus.choices, default=BillStatus.DRAFT
    )
    amount = models.DecimalField(_("amount"), **MONEY)
    issued_at = models.DateTimeField(_("issued at"), null=True, blank=True)
    due_on = models.DateField(_("due on"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["-period", "-id"]
        verbose_name = _("bill")
        verbose_name_plural = _("bills")
        constraints = [
            models.UniqueConstraint(
                fields=["household", "period"],
                name="billing_bill_one_per_month",
                violation_error_message=_("This household already has a bill for this month."),
            ),
            models.CheckConstraint(
                condition=Q(amount__gte=0),
                name="billing_bill_amount_nonneg",
                violation_error_message=_("A bill cannot be negative."),
            ),
        ]
        indexes = [
            models.Index(fields=["project", "period", "status"], name="billing_bill_period"),
            models.Index(fields=["project", "status", "due_on"], name="billing_bill_open"),
        ]

    def __str__(self) -> str:
        return f"{self.household.unit.code} {self.period:%Y-%m}"


class DeskCharge(models.Model):
    """A one-off charge taken at the desk (a card replacement, a temporary pass ...).

    Recorded by `desk_charge_record` when the desk does the work; the household's
    next bill run puts it on a line (`BillLine.desk_charge`, unique), so it is
    billed exactly once, on the first bill of a month on or after `charged_on`.
    """

    project = models.ForeignKey(
        Project, on_delete=models.PROTECT, related_name="+", verbose_name=_("project")
    )
    household = models.ForeignKey(
        Household,
        on_delete=models.PROTECT,
        related_name="desk_charges",
        verbose_name=_("household"),
    )
    kind = models.CharField(_("kind"), max_length=20, choices=DeskChargeKind.choices)
    description = models.CharField(_("description"), max_length=200)
    amount = models.DecimalField(_("amount"), **MONEY)
    charged_on = models.DateField(_("charged on"))
    created_by = models.ForeignKey(
        USER, on_delete=models.PROTECT, related_name="+", verbose_name=_("recorded by")
    )
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        ordering = ["-charged_on", "-id"]
        verbose_name = _("desk charge")
        verbose_name_plural = _("desk charges")
        constraints = [
            models.CheckConstraint(
                condition=Q(amount__gt=0),
                name="billing_desk_charge_positive",
                violation_error_message=_("The amount must be greater than zero."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.amount}"


class BillLine(models.Model):
    """One line of a bill: what, how much, at what rate (copied from the standard).

    A paid order's line names the order, a desk charge's line the charge; the
    unique constraints on `ticket` and `desk_charge` bill each exactly once, ever.
    """

    bill = models.ForeignKey(
        Bill, on_delete=models.CASCADE, related_name="lines", verbose_name=_("bill")
    )
    kind = models.CharField(_("kind"), max_length=20, choices=ChargeKind.choices)
    description = models.CharField(_("description"), max_length=200)
    quantity = models.DecimalField(_("quantity"), **QUANTITY)
    rate = models.DecimalField(_("rate"), **RATE)
    amount = models.DecimalField(_("amount"), **MONEY)
    standard = models.ForeignKey(
        ChargeStandard,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("charge standard"),
    )
    ticket = models.ForeignKey(
        Ticket,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("work order"),
    )
    contract = models.ForeignKey(
        MonthlyContract,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("monthly contract"),
    )
    desk_charge = models.ForeignKey(
        DeskCharge,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("desk charge"),
    )

    class Meta:
        ordering = ["bill", "id"]
        verbose_name = _("bill line")
        verbose_name_plural = _("bill lines")
        constraints = [
            models.UniqueConstraint(
                fields=["ticket"],
                condition=Q(ticket__isnull=False),
                name="billing_line_order_once",
                violation_error_message=_("This work order is already on a bill."),
            ),
            models.UniqueConstraint(
                fields=["desk_charge"],
                condition=Q(desk_charge__isnull=False),
                name="billing_line_desk_charge_once",
                violation_error_message=_("This desk charge is already on a bill."),
            ),
            models.CheckConstraint(
                condition=Q(amount__gte=0),
                name="billing_line_amount_nonneg",
                violation_error_message=_("A bill line cannot be negative."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.description} {self.amount}"


# --- Payments, credits, reversals ---------------------------------------------------


class Payment(models.Model):
    """Money received from a household (收款), by the cashier or by the desk after hours.

    Card, transfer, WeChat Pay and Alipay are recorded, not processed. A
    payment is never edited: a wrong one gets a `Reversal`. `handover` is
    set when after-hours money is handed to the cashier.
    """

    project = models.ForeignKey(
        Project, on_delete=models.PROTECT, related_name="+", verbose_name=_("project")
    )
    household = models.ForeignKey(
        Household, on_delete=models.PROTECT, related_name="payments", verbose_name=_("household")
    )
    amount = models.DecimalField(_("amount"), **MONEY)
    method = models.CharField(_("method"), max_length=16, choices=PaymentMethod.choices)
    status = models.CharField(
        _("status"), max_length=16, choices=PaymentStatus.choices, default=PaymentStatus.VALID
    )
    after_hours = models.BooleanField(_("taken after hours"), default=False)
    taken_by = models.ForeignKey(
        USER, on_delete=models.PROTECT, related_name="+", verbose_name=_("taken by")
    )
    taken_at = models.DateTimeField(_("taken at"))
    reference = models.CharField(_("transaction reference"), max_length=64, blank=True)
    note = models.CharField(_("note"), max_length=200, blank=True)
    handover = models.ForeignKey(
        "CashHandover",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="payments",
        verbose_name=_("handover"),
    )

    class Meta:
        ordering = ["-taken_at", "-id"]
        verbose_name = _("payment")
        verbose_name_plural = _("payments")
        constraints = [
            models.CheckConstraint(
                condition=Q(amount__gt=0),
                name="billing_payment_amount_positive",
                violation_error_message=_("The amount must be greater than zero."),
            )
        ]
        indexes = [
            models.Index(fields=["project", "taken_at"], name="billing_payment_taken"),
            models.Index(fields=["household", "taken_at"], name="billing_payment_household"),
        ]

    def __str__(self) -> str:
        return f"{self.household.unit.code} {self.amount}"


class Credit(models.Model):
    """A credit note (减免): an amount the household no longer owes, granted by the manager."""

    project = models.ForeignKey(
        Project, on_delete=models.PROTECT, related_name="+", verbose_name=_("project")
    )
    household = models.ForeignKey(
        Household, on_delete=models.PROTECT, related_name="credits", verbose_name=_("household")
    )
    amount = models.DecimalField(_("amount"), **MONEY)
    reason = models.CharField(_("reason"), max_length=200)
    granted_by = models.ForeignKey(
        USER, on_delete=models.PROTECT, related_name="+", verbose_name=_("granted by")
    )
    granted_at = models.DateTimeField(_("granted at"))

    class Meta:
        ordering = ["-granted_at", "-id"]
        verbose_name = _("credit note")
        verbose_name_plural = _("credit notes")
        constraints = [
            models.CheckConstraint(
                condition=Q(amount__gt=0),
                name="billing_credit_amount_positive",
                violation_error_message=_("The amount must be greater than zero."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.household.unit.code} {self.amount}"


class Reversal(models.Model):
    """The reversal of a wrong payment (冲正): a new entry; the payment itself is kept."""

    project = models.ForeignKey(
        Project, on_delete=models.PROTECT, related_name="+", verbose_name=_("project")
    )
    household = models.ForeignKey(
        Household, on_delete=models.PROTECT, related_name="reversals", verbose_name=_("household")
    )
    payment = models.OneToOneField(
        Payment, on_delete=models.PROTECT, related_name="reversal", verbose_name=_("payment")
    )
    amount = models.DecimalField(_("amount"), **MONEY)
    reason = models.CharField(_("reason"), max_length=200)
    reversed_by = models.ForeignKey(
        USER, on_delete=models.PROTECT, related_name="+", verbose_name=_("reversed by")
    )
    reversed_at = models.DateTimeField(_("reversed at"))

    class Meta:
        ordering = ["-reversed_at", "-id"]
        verbose_name = _("reversal")
        verbose_name_plural = _("reversals")
        constraints = [
            models.CheckConstraint(
                condition=Q(amount__gt=0),
                name="billing_reversal_amount_positive",
            )
        ]

    def __str__(self) -> str:
        return f"{self.payment} ↺"


class Allocation(models.Model):
    """Part of a payment or credit settling a bill. A reversal adds negative allocations.

    The allocations of a bill add up to what has been paid on it; those of a
    payment to what of it has been used; the rest of a payment or credit is
    the household's credit.
    """

    bill = models.ForeignKey(
        Bill, on_delete=models.PROTECT, related_name="allocations", verbose_name=_("bill")
    )
    payment = models.ForeignKey(
        Payment,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="allocations",
        verbose_name=_("payment"),
    )
    credit = models.ForeignKey(
        Credit,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="allocations",
        verbose_name=_("credit note"),
    )
    reversal = models.ForeignKey(
        Reversal,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="allocations",
        verbose_name=_("reversal"),
    )
    amount = models.DecimalField(_("amount"), **MONEY)
    at = models.DateTimeField(_("at"))

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("allocation")
        verbose_name_plural = _("allocations")
        constraints = [
            models.CheckConstraint(
                condition=(Q(payment__isnull=False) & Q(credit__isnull=True))
                | (Q(payment__isnull=True) & Q(credit__isnull=False)),
                name="billing_allocation_one_source",
            ),
            models.CheckConstraint(
                condition=(Q(reversal__isnull=True) & Q(amount__gt=0))
                | (Q(reversal__isnull=False) & Q(amount__lt=0)),
                name="billing_allocation_sign",
            ),
        ]
        indexes = [models.Index(fields=["bill", "at"], name="billing_alloc_bill")]

    def __str__(self) -> str:
        return f"{self.bill} {self.amount}"


# --- Deposits and refunds -------------------------------------------------------------


class Deposit(models.Model):
    """A deposit held for a household (押金), e.g. the decoration deposit, until refunded.

    A deposit is not income and not in the bills' ledger: it is held money,
    returned by approved refunds.
    """

    project = models.ForeignKey(
        Project, on_delete=models.PROTECT, related_name="+", verbose_name=_("project")
    )
    household = models.ForeignKey(
        Household, on_delete=models.PROTECT, related_name="deposits", verbose_name=_("household")
    )
    kind = models.CharField(_("kind"), max_length=16, choices=DepositKind.choices)
    decoration = models.ForeignKey(
        Decoration,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decoration"),
    )
    description = models.CharField(_("description"), max_length=200, blank=True)
    amount = models.DecimalField(_("amount"), **MONEY)
    method = models.CharField(_("method"), max_length=16, choices=PaymentMethod.choices)
    status = models.CharField(
        _("status"), max_length=16, choices=DepositStatus.choices, default=DepositStatus.HELD
    )
    taken_by = models.ForeignKey(
        USER, on_delete=models.PROTECT, related_name="+", verbose_name=_("taken by")
    )
    taken_at = models.DateTimeField(_("taken at"))

    class Meta:
        ordering = ["-taken_at", "-id"]
        verbose_name = _("deposit")
        verbose_name_plural = _("deposits")
        constraints = [
            models.CheckConstraint(
                condition=Q(amount__gt=0),
                name="billing_deposit_amount_positive",
                violation_error_message=_("The amount must be greater than zero."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.household.unit.code} {self.get_kind_display()} {self.amount}"


class Refund(models.Model):
    """Money returned from a deposit (退款), approved by a manager before it goes out.

    Nobody approves their own request (a check constraint says so too).
    """

    project = models.ForeignKey(
        Project, on_delete=models.PROTECT, related_name="+", verbose_name=_("project")
    )
    deposit = models.ForeignKey(
        Deposit, on_delete=models.PROTECT, related_name="refunds", verbose_name=_("deposit")
    )
    amount = models.DecimalField(_("amount"), **MONEY)
    reason = models.CharField(_("reason"), max_length=200)
    method = models.CharField(_("method"), max_length=16, choices=PaymentMethod.choices)
    status = models.CharField(
        _("status"), max_length=16, choices=RefundStatus.choices, default=RefundStatus.REQUESTED
    )
    requested_by = models.ForeignKey(
        USER, on_delete=models.PROTECT, related_name="+", verbose_name=_("requested by")
    )
    requested_at = models.DateTimeField(_("requested at"))
    decided_by = models.ForeignKey(
        USER,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("approved or rejected by"),
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_note = models.CharField(_("decision note"), max_length=200, blank=True)
    paid_by = models.ForeignKey(
        USER,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("paid out by"),
    )
    paid_at = models.DateTimeField(_("paid out at"), null=True, blank=True)

    class Meta:
        ordering = ["-requested_at", "-id"]
        verbose_name = _("refund")
        verbose_name_plural = _("refunds")
        constraints = [
            models.CheckConstraint(
                condition=Q(amount__gt=0),
                name="billing_refund_amount_positive",
                violation_error_message=_("The amount must be greater than zero."),
            ),
            models.CheckConstraint(
                condition=Q(decided_by__isnull=True) | ~Q(decided_by=models.F("requested_by")),
                name="billing_refund_not_own",
                violation_error_message=_("Nobody approves their own refund."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.deposit} −{self.amount}"


# --- Receipts -------------------------------------------------------------------------


class Receipt(models.Model):
    """A numbered receipt (收据) of a payment, deposit or refund.

    Numbers run per project and year without a gap (django-sequences: the
    counter row stays locked until the payment commits, and a rollback gives
    the number back). Reprints are counted and marked on the print.
    """

    project = models.ForeignKey(
        Project, on_delete=models.PROTECT, related_name="+", verbose_name=_("project")
    )
    household = models.ForeignKey(
        Household, on_delete=models.PROTECT, related_name="receipts", verbose_name=_("household")
    )
    year = models.PositiveSmallIntegerField(_("year"))
    sequence = models.PositiveIntegerField(_("sequence"))
    number = models.CharField(_("receipt number"), max_length=24)
    kind = models.CharField(_("kind"), max_length=16, choices=ReceiptKind.choices)
    payment = models.OneToOneField(
        Payment,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="receipt",
        verbose_name=_("payment"),
    )
    deposit = models.OneToOneField(
        Deposit,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="receipt",
        verbose_name=_("deposit"),
    )
    refund = models.OneToOneField(
        Refund,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="receipt",
        verbose_name=_("refund"),
    )
    amount = models.DecimalField(_("amount"), **MONEY)
    issued_at = models.DateTimeField(_("issued at"))
    issued_by = models.ForeignKey(
        USER, on_delete=models.PROTECT, related_name="+", verbose_name=_("issued by")
    )
    print_count = models.PositiveIntegerField(_("times printed"), default=0)

    class Meta:
        ordering = ["-issued_at", "-id"]
        verbose_name = _("receipt")
        verbose_name_plural = _("receipts")
        constraints = [
            models.UniqueConstraint(
                fields=["project", "year", "sequence"], name="billing_receipt_number_unique"
            ),
            models.CheckConstraint(
                condition=(
                    Q(kind=ReceiptKind.PAYMENT, payment__isnull=False)
                    | Q(kind=ReceiptKind.DEPOSIT, deposit__isnull=False)
                    | Q(kind=ReceiptKind.REFUND, refund__isnull=False)
                ),
                name="billing_receipt_subject",
            ),
        ]

    def __str__(self) -> str:
        return self.number


# --- After-hours cash and the cashier's costs --------------------------------------------


class CashHandover(models.Model):
    """What the desk took after hours, handed to the cashier against a record both sign.

    `lines` holds, per payment method, what the records say and what was
    counted; a difference needs an explanation before the cashier signs.
    """

    project = models.ForeignKey(
        Project, on_delete=models.PROTECT, related_name="+", verbose_name=_("project")
    )
    handed_by = models.ForeignKey(
        USER, on_delete=models.PROTECT, related_name="+", verbose_name=_("handed over by")
    )
    handed_at = models.DateTimeField(_("handed over at"))
    received_by = models.ForeignKey(
        USER,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("received by"),
    )
    received_at = models.DateTimeField(_("received at"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=HandoverStatus.choices, default=HandoverStatus.HANDED
    )
    explanation = models.TextField(_("explanation of the difference"), blank=True)

    class Meta:
        ordering = ["-handed_at", "-id"]
        verbose_name = _("cash handover")
        verbose_name_plural = _("cash handovers")
        constraints = [
            models.CheckConstraint(
                condition=Q(received_by__isnull=True) | ~Q(received_by=models.F("handed_by")),
                name="billing_handover_two_people",
                violation_error_message=_(
                    "The cashier who receives is not the one who hands over."
                ),
            )
        ]

    def __str__(self) -> str:
        return f"{self.handed_by} {self.handed_at:%Y-%m-%d %H:%M}"


class CashHandoverLine(models.Model):
    """One payment method of a handover: the records' total and what was counted."""

    handover = models.ForeignKey(
        CashHandover, on_delete=models.CASCADE, related_name="lines", verbose_name=_("handover")
    )
    method = models.CharField(_("method"), max_length=16, choices=PaymentMethod.choices)
    expected = models.DecimalField(_("by the records"), **MONEY)
    counted = models.DecimalField(_("counted"), **MONEY)

    class Meta:
        ordering = ["handover", "method"]
        verbose_name = _("handover line")
        verbose_name_plural = _("handover lines")
        constraints = [
            models.UniqueConstraint(
                fields=["handover", "method"], name="billing_handover_line_method"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_method_display()} {self.counted}"

    @property
    def difference(self):  # type: ignore[no-untyped-def]
        return self.counted - self.expected


class Expenditure(models.Model):
    """A cost of the project entered by the cashier, by category (for the statement)."""

    project = models.ForeignKey(
        Project, on_delete=models.PROTECT, related_name="+", verbose_name=_("project")
    )
    category = models.CharField(_("category"), max_length=16, choices=ExpenditureCategory.choices)
    amount = models.DecimalField(_("amount"), **MONEY)
    spent_on = models.DateField(_("spent on"))
    description = models.CharField(_("description"), max_length=200)
    recorded_by = models.ForeignKey(
        USER, on_delete=models.PROTECT, related_name="+", verbose_name=_("recorded by")
    )
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        ordering = ["-spent_on", "-id"]
        verbose_name = _("expenditure")
        verbose_name_plural = _("expenditures")
        constraints = [
            models.CheckConstraint(
                condition=Q(amount__gt=0),
                name="billing_expenditure_positive",
                violation_error_message=_("The amount must be greater than zero."),
            )
        ]
        indexes = [models.Index(fields=["project", "spent_on"], name="billing_expense_day")]

    def __str__(self) -> str:
        return f"{self.get_category_display()} {self.amount}"


class ChargeConfirmation(models.Model):
    """The cashier's confirmation of a paid order's charge and material cost (核实收入与成本).

    The order records what the worker wrote on completion; the cashier checks it against
    the money and the store's issue slips and confirms it here. A correction is a new
    confirmation that supersedes the last one (with a reason), never an edit: the order's
    current figures are those of the confirmation nothing supersedes.
    """

    project = models.ForeignKey(
        Project, on_delete=models.PROTECT, related_name="+", verbose_name=_("project")
    )
    ticket = models.ForeignKey(
        Ticket,
        on_delete=models.PROTECT,
        related_name="charge_confirmations",
        verbose_name=_("work order"),
    )
    fee_charged = models.DecimalField(_("fee charged"), **MONEY)
    material_cost = models.DecimalField(_("material cost"), **MONEY)
    supersedes = models.OneToOneField(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="superseded_by",
        verbose_name=_("corrects"),
    )
    note = models.CharField(_("note"), max_length=200, blank=True)
    confirmed_by = models.ForeignKey(
        USER, on_delete=models.PROTECT, related_name="+", verbose_name=_("confirmed by")
    )
    confirmed_at = models.DateTimeField(_("confirmed at"))

    class Meta:
        ordering = ["-confirmed_at", "-id"]
        verbose_name = _("charge confirmation")
        verbose_name_plural = _("charge confirmations")
        constraints = [
            models.CheckConstraint(
                condition=Q(fee_charged__gte=0) & Q(material_cost__gte=0),
                name="billing_confirmation_not_negative",
                violation_error_message=_("Amounts cannot be negative."),
            ),
            # The first confirmation of an order is the only one that supersedes nothing.
            models.UniqueConstraint(
                fields=["ticket"],
                condition=Q(supersedes__isnull=True),
                name="billing_confirmation_first_once",
            ),
        ]
        indexes = [models.Index(fields=["ticket", "-id"], name="billing_confirmation_ticket")]

    def __str__(self) -> str:
        return f"{self.ticket_id}: {self.fee_charged} / {self.material_cost}"


# --- Overtime air-conditioning and utilities paid on a resident's behalf -------------------


class AirconOvertime(models.Model):
    """Overtime air-conditioning (加班空调) used by a household, usually an office or a shop.

    Recorded by `aircon_overtime_record`: the hours × the rate of the project's
    `aircon_overtime` standard valid on the day, rounded to the fen, become a
    `DeskCharge` (kind `aircon_overtime`) that the next bill run puts on one line.
    The rate is copied here, so a later change of standard never alters it.
    """

    project = models.ForeignKey(
        Project, on_delete=models.PROTECT, related_name="+", verbose_name=_("project")
    )
    household = models.ForeignKey(
        Household,
        on_delete=models.PROTECT,
        related_name="aircon_overtimes",
        verbose_name=_("household"),
    )
    used_on = models.DateField(_("date"))
    starts_at = models.TimeField(_("from"), null=True, blank=True)
    ends_at = models.TimeField(_("to"), null=True, blank=True)
    hours = models.DecimalField(_("hours"), max_digits=4, decimal_places=2)
    standard = models.ForeignKey(
        ChargeStandard,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("charge standard"),
    )
    rate = models.DecimalField(_("rate per hour"), **RATE)
    amount = models.DecimalField(_("amount"), **MONEY)
    note = models.CharField(_("note"), max_length=200, blank=True)
    desk_charge = models.OneToOneField(
        DeskCharge,
        on_delete=models.PROTECT,
        related_name="aircon_overtime",
        verbose_name=_("desk charge"),
    )
    recorded_by = models.ForeignKey(
        USER, on_delete=models.PROTECT, related_name="+", verbose_name=_("recorded by")
    )
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        ordering = ["-used_on", "-id"]
        verbose_name = _("overtime air-conditioning")
        verbose_name_plural = _("overtime air-conditioning")
        constraints = [
            models.CheckConstraint(
                condition=Q(hours__gt=0) & Q(hours__lte=24),
                name="billing_aircon_hours_in_day",
                violation_error_message=_("Hours are more than 0 and at most 24."),
            ),
            models.CheckConstraint(
                condition=Q(amount__gt=0),
                name="billing_aircon_amount_positive",
                violation_error_message=_("The amount must be greater than zero."),
            ),
        ]
        indexes = [models.Index(fields=["project", "used_on"], name="billing_aircon_day")]

    def __str__(self) -> str:
        return f"{self.used_on} {self.hours} h"


class UtilityPayment(models.Model):
    """Money collected for a utility on a resident's behalf (代收代缴): a payable, not income.

    Where a project does not bill energy itself, the desk takes the resident's
    money for the water, power, gas, cable TV or telephone company; the money is
    held for that company until the cashier pays it over (with the company's
    reference), or the cashier reverses the collection before that (with a
    reason). A collection is never edited or deleted. The income statement shows
    it as a payable, apart from income.
    """

    project = models.ForeignKey(
        Project, on_delete=models.PROTECT, related_name="+", verbose_name=_("project")
    )
    household = models.ForeignKey(
        Household,
        on_delete=models.PROTECT,
        related_name="utility_payments",
        verbose_name=_("household"),
    )
    utility = models.CharField(_("utility"), max_length=16, choices=UtilityKind.choices)
    account_number = models.CharField(_("account number with the utility"), max_length=40)
    amount = models.DecimalField(_("amount"), **MONEY)
    method = models.CharField(_("method"), max_length=16, choices=PaymentMethod.choices)
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=UtilityPaymentStatus.choices,
        default=UtilityPaymentStatus.COLLECTED,
    )
    note = models.CharField(_("note"), max_length=200, blank=True)
    collected_by = models.ForeignKey(
        USER, on_delete=models.PROTECT, related_name="+", verbose_name=_("collected by")
    )
    collected_at = models.DateTimeField(_("collected at"))
    paid_over_on = models.DateField(_("paid over on"), null=True, blank=True)
    utility_reference = models.CharField(
        _("the utility's receipt number"), max_length=64, blank=True
    )
    paid_over_by = models.ForeignKey(
        USER,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("paid over by"),
    )
    paid_over_at = models.DateTimeField(_("pay-over recorded at"), null=True, blank=True)
    reversed_by = models.ForeignKey(
        USER,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("reversed by"),
    )
    reversed_at = models.DateTimeField(_("reversed at"), null=True, blank=True)
    reverse_reason = models.CharField(_("reason for the reversal"), max_length=200, blank=True)

    class Meta:
        ordering = ["-collected_at", "-id"]
        verbose_name = _("utility payment")
        verbose_name_plural = _("utility payments")
        constraints = [
            models.CheckConstraint(
                condition=Q(amount__gt=0),
                name="billing_utility_amount_positive",
                violation_error_message=_("The amount must be greater than zero."),
            ),
            models.CheckConstraint(
                condition=~Q(status=UtilityPaymentStatus.PAID_OVER)
                | (Q(paid_over_on__isnull=False) & ~Q(utility_reference="")),
                name="billing_utility_paid_over_complete",
                violation_error_message=_("A pay-over needs the utility's reference and date."),
            ),
            models.CheckConstraint(
                condition=~Q(status=UtilityPaymentStatus.REVERSED) | ~Q(reverse_reason=""),
                name="billing_utility_reversal_reason",
                violation_error_message=_("A reversal needs a reason."),
            ),
        ]
        indexes = [
            models.Index(fields=["project", "status"], name="billing_utility_status"),
            models.Index(fields=["project", "collected_at"], name="billing_utility_collected"),
        ]

    def __str__(self) -> str:
        return f"{self.get_utility_display()} {self.account_number} {self.amount}"
