"""The one filter of inspection runs, used by the page and by `/api/v1/inspections/`.

`?project=1&date=2026-12-01&checklist=4&kind=patrol&failed=true` means the same on
both.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from django_filters import rest_framework as filters

from residents.filtersets import IdFilter, user_projects

from ..choices.inspections import ChecklistKind
from ..models import Checklist, InspectionRun
from .documents import DATE_INPUT, on_day


class InspectionRunFilterSet(filters.FilterSet):
    project = filters.ModelChoiceFilter(queryset=user_projects, label=_("Project"))
    date = filters.DateFilter(method="filter_date", label=_("Day"), widget=DATE_INPUT)
    checklist = IdFilter(
        field_name="checklist_id",
        label=_("Checklist (id)"),
        min_value=1,
        max_value=2**63 - 1,
        decimal_places=0,
    )
    kind = filters.ChoiceFilter(
        choices=ChecklistKind.choices, field_name="checklist__kind", label=_("Kind")
    )
    failed = filters.BooleanFilter(method="filter_failed", label=_("With items not OK"))

    class Meta:
        model = InspectionRun
        fields = ["project", "date", "checklist", "kind", "failed"]

    def filter_date(self, queryset: QuerySet[Any], name: str, value: Any) -> QuerySet[Any]:
        return on_day(queryset, "started_at", value)

    def filter_failed(self, queryset: QuerySet[Any], name: str, value: Any) -> QuerySet[Any]:
        if value is None:
            return queryset
        return queryset.filter(failed_count__gt=0) if value else queryset.filter(failed_count=0)


class ChecklistFilterSet(filters.FilterSet):
    project = filters.ModelChoiceFilter(queryset=user_projects, label=_("Project"))
    kind = filters.ChoiceFilter(choices=ChecklistKind.choices, label=_("Kind"))
    active = filters.BooleanFilter(field_name="is_active", label=_("In use"))

    class Meta:
        model = Checklist
        fields = ["project", "kind", "active"]
