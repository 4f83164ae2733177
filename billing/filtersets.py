"""One filter definition per listable model of fees, shared by the pages and the API.

`?project=1&household=42&period=2026-01&status=issued` means the same on a
page and in `/api/v1/bills/`. Querysets given here are already scoped to the
user's projects by the selectors; households are filtered by raw id.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.forms import NumberInput
from django.utils.translation import gettext_lazy as _
from django_filters import rest_framework as filters

from residents.filtersets import (
    BuildingFilter,
    IdFilter,
    YesNoFilter,
    user_buildings,
    user_projects,
)

from .choices import (
    BillStatus,
    ChargeKind,
    DepositKind,
    DepositStatus,
    ExpenditureCategory,
    HandoverStatus,
    MeterKind,
    PaymentMethod,
    PaymentStatus,
    RefundStatus,
    UtilityKind,
    UtilityPaymentStatus,
)
from .models import (
    AirconOvertime,
    Bill,
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
    UtilityPayment,
)
from .services.common import local_midnight, next_month

# Years the desk keeps accounts in (a year 0 has no first day to bill from).
MONTH_PATTERN = r"^(19|2[0-9])[0-9]{2}-(0[1-9]|1[0-2])$"


def _id_filter(field_name: str, label: Any) -> IdFilter:
    return IdFilter(
        field_name=field_name,
        label=label,
        min_value=1,
        max_value=2**63 - 1,
        decimal_places=0,
        widget=NumberInput(attrs={"min": 1, "step": 1}),
    )


class MonthField(forms.RegexField):
    """A month typed as YYYY-MM, cleaned to its first day."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("error_messages", {"invalid": _("Enter a month as YYYY-MM.")})
        super().__init__(MONTH_PATTERN, **kwargs)

    def clean(self, value: Any) -> dt.date | None:
        text = super().clean(value)
        if not text:
            return None
        year, month = text.split("-")
        return dt.date(int(year), int(month), 1)


class MonthFilter(filters.Filter):
    field_class = MonthField


def _day_range(queryset: QuerySet[Any], field: str, after: Any, before: Any) -> QuerySet[Any]:
    if after is not None:
        queryset = queryset.filter(**{f"{field}__gte": local_midnight(after)})
    if before is not None:
        queryset = queryset.filter(
            **{f"{field}__lt": local_midnight(before + dt.timedelta(days=1))}
        )
    return queryset


class ChargeStandardFilterSet(filters.FilterSet):
    project = filters.ModelChoiceFilter(queryset=user_projects, label=_("Project"))
    kind = filters.MultipleChoiceFilter(choices=ChargeKind.choices, label=_("Kind"))
    valid_on = filters.DateFilter(method="filter_valid_on", label=_("Valid on"))

    class Meta:
        model = ChargeStandard
        fields = ["project", "kind", "valid_on"]

    def filter_valid_on(
        self, queryset: QuerySet[ChargeStandard], name: str, value: Any
    ) -> QuerySet[ChargeStandard]:
        if value is None:
            return queryset
        return queryset.filter(valid_from__lte=value).exclude(valid_to__lt=value)


class MeterReadingFilterSet(filters.FilterSet):
    project = filters.ModelChoiceFilter(queryset=user_projects, label=_("Project"))
    building = BuildingFilter(
        queryset=user_buildings, field_name="unit__building", label=_("Building")
    )
    unit = _id_filter("unit_id", _("Unit (id)"))
    meter = filters.ChoiceFilter(choices=MeterKind.choices, label=_("Meter"))
    period = MonthFilter(method="filter_period", label=_("Month (YYYY-MM)"))

    class Meta:
        model = MeterReading
        fields = ["project", "building", "unit", "meter", "period"]

    def filter_period(
        self, queryset: QuerySet[MeterReading], name: str, value: dt.date | None
    ) -> QuerySet[MeterReading]:
        if value is None:
            return queryset
        return queryset.filter(read_on__year=value.year, read_on__month=value.month)


class BillFilterSet(filters.FilterSet):
    project = filters.ModelChoiceFilter(queryset=user_projects, label=_("Project"))
    household = _id_filter("household_id", _("Household (id)"))
    building = BuildingFilter(
        queryset=user_buildings, field_name="household__unit__building", label=_("Building")
    )
    period = MonthFilter(field_name="period", label=_("Month (YYYY-MM)"))
    status = filters.MultipleChoiceFilter(choices=BillStatus.choices, label=_("Status"))

    class Meta:
        model = Bill
        fields = ["project", "household", "building", "period", "status"]


