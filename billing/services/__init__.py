"""The writes of fees: every bill, payment, receipt and deposit is saved here only."""

from .aircon import aircon_overtime_record, aircon_standard_on
from .bills import BillRunResult, bill_run, settings_for
from .cash import expenditure_record, handover_expected, handover_hand, handover_receive
from .common import month_end, month_start
from .confirmations import charge_confirm
from .deposits import (
    deposit_refundable,
    deposit_take,
    refund_approve,
    refund_pay,
    refund_reject,
    refund_request,
)
from .desk_charges import desk_charge_record
from .dunning import dunning_notify
from .payments import credit_grant, payment_reverse, payment_take, receipt_print
from .standards import charge_standard_create, meter_reading_record, meter_readings_import
from .utilities import utility_collect, utility_pay_over, utility_reverse

__all__ = [
    "aircon_overtime_record",
    "aircon_standard_on",
    "BillRunResult",
    "bill_run",
    "charge_confirm",
    "charge_standard_create",
    "credit_grant",
    "deposit_refundable",
    "deposit_take",
    "desk_charge_record",
    "dunning_notify",
    "expenditure_record",
    "handover_expected",
    "handover_hand",
    "handover_receive",
    "meter_reading_record",
    "meter_readings_import",
    "month_end",
    "month_start",
    "payment_reverse",
    "payment_take",
    "receipt_print",
    "refund_approve",
    "refund_pay",
    "refund_reject",
    "refund_request",
    "settings_for",
    "utility_collect",
    "utility_pay_over",
    "utility_reverse",
]
