"""Shapes of fees in the API. Serializers shape data; services run the workflow.

Output serializers read what the selectors joined and annotated (no query per
row). Input serializers check types and shapes; amounts arrive as strings or
numbers and the services refuse negative, zero or over-precise ones with a
message on the field.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_serializer
from rest_framework import serializers

from residents.choices import UnitType

from ..choices import (
    NOT_STANDARD_KINDS,
    ChargeKind,
    DepositKind,
    ExpenditureCategory,
    MeterKind,
    PaymentMethod,
    UtilityKind,
)
from ..filtersets import MONTH_PATTERN
from ..models import (
    AirconOvertime,
    Allocation,
    Bill,
    BillLine,
    CashHandover,
    CashHandoverLine,
    ChargeConfirmation,
    ChargeStandard,
    Credit,
    Deposit,
    Expenditure,
    MeterReading,
    Payment,
    Receipt,
    Refund,
    UtilityPayment,
)


def _person(user: Any) -> dict[str, Any] | None:
    if user is None:
        return None
    return {"id": user.pk, "name": user.get_full_name() or user.get_username()}


class AmountField(serializers.CharField):
    """An amount in yuan, as a string ("123.45"); the service checks its value."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("max_length", 24)
        super().__init__(**kwargs)

    def to_internal_value(self, data: Any) -> str:
        if isinstance(data, bool) or not isinstance(data, (str, int, float)):
            raise serializers.ValidationError(_("Enter an amount in yuan."))
        return str(data).strip()


# --- Output ------------------------------------------------------------------------------


class ChargeStandardSerializer(serializers.ModelSerializer):
    class Meta:
        model = ChargeStandard
        fields = [
            "id",
            "project",
            "kind",
            "name",
            "unit_type",
            "rate",
            "reference",
            "valid_from",
            "valid_to",
            "created_at",
        ]
        read_only_fields = fields


class MeterReadingSerializer(serializers.ModelSerializer):
    unit_code = serializers.CharField(source="unit.code", read_only=True)

    class Meta:
        model = MeterReading
        fields = [
            "id",
            "project",
            "unit",
            "unit_code",
            "meter",
            "reading",
            "read_on",
            "is_meter_change",
            "new_meter_start",
            "recorded_at",
        ]
        read_only_fields = fields


class BillLineSerializer(serializers.ModelSerializer):
    class Meta:
        model = BillLine
        fields = ["id", "kind", "description", "quantity", "rate", "amount", "ticket", "contract"]
        read_only_fields = fields


class BillSerializer(serializers.ModelSerializer):
    unit_code = serializers.CharField(source="household.unit.code", read_only=True)
    paid = serializers.DecimalField(max_digits=14, decimal_places=2, read_only=True)
    outstanding = serializers.SerializerMethodField()

    class Meta:
        model = Bill
        fields = [
            "id",
            "project",
            "household",
            "unit_code",
            "period",
            "status",
            "amount",
            "paid",
            "outstanding",
            "issued_at",
            "due_on",
        ]
        read_only_fields = fields

    def get_outstanding(self, obj: Bill) -> str:
        return str(obj.amount - obj.paid)  # type: ignore[attr-defined]


class AllocationSerializer(serializers.ModelSerializer):
    class Meta:
        model = Allocation
        fields = ["id", "bill", "payment", "credit", "reversal", "amount", "at"]
        read_only_fields = fields


class BillDetailSerializer(BillSerializer):
    lines = BillLineSerializer(many=True, read_only=True)
    allocations = AllocationSerializer(many=True, read_only=True)

    class Meta(BillSerializer.Meta):
        fields = [*BillSerializer.Meta.fields, "lines", "allocations"]
        read_only_fields = fields


