"""The one filter of the incoming documents' register, used by its page and by the API.

`?project=1&date=2026-12-01&status=distributed&department=cleaning&open=true` means
the same on `/registers/documents/` and `/api/v1/documents/`.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.db.models import Exists, OuterRef, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_filters import rest_framework as filters

from residents.filtersets import user_projects
from tickets.choices import Department

from ..choices.documents import OPEN_STATUSES, DocumentStatus
from ..models import DocumentReceipt, IncomingDocument

# A date picker on the page; the API reads the same YYYY-MM-DD.
DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def on_day(queryset: QuerySet[Any], field: str, day: dt.date | None) -> QuerySet[Any]:
    """Rows whose `field` falls on the local `day`."""
    if day is None or not dt.date.min < day < dt.date.max:
        return queryset
    start = timezone.make_aware(dt.datetime.combine(day, dt.time.min))
    return queryset.filter(**{f"{field}__gte": start, f"{field}__lt": start + dt.timedelta(days=1)})


class IncomingDocumentFilterSet(filters.FilterSet):
    project = filters.ModelChoiceFilter(queryset=user_projects, label=_("Project"))
    date = filters.DateFilter(method="filter_date", label=_("Received on"), widget=DATE_INPUT)
    status = filters.MultipleChoiceFilter(choices=DocumentStatus.choices, label=_("Status"))
    department = filters.ChoiceFilter(
        choices=Department.choices, method="filter_department", label=_("Distributed to")
    )
    open = filters.BooleanFilter(method="filter_open", label=_("Open only"))

    class Meta:
        model = IncomingDocument
        fields = ["project", "date", "status", "department", "open"]

    def filter_date(self, queryset: QuerySet[Any], name: str, value: Any) -> QuerySet[Any]:
        return on_day(queryset, "received_at", value)

    def filter_department(self, queryset: QuerySet[Any], name: str, value: Any) -> QuerySet[Any]:
        if not value:
            return queryset
        return queryset.filter(
            Exists(DocumentReceipt.objects.filter(document=OuterRef("pk"), department=value))
        )

    def filter_open(self, queryset: QuerySet[Any], name: str, value: Any) -> QuerySet[Any]:
        if value is None:
            return queryset
        if value:
            return queryset.filter(status__in=OPEN_STATUSES)
        return queryset.exclude(status__in=OPEN_STATUSES)
