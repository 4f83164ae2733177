"""The admin shows fees read-only (they change only through the services); a project's fee
settings (energy billed or not, the collection-rate target, days to pay) are edited here."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from frontdesk.core.admin import ProjectScopedAdminMixin

from .models import (
    AirconOvertime,
    Bill,
    BillingSettings,
    BillLine,
    CashHandover,
    ChargeStandard,
    Deposit,
    Expenditure,
    MeterReading,
    Payment,
    Receipt,
    Refund,
    UtilityPayment,
)


class ReadOnlyAdmin(ProjectScopedAdminMixin, admin.ModelAdmin):
    """Look, never touch: the ledger is corrected by new entries, never edited."""

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(BillingSettings)
class BillingSettingsAdmin(ProjectScopedAdminMixin, admin.ModelAdmin):
    list_display = ["project", "bills_energy", "collection_target", "due_days"]


@admin.register(ChargeStandard)
class ChargeStandardAdmin(ReadOnlyAdmin):
    list_display = ["project", "kind", "name", "unit_type", "rate", "valid_from", "valid_to"]
    list_filter = ["kind"]
    list_select_related = ["project"]


@admin.register(MeterReading)
class MeterReadingAdmin(ReadOnlyAdmin):
    list_display = ["unit", "meter", "reading", "read_on", "is_meter_change"]
    list_filter = ["meter"]
    list_select_related = ["unit"]
    raw_id_fields = ["unit"]


class BillLineInline(admin.TabularInline):
    model = BillLine
    extra = 0
    can_delete = False
    fields = ["kind", "description", "quantity", "rate", "amount"]
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Bill)
class BillAdmin(ReadOnlyAdmin):
    list_display = ["household", "period", "status", "amount", "due_on"]
    list_filter = ["status", "period"]
    list_select_related = ["household__unit"]
    raw_id_fields = ["household"]
    inlines = [BillLineInline]


@admin.register(Payment)
class PaymentAdmin(ReadOnlyAdmin):
    list_display = ["household", "amount", "method", "status", "after_hours", "taken_at"]
    list_filter = ["method", "status", "after_hours"]
    list_select_related = ["household__unit"]
    raw_id_fields = ["household"]


@admin.register(Receipt)
class ReceiptAdmin(ReadOnlyAdmin):
    list_display = ["number", "kind", "amount", "issued_at", "print_count"]
    list_filter = ["kind", "year"]
    search_fields = ["number"]


@admin.register(Deposit)
class DepositAdmin(ReadOnlyAdmin):
    list_display = ["household", "kind", "amount", "status", "taken_at"]
    list_select_related = ["household__unit"]
    raw_id_fields = ["household"]


@admin.register(Refund)
class RefundAdmin(ReadOnlyAdmin):
    list_display = ["deposit", "amount", "status", "requested_at", "decided_by"]
    list_filter = ["status"]


@admin.register(CashHandover)
class CashHandoverAdmin(ReadOnlyAdmin):
    list_display = ["handed_by", "handed_at", "received_by", "status"]


@admin.register(Expenditure)
class ExpenditureAdmin(ReadOnlyAdmin):
    list_display = ["project", "category", "amount", "spent_on"]
    list_filter = ["category"]


@admin.register(AirconOvertime)
class AirconOvertimeAdmin(ReadOnlyAdmin):
    list_display = ["household", "used_on", "hours", "rate", "amount", "recorded_by"]
    list_select_related = ["household__unit", "recorded_by"]
    raw_id_fields = ["household"]


@admin.register(UtilityPayment)
class UtilityPaymentAdmin(ReadOnlyAdmin):
    list_display = ["household", "utility", "account_number", "amount", "status", "collected_at"]
    list_filter = ["utility", "status"]
    list_select_related = ["household__unit"]
    raw_id_fields = ["household"]