class PaymentSerializer(serializers.ModelSerializer):
    unit_code = serializers.CharField(source="household.unit.code", read_only=True)
    receipt = serializers.SerializerMethodField()
    receipt_id = serializers.SerializerMethodField()
    taken_by = serializers.SerializerMethodField()
    reversal = serializers.SerializerMethodField()

    class Meta:
        model = Payment
        fields = [
            "id",
            "project",
            "household",
            "unit_code",
            "amount",
            "method",
            "status",
            "after_hours",
            "taken_by",
            "taken_at",
            "reference",
            "note",
            "receipt",
            "receipt_id",
            "reversal",
        ]
        read_only_fields = fields

    def get_receipt(self, obj: Payment) -> str | None:
        receipt = getattr(obj, "receipt", None)
        return receipt.number if receipt else None

    def get_receipt_id(self, obj: Payment) -> int | None:
        receipt = getattr(obj, "receipt", None)
        return receipt.pk if receipt else None

    def get_taken_by(self, obj: Payment) -> dict[str, Any] | None:
        return _person(obj.taken_by)

    def get_reversal(self, obj: Payment) -> dict[str, Any] | None:
        reversal = getattr(obj, "reversal", None)
        if reversal is None:
            return None
        return {"id": reversal.pk, "reason": reversal.reason, "at": reversal.reversed_at}


class PaymentDetailSerializer(PaymentSerializer):
    allocations = AllocationSerializer(many=True, read_only=True)

    class Meta(PaymentSerializer.Meta):
        fields = [*PaymentSerializer.Meta.fields, "allocations"]
        read_only_fields = fields


class ReceiptSerializer(serializers.ModelSerializer):
    unit_code = serializers.CharField(source="household.unit.code", read_only=True)

    class Meta:
        model = Receipt
        fields = [
            "id",
            "project",
            "household",
            "unit_code",
            "number",
            "kind",
            "amount",
            "payment",
            "deposit",
            "refund",
            "issued_at",
            "print_count",
        ]
        read_only_fields = fields


class DepositSerializer(serializers.ModelSerializer):
    unit_code = serializers.CharField(source="household.unit.code", read_only=True)
    refunded = serializers.DecimalField(max_digits=14, decimal_places=2, read_only=True)
    receipt = serializers.SerializerMethodField()

    class Meta:
        model = Deposit
        fields = [
            "id",
            "project",
            "household",
            "unit_code",
            "kind",
            "decoration",
            "description",
            "amount",
            "refunded",
            "method",
            "status",
            "taken_at",
            "receipt",
        ]
        read_only_fields = fields

    def get_receipt(self, obj: Deposit) -> str | None:
        receipt = getattr(obj, "receipt", None)
        return receipt.number if receipt else None


class RefundSerializer(serializers.ModelSerializer):
    household = serializers.IntegerField(source="deposit.household_id", read_only=True)
    requested_by = serializers.SerializerMethodField()
    decided_by = serializers.SerializerMethodField()
    receipt = serializers.SerializerMethodField()

    class Meta:
        model = Refund
        fields = [
            "id",
            "project",
            "deposit",
            "household",
            "amount",
            "reason",
            "method",
            "status",
            "requested_by",
            "requested_at",
            "decided_by",
            "decided_at",
            "decision_note",
            "paid_at",
            "receipt",
        ]
        read_only_fields = fields

    def get_requested_by(self, obj: Refund) -> dict[str, Any] | None:
        return _person(obj.requested_by)

    def get_decided_by(self, obj: Refund) -> dict[str, Any] | None:
        return _person(obj.decided_by)

    def get_receipt(self, obj: Refund) -> str | None:
        receipt = getattr(obj, "receipt", None)
        return receipt.number if receipt else None


# --- Input -------------------------------------------------------------------------------


class ChargeStandardCreateSerializer(serializers.Serializer):
    project = serializers.IntegerField(required=False)
    kind = serializers.ChoiceField(
        choices=[c for c in ChargeKind.choices if c[0] not in NOT_STANDARD_KINDS]
    )
    name = serializers.CharField(max_length=100)
    unit_type = serializers.ChoiceField(choices=UnitType.choices, required=False, default="")
    rate = AmountField()
    reference = serializers.CharField(max_length=200, required=False, default="")
    valid_from = serializers.DateField()
    valid_to = serializers.DateField(required=False, allow_null=True, default=None)


class MeterReadingCreateSerializer(serializers.Serializer):
    unit = serializers.IntegerField()
    meter = serializers.ChoiceField(choices=MeterKind.choices)
    reading = AmountField()
    read_on = serializers.DateField()
    is_meter_change = serializers.BooleanField(required=False, default=False)
    new_meter_start = AmountField(required=False, allow_null=True, default=None)