class PaymentFilterSet(filters.FilterSet):
    project = filters.ModelChoiceFilter(queryset=user_projects, label=_("Project"))
    household = _id_filter("household_id", _("Household (id)"))
    method = filters.MultipleChoiceFilter(choices=PaymentMethod.choices, label=_("Method"))
    status = filters.ChoiceFilter(choices=PaymentStatus.choices, label=_("Status"))
    after_hours = YesNoFilter(label=_("Taken after hours"))
    period = MonthFilter(method="filter_period", label=_("Month taken (YYYY-MM)"))
    taken_after = filters.DateFilter(method="filter_range", label=_("Taken on or after"))
    taken_before = filters.DateFilter(method="filter_range", label=_("Taken on or before"))

    class Meta:
        model = Payment
        fields = [
            "project",
            "household",
            "method",
            "status",
            "after_hours",
            "period",
            "taken_after",
            "taken_before",
        ]

    def filter_period(
        self, queryset: QuerySet[Payment], name: str, value: dt.date | None
    ) -> QuerySet[Payment]:
        if value is None:
            return queryset
        last = (value.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
        return _day_range(queryset, "taken_at", value, last - dt.timedelta(days=1))

    def filter_range(self, queryset: QuerySet[Payment], name: str, value: Any) -> QuerySet[Payment]:
        if value is None:
            return queryset
        if name == "taken_after":
            return _day_range(queryset, "taken_at", value, None)
        return _day_range(queryset, "taken_at", None, value)


class ReceiptFilterSet(filters.FilterSet):
    project = filters.ModelChoiceFilter(queryset=user_projects, label=_("Project"))
    household = _id_filter("household_id", _("Household (id)"))
    number = filters.CharFilter(field_name="number", lookup_expr="startswith", label=_("Number"))
    year = filters.NumberFilter(field_name="year", label=_("Year"))

    class Meta:
        model = Receipt
        fields = ["project", "household", "number", "year"]


class DepositFilterSet(filters.FilterSet):
    project = filters.ModelChoiceFilter(queryset=user_projects, label=_("Project"))
    household = _id_filter("household_id", _("Household (id)"))
    kind = filters.ChoiceFilter(choices=DepositKind.choices, label=_("Kind"))
    status = filters.ChoiceFilter(choices=DepositStatus.choices, label=_("Status"))

    class Meta:
        model = Deposit
        fields = ["project", "household", "kind", "status"]


class RefundFilterSet(filters.FilterSet):
    project = filters.ModelChoiceFilter(queryset=user_projects, label=_("Project"))
    household = _id_filter("deposit__household_id", _("Household (id)"))
    status = filters.MultipleChoiceFilter(choices=RefundStatus.choices, label=_("Status"))

    class Meta:
        model = Refund
        fields = ["project", "household", "status"]


class CreditFilterSet(filters.FilterSet):
    project = filters.ModelChoiceFilter(queryset=user_projects, label=_("Project"))
    household = _id_filter("household_id", _("Household (id)"))

    class Meta:
        model = Credit
        fields = ["project", "household"]


class CashHandoverFilterSet(filters.FilterSet):
    project = filters.ModelChoiceFilter(queryset=user_projects, label=_("Project"))
    status = filters.ChoiceFilter(choices=HandoverStatus.choices, label=_("Status"))

    class Meta:
        model = CashHandover
        fields = ["project", "status"]


class ExpenditureFilterSet(filters.FilterSet):
    project = filters.ModelChoiceFilter(queryset=user_projects, label=_("Project"))
    category = filters.MultipleChoiceFilter(
        choices=ExpenditureCategory.choices, label=_("Category")
    )
    period = MonthFilter(method="filter_period", label=_("Month (YYYY-MM)"))

    class Meta:
        model = Expenditure
        fields = ["project", "category", "period"]

    def filter_period(
        self, queryset: QuerySet[Expenditure], name: str, value: dt.date | None
    ) -> QuerySet[Expenditure]:
        if value is None:
            return queryset
        return queryset.filter(spent_on__year=value.year, spent_on__month=value.month)


class ChargeConfirmationFilterSet(filters.FilterSet):
    project = filters.ModelChoiceFilter(queryset=user_projects, label=_("Project"))
    ticket = filters.NumberFilter(field_name="ticket_id", label=_("Work order (id)"))
    period = MonthFilter(method="filter_period", label=_("Month the work was done (YYYY-MM)"))
    current = filters.BooleanFilter(
        field_name="superseded_by", lookup_expr="isnull", label=_("Current (not corrected)")
    )

    class Meta:
        model = ChargeConfirmation
        fields = ["project", "ticket", "period", "current"]

    def filter_period(
        self, queryset: QuerySet[ChargeConfirmation], name: str, value: dt.date | None
    ) -> QuerySet[ChargeConfirmation]:
        if value is None:
            return queryset
        first = local_midnight(value.replace(day=1))
        return queryset.filter(
            ticket__done_at__gte=first, ticket__done_at__lt=local_midnight(next_month(value))
        )


class AirconOvertimeFilterSet(filters.FilterSet):
    project = filters.ModelChoiceFilter(queryset=user_projects, label=_("Project"))
    household = _id_filter("household_id", _("Household (id)"))
    date_from = filters.DateFilter(field_name="used_on", lookup_expr="gte", label=_("From"))
    date_to = filters.DateFilter(field_name="used_on", lookup_expr="lte", label=_("To"))

    class Meta:
        model = AirconOvertime
        fields = ["project", "household", "date_from", "date_to"]


class UtilityPaymentFilterSet(filters.FilterSet):
    project = filters.ModelChoiceFilter(queryset=user_projects, label=_("Project"))
    household = _id_filter("household_id", _("Household (id)"))
    status = filters.MultipleChoiceFilter(choices=UtilityPaymentStatus.choices, label=_("Status"))
    utility = filters.MultipleChoiceFilter(choices=UtilityKind.choices, label=_("Utility"))
    date_from = filters.DateFilter(method="filter_range", label=_("Collected on or after"))
    date_to = filters.DateFilter(method="filter_range", label=_("Collected on or before"))

    class Meta:
        model = UtilityPayment
        fields = ["project", "household", "status", "utility", "date_from", "date_to"]

    def filter_range(
        self, queryset: QuerySet[UtilityPayment], name: str, value: Any
    ) -> QuerySet[UtilityPayment]:
        if value is None:
            return queryset
        if name == "date_from":
            return _day_range(queryset, "collected_at", value, None)
        return _day_range(queryset, "collected_at", None, value)
