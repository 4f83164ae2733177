"""The one filter of the valuables in custody, shared by the page and `/api/v1/custody/`."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _
from django_filters import rest_framework as filters

from residents.filtersets import user_projects

from ..choices.custody import CustodyStatus
from ..models.custody import Deposit
from .loans import id_filter, on_day


class DepositFilterSet(filters.FilterSet):
    project = filters.ModelChoiceFilter(queryset=user_projects, label=_("Project"))
    date = filters.DateFilter(method="filter_date", label=_("Received on"))
    status = filters.MultipleChoiceFilter(
        choices=CustodyStatus.choices, label=_("Status"), widget=forms.CheckboxSelectMultiple
    )
    household = id_filter("household_id", _("Household (id)"))
    person = id_filter("received_by_id", _("Clerk (user id)"), method="filter_person")
    number = filters.CharFilter(
        field_name="number", lookup_expr="iexact", label=_("Receipt number")
    )

    class Meta:
        model = Deposit
        fields = ["project", "date", "status", "household", "person", "number"]

    def filter_date(self, queryset: QuerySet[Any], name: str, value: Any) -> QuerySet[Any]:
        return on_day(queryset, "received_at", value)

    def filter_person(self, queryset: QuerySet[Any], name: str, value: Any) -> QuerySet[Any]:
        if value is None:
            return queryset
        pk = int(value)
        return queryset.filter(Q(received_by_id=pk) | Q(returned_by_id=pk))