class MeterReadingImportSerializer(serializers.Serializer):
    building = serializers.IntegerField()
    file = serializers.FileField(
        help_text=_(
            "CSV with the columns unit, meter, reading, read_on[, meter_change, "
            "new_meter_start]; UTF-8."
        )
    )


class ImportResultSerializer(serializers.Serializer):
    created = serializers.IntegerField()


class BillRunSerializer(serializers.Serializer):
    project = serializers.IntegerField(required=False)
    month = serializers.RegexField(MONTH_PATTERN, help_text="YYYY-MM")
    draft = serializers.BooleanField(required=False, default=False)


class BillRunResultSerializer(serializers.Serializer):
    period = serializers.DateField()
    created = serializers.IntegerField()
    recomputed = serializers.IntegerField()
    skipped = serializers.IntegerField()


class PaymentCreateSerializer(serializers.Serializer):
    household = serializers.IntegerField()
    amount = AmountField()
    method = serializers.ChoiceField(choices=PaymentMethod.choices)
    bills = serializers.ListField(
        child=serializers.IntegerField(),
        required=False,
        allow_empty=True,
        help_text=_("The bills to settle, oldest first; none: all open bills."),
    )
    split = serializers.DictField(
        child=AmountField(),
        required=False,
        help_text=_("Bill id → amount, to pay given parts of given bills."),
    )
    after_hours = serializers.BooleanField(required=False, default=False)
    reference = serializers.CharField(max_length=64, required=False, default="")
    note = serializers.CharField(max_length=200, required=False, default="")


# Named apart from the reason of an order's step in the schema.
@extend_schema_serializer(component_name="FeeReason")
class ReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=200)


class RefundNoteSerializer(serializers.Serializer):
    note = serializers.CharField(max_length=200, required=False, default="")


class DepositCreateSerializer(serializers.Serializer):
    household = serializers.IntegerField()
    kind = serializers.ChoiceField(choices=DepositKind.choices)
    method = serializers.ChoiceField(choices=PaymentMethod.choices)
    amount = AmountField(required=False, allow_null=True, default=None)
    decoration = serializers.IntegerField(required=False, allow_null=True, default=None)
    description = serializers.CharField(max_length=200, required=False, default="")


class RefundCreateSerializer(serializers.Serializer):
    deposit = serializers.IntegerField()
    amount = AmountField()
    reason = serializers.CharField(max_length=200)
    method = serializers.ChoiceField(choices=PaymentMethod.choices)


class BucketsSerializer(serializers.Serializer):
    d30 = serializers.DecimalField(max_digits=14, decimal_places=2)
    d90 = serializers.DecimalField(max_digits=14, decimal_places=2)
    d180 = serializers.DecimalField(max_digits=14, decimal_places=2)
    over180 = serializers.DecimalField(max_digits=14, decimal_places=2)


class ArrearsRowSerializer(serializers.Serializer):
    household_id = serializers.IntegerField()
    unit = serializers.CharField()
    building = serializers.CharField()
    total = serializers.DecimalField(max_digits=14, decimal_places=2)
    oldest_days = serializers.IntegerField()
    buckets = BucketsSerializer()


class ArrearsReportSerializer(serializers.Serializer):
    project = serializers.IntegerField()
    as_of = serializers.DateField()
    definitions = serializers.CharField()
    totals = serializers.DictField(child=serializers.DecimalField(max_digits=14, decimal_places=2))
    households = ArrearsRowSerializer(many=True)


class CollectionRateSerializer(serializers.Serializer):
    period = serializers.DateField()
    billed = serializers.DecimalField(max_digits=14, decimal_places=2)
    collected = serializers.DecimalField(max_digits=14, decimal_places=2)
    current_rate = serializers.DecimalField(max_digits=7, decimal_places=2, allow_null=True)
    arrears_open = serializers.DecimalField(max_digits=14, decimal_places=2)
    arrears_recovered = serializers.DecimalField(max_digits=14, decimal_places=2)
    arrears_rate = serializers.DecimalField(max_digits=7, decimal_places=2, allow_null=True)
    target = serializers.DecimalField(max_digits=5, decimal_places=2)


