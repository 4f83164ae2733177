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

from ..choices.passes import PassStatus
from ..models.passes import ReleasePass


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
