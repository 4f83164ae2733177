"""The one filter of the key and file loans, shared by the page and `/api/v1/key-loans/`.

`?project=1&date=2026-12-01&status=out&person=7&overdue=true&key=3&household=12` means
the same on both. Querysets given here are already narrowed to the user's projects.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_filters import rest_framework as filters

from residents.filtersets import IdFilter, user_projects

from ..choices.loans import LoanStatus
from ..models.loans import Loan


def id_filter(field_name: str, label: Any, method: str | None = None) -> IdFilter:
    return IdFilter(
        field_name=field_name,
        label=label,
        min_value=1,
        max_value=2**63 - 1,
        decimal_places=0,
        method=method,
    )


def on_day(queryset: QuerySet[Any], field: str, day: dt.date | None) -> QuerySet[Any]:
    """Rows whose `field` falls on the local `day`."""
    if day is None or not dt.date.min < day < dt.date.max:
        return queryset
    start = timezone.make_aware(dt.datetime.combine(day, dt.time.min))
    return queryset.filter(**{f"{field}__gte": start, f"{field}__lt": start + dt.timedelta(days=1)})


class LoanFilterSet(filters.FilterSet):
    project = filters.ModelChoiceFilter(queryset=user_projects, label=_("Project"))
    date = filters.DateFilter(method="filter_date", label=_("Lent on"))
    status = filters.MultipleChoiceFilter(
        choices=LoanStatus.choices, label=_("Status"), widget=forms.CheckboxSelectMultiple
    )
    person = id_filter("borrower_id", _("Borrower or clerk (user id)"), method="filter_person")
    overdue = filters.BooleanFilter(method="filter_overdue", label=_("Overdue"))
    key = id_filter("key_id", _("Key (id)"))
    household = id_filter("household_id", _("Household file (id)"))

    class Meta:
        model = Loan
        fields = ["project", "date", "status", "person", "overdue", "key", "household"]

    def filter_date(self, queryset: QuerySet[Any], name: str, value: Any) -> QuerySet[Any]:
        return on_day(queryset, "lent_at", value)

    def filter_person(self, queryset: QuerySet[Any], name: str, value: Any) -> QuerySet[Any]:
        if value is None:
            return queryset
        pk = int(value)
        return queryset.filter(Q(borrower_id=pk) | Q(lent_by_id=pk) | Q(received_by_id=pk))

    def filter_overdue(self, queryset: QuerySet[Any], name: str, value: Any) -> QuerySet[Any]:
        if value is None:
            return queryset
        overdue = Q(status=LoanStatus.OUT, due_at__lt=timezone.now())
        return queryset.filter(overdue) if value else queryset.exclude(overdue)