class CollectionReportSerializer(serializers.Serializer):
    project = serializers.IntegerField()
    definitions = serializers.DictField(child=serializers.CharField())
    period = CollectionRateSerializer()
    trend = CollectionRateSerializer(many=True)


class CreditSerializer(serializers.ModelSerializer):
    class Meta:
        model = Credit
        fields = ["id", "project", "household", "amount", "reason", "granted_at"]
        read_only_fields = fields


class CreditCreateSerializer(serializers.Serializer):
    household = serializers.IntegerField()
    amount = AmountField()
    reason = serializers.CharField(max_length=200)


class HandoverLineSerializer(serializers.ModelSerializer):
    difference = serializers.DecimalField(max_digits=14, decimal_places=2, read_only=True)

    class Meta:
        model = CashHandoverLine
        fields = ["method", "expected", "counted", "difference"]
        read_only_fields = fields


class CashHandoverSerializer(serializers.ModelSerializer):
    lines = HandoverLineSerializer(many=True, read_only=True)
    handed_by = serializers.SerializerMethodField()
    received_by = serializers.SerializerMethodField()

    class Meta:
        model = CashHandover
        fields = [
            "id",
            "project",
            "status",
            "handed_by",
            "handed_at",
            "received_by",
            "received_at",
            "explanation",
            "lines",
        ]
        read_only_fields = fields

    def get_handed_by(self, obj: CashHandover) -> dict[str, Any] | None:
        return _person(obj.handed_by)

    def get_received_by(self, obj: CashHandover) -> dict[str, Any] | None:
        return _person(obj.received_by)


class CashHandoverCreateSerializer(serializers.Serializer):
    project = serializers.IntegerField(required=False)
    counted = serializers.DictField(
        child=AmountField(),
        help_text=_('Payment method → amount counted, e.g. {"cash": "320.00"}.'),
    )
    explanation = serializers.CharField(required=False, default="", allow_blank=True)


class ExpenditureSerializer(serializers.ModelSerializer):
    class Meta:
        model = Expenditure
        fields = ["id", "project", "category", "amount", "spent_on", "description", "recorded_at"]
        read_only_fields = fields


class ExpenditureCreateSerializer(serializers.Serializer):
    project = serializers.IntegerField(required=False)
    category = serializers.ChoiceField(choices=ExpenditureCategory.choices)
    amount = AmountField()
    spent_on = serializers.DateField()
    description = serializers.CharField(max_length=200)


class AmountLineSerializer(serializers.Serializer):
    code = serializers.CharField()
    label = serializers.CharField()
    amount = serializers.DecimalField(max_digits=14, decimal_places=2)


class UtilityPayableSerializer(serializers.Serializer):
    collected = serializers.DecimalField(max_digits=14, decimal_places=2)
    paid_over = serializers.DecimalField(max_digits=14, decimal_places=2)
    held = serializers.DecimalField(max_digits=14, decimal_places=2)


class StatementSerializer(serializers.Serializer):
    project = serializers.IntegerField()
    first = serializers.DateField()
    last = serializers.DateField()
    definitions = serializers.CharField()
    billed = AmountLineSerializer(many=True)
    billed_total = serializers.DecimalField(max_digits=14, decimal_places=2)
    collected = AmountLineSerializer(many=True)
    collected_total = serializers.DecimalField(max_digits=14, decimal_places=2)
    expenditure = AmountLineSerializer(many=True)
    expenditure_total = serializers.DecimalField(max_digits=14, decimal_places=2)
    surplus = serializers.DecimalField(max_digits=14, decimal_places=2)
    utilities = UtilityPayableSerializer(
        help_text=_("Money held for utilities (代收代缴): a payable, not in the income above.")
    )


class MarginRowSerializer(serializers.Serializer):
    department = serializers.CharField()
    label = serializers.CharField()
    orders = serializers.IntegerField()
    charged = serializers.DecimalField(max_digits=14, decimal_places=2)
    material = serializers.DecimalField(max_digits=14, decimal_places=2)
    margin = serializers.DecimalField(max_digits=14, decimal_places=2)
    unconfirmed = serializers.IntegerField(
        help_text="Orders counted with the worker's figures: the cashier has not confirmed them."
    )


class MarginReportSerializer(serializers.Serializer):
    project = serializers.IntegerField()
    period = serializers.DateField()
    departments = MarginRowSerializer(many=True)


