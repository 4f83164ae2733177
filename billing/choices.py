"""The fixed vocabularies of fees: charge kinds, meters, statuses, payment methods."""

from django.db.models import TextChoices
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class ChargeKind(TextChoices):
    SERVICE_FEE = "service_fee", _("Property service fee")
    WATER = "water", _("Water")
    ELECTRICITY = "electricity", _("Electricity")
    GAS = "gas", _("Gas")
    AIRCON_OVERTIME = "aircon_overtime", _("Overtime air-conditioning")
    PARKING = "parking", _("Parking")
    FIXED = "fixed", _("Fixed fee")
    CONTRACT = "contract", _("Monthly contract")
    ORDER = "order", _("Paid service")
    DESK = "desk", _("Desk charge")


# Kinds billed from their own records, never from a charge standard.
NOT_STANDARD_KINDS = (ChargeKind.ORDER, ChargeKind.DESK)

# Kinds whose charge comes from a meter reading.
ENERGY_KINDS = (ChargeKind.WATER, ChargeKind.ELECTRICITY, ChargeKind.GAS)


class MeterKind(TextChoices):
    WATER = "water", _("Water meter")
    ELECTRICITY = "electricity", _("Electricity meter")
    GAS = "gas", _("Gas meter")


class BillStatus(TextChoices):
    DRAFT = "draft", _("Draft")
    ISSUED = "issued", _("Issued")
    PART_PAID = "part_paid", _("Partly paid")
    PAID = "paid", _("Paid")


# Bills that count in the ledger (a draft does not).
ISSUED_STATUSES = (BillStatus.ISSUED, BillStatus.PART_PAID, BillStatus.PAID)
OPEN_BILL_STATUSES = (BillStatus.ISSUED, BillStatus.PART_PAID)


class PaymentMethod(TextChoices):
    CASH = "cash", _("Cash")
    CARD = "card", _("Bank card")
    TRANSFER = "transfer", _("Bank transfer")
    WECHAT = "wechat", _("WeChat Pay")
    ALIPAY = "alipay", _("Alipay")


class PaymentStatus(TextChoices):
    VALID = "valid", _("Valid")
    REVERSED = "reversed", _("Reversed")


class DepositKind(TextChoices):
    DECORATION = "decoration", _("Decoration deposit")
    OTHER = "other", _("Other deposit")


class DepositStatus(TextChoices):
    HELD = "held", _("Held")
    RETURNED = "returned", pgettext_lazy("deposit status", "Returned")


class RefundStatus(TextChoices):
    REQUESTED = "requested", _("Awaiting approval")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")
    PAID = "paid", _("Paid out")


class HandoverStatus(TextChoices):
    HANDED = "handed", _("Handed over, awaiting the cashier")
    RECEIVED = "received", _("Received by the cashier")


class ExpenditureCategory(TextChoices):
    STAFF = "staff", _("Staff costs")
    CLEANING = "cleaning", _("Cleaning")
    GREENING = "greening", _("Greening")
    SECURITY = "security", _("Security")
    REPAIRS = "repairs", _("Repairs and maintenance")
    ENERGY = "energy", _("Energy of common areas")
    OFFICE = "office", _("Office and administration")
    OTHER = "other", _("Other")


class ReceiptKind(TextChoices):
    PAYMENT = "payment", _("Payment")
    DEPOSIT = "deposit", _("Deposit")
    REFUND = "refund", _("Refund")


class DeskChargeKind(TextChoices):
    """What a one-off charge taken at the desk is for (证件办理, seed 004 4.6.5)."""

    CARD_REPLACEMENT = "card_replacement", _("Card replacement")
    CARD_LOST = "card_lost", _("Lost card")
    TEMPORARY_PASS = "temporary_pass", _("Temporary pass")
    AIRCON_OVERTIME = "aircon_overtime", _("Overtime air-conditioning")
    OTHER = "other", _("Other desk charge")


class UtilityKind(TextChoices):
    """The utilities the desk collects for and pays on a resident's behalf (代收代缴)."""

    WATER = "water", _("Water")
    ELECTRICITY = "electricity", _("Electricity")
    GAS = "gas", _("Gas")
    CABLE_TV = "cable_tv", _("Cable TV")
    TELECOM = "telecom", _("Telephone and broadband")


# Utilities a project that bills energy itself puts on its own bills instead.
ENERGY_UTILITIES = (UtilityKind.WATER, UtilityKind.ELECTRICITY, UtilityKind.GAS)


class UtilityPaymentStatus(TextChoices):
    COLLECTED = "collected", _("Collected, held for the utility")
    PAID_OVER = "paid_over", _("Paid over to the utility")
    REVERSED = "reversed", _("Reversed")
