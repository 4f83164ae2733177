"""The one filter of the item release passes, used by the list page and `/api/v1/passes/`.

`?project=1&date=2026-12-02&household=7&status=issued&person=3&carrier=王` means the
same on the page and in the API. Querysets given to it are already narrowed to the
user's projects by the selectors.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _
from django_filters import rest_framework as filters

from residents.filtersets import IdFilter, user_projects

from ..choices.passes import CardWorkKind, HolderKind, PassStatus, TemporaryPassStatus
from ..models.passes import CardWork, ReleasePass, TemporaryPass


def _id_filter(field_name: str, label: Any, method: str | None = None) -> IdFilter:
    return IdFilter(
        field_name=field_name,
        label=label,
        min_value=1,
        max_value=2**63 - 1,
        decimal_places=0,
        method=method,
    )


class ReleasePassFilterSet(filters.FilterSet):
    project = filters.ModelChoiceFilter(queryset=user_projects, label=_("Project"))
    date = filters.DateFilter(method="filter_date", label=_("Valid on"))
    household = _id_filter("household_id", _("Household (id)"))
    status = filters.MultipleChoiceFilter(choices=PassStatus.choices, label=_("Status"))
    person = _id_filter("issued_by_id", _("Issued or checked by (user id)"), "filter_person")
    carrier = filters.CharFilter(method="filter_carrier", label=_("Taken out by (name)"))
    number = filters.CharFilter(field_name="number", lookup_expr="iexact", label=_("Pass number"))

    class Meta:
        model = ReleasePass
        fields = ["project", "date", "household", "status", "person", "carrier", "number"]

    def filter_date(self, queryset: QuerySet[Any], name: str, value: Any) -> QuerySet[Any]:
        """The passes good on this day."""
        if not isinstance(value, dt.date) or not dt.date.min < value < dt.date.max:
            return queryset
        return queryset.filter(valid_from__lte=value, valid_until__gte=value)

    def filter_person(self, queryset: QuerySet[Any], name: str, value: Any) -> QuerySet[Any]:
        """Issued, checked at the gate or voided by this staff member."""
        if value is None:
            return queryset
        return queryset.filter(Q(issued_by_id=value) | Q(used_by_id=value) | Q(voided_by_id=value))

    def filter_carrier(self, queryset: QuerySet[Any], name: str, value: Any) -> QuerySet[Any]:
        value = (value or "").strip()
        return queryset.filter(carrier_name__icontains=value) if value else queryset


class TemporaryPassFilterSet(filters.FilterSet):
    project = filters.ModelChoiceFilter(queryset=user_projects, label=_("Project"))
    date = filters.DateFilter(method="filter_date", label=_("Valid on"))
    household = _id_filter("household_id", _("Household (id)"))
    status = filters.MultipleChoiceFilter(choices=TemporaryPassStatus.choices, label=_("Status"))
    kind = filters.ChoiceFilter(
        choices=HolderKind.choices, field_name="holder_kind", label=_("For a")
    )
    person = _id_filter("issued_by_id", _("Issued or taken back by (user id)"), "filter_person")
    holder = filters.CharFilter(method="filter_holder", label=_("Holder (name)"))

    class Meta:
        model = TemporaryPass
        fields = ["project", "date", "household", "status", "kind", "person", "holder"]

    def filter_date(self, queryset: QuerySet[Any], name: str, value: Any) -> QuerySet[Any]:
        if not isinstance(value, dt.date) or not dt.date.min < value < dt.date.max:
            return queryset
        return queryset.filter(valid_from__lte=value, valid_until__gte=value)

    def filter_person(self, queryset: QuerySet[Any], name: str, value: Any) -> QuerySet[Any]:
        if value is None:
            return queryset
        return queryset.filter(Q(issued_by_id=value) | Q(closed_by_id=value))

    def filter_holder(self, queryset: QuerySet[Any], name: str, value: Any) -> QuerySet[Any]:
        value = (value or "").strip()
        return queryset.filter(holder_name__icontains=value) if value else queryset


class CardWorkFilterSet(filters.FilterSet):
    project = filters.ModelChoiceFilter(queryset=user_projects, label=_("Project"))
    date = filters.DateFilter(method="filter_date", label=_("Day"))
    household = _id_filter("household_id", _("Household (id)"))
    kind = filters.MultipleChoiceFilter(choices=CardWorkKind.choices, label=_("Work"))
    person = _id_filter("done_by_id", _("Done by (user id)"))

    class Meta:
        model = CardWork
        fields = ["project", "date", "household", "kind", "person"]

    def filter_date(self, queryset: QuerySet[Any], name: str, value: Any) -> QuerySet[Any]:
        if not isinstance(value, dt.date) or not dt.date.min < value < dt.date.max:
            return queryset
        return queryset.filter(done_at__date=value)