class ChargeConfirmationSerializer(serializers.ModelSerializer):
    serial = serializers.CharField(source="ticket.serial", read_only=True)
    current = serializers.SerializerMethodField()

    class Meta:
        model = ChargeConfirmation
        fields = [
            "id",
            "project",
            "ticket",
            "serial",
            "fee_charged",
            "material_cost",
            "supersedes",
            "current",
            "note",
            "confirmed_by",
            "confirmed_at",
        ]
        read_only_fields = fields

    def get_current(self, row: ChargeConfirmation) -> bool:
        """Whether no later confirmation corrects this one."""
        return not hasattr(row, "superseded_by")


class ChargeConfirmationCreateSerializer(serializers.Serializer):
    ticket = serializers.IntegerField(help_text="The finished paid work order.")
    fee_charged = AmountField()
    material_cost = AmountField()
    note = serializers.CharField(
        max_length=200,
        required=False,
        default="",
        allow_blank=True,
        help_text="Required when it corrects an earlier confirmation: why.",
    )


# --- Overtime air-conditioning and utilities paid on a resident's behalf -------------------


class AirconOvertimeSerializer(serializers.ModelSerializer):
    unit_code = serializers.CharField(source="household.unit.code", read_only=True)
    recorded_by = serializers.SerializerMethodField()
    billed_period = serializers.DateField(read_only=True, allow_null=True)

    class Meta:
        model = AirconOvertime
        fields = [
            "id",
            "project",
            "household",
            "unit_code",
            "used_on",
            "starts_at",
            "ends_at",
            "hours",
            "rate",
            "amount",
            "note",
            "desk_charge",
            "billed_period",
            "recorded_by",
            "recorded_at",
        ]
        read_only_fields = fields

    def get_recorded_by(self, obj: AirconOvertime) -> dict[str, Any] | None:
        return _person(obj.recorded_by)


class AirconOvertimeCreateSerializer(serializers.Serializer):
    household = serializers.IntegerField()
    used_on = serializers.DateField()
    starts_at = serializers.TimeField(required=False, allow_null=True, default=None)
    ends_at = serializers.TimeField(required=False, allow_null=True, default=None)
    hours = serializers.CharField(
        max_length=8,
        required=False,
        allow_null=True,
        allow_blank=True,
        default=None,
        help_text=_("The hours, when no start and end are given."),
    )
    note = serializers.CharField(max_length=200, required=False, default="", allow_blank=True)


class UtilityPaymentSerializer(serializers.ModelSerializer):
    unit_code = serializers.CharField(source="household.unit.code", read_only=True)
    collected_by = serializers.SerializerMethodField()
    paid_over_by = serializers.SerializerMethodField()
    reversed_by = serializers.SerializerMethodField()

    class Meta:
        model = UtilityPayment
        fields = [
            "id",
            "project",
            "household",
            "unit_code",
            "utility",
            "account_number",
            "amount",
            "method",
            "status",
            "note",
            "collected_by",
            "collected_at",
            "utility_reference",
            "paid_over_on",
            "paid_over_by",
            "paid_over_at",
            "reversed_by",
            "reversed_at",
            "reverse_reason",
        ]
        read_only_fields = fields

    def get_collected_by(self, obj: UtilityPayment) -> dict[str, Any] | None:
        return _person(obj.collected_by)

    def get_paid_over_by(self, obj: UtilityPayment) -> dict[str, Any] | None:
        return _person(obj.paid_over_by)

    def get_reversed_by(self, obj: UtilityPayment) -> dict[str, Any] | None:
        return _person(obj.reversed_by)


class UtilityPaymentCreateSerializer(serializers.Serializer):
    household = serializers.IntegerField()
    utility = serializers.ChoiceField(choices=UtilityKind.choices)
    account_number = serializers.CharField(max_length=40)
    amount = AmountField()
    method = serializers.ChoiceField(choices=PaymentMethod.choices)
    note = serializers.CharField(max_length=200, required=False, default="", allow_blank=True)


class UtilityPayOverSerializer(serializers.Serializer):
    reference = serializers.CharField(max_length=64, help_text=_("The utility's receipt number."))
    paid_on = serializers.DateField()
