"""One filter definition per listable record of the desk, shared by the pages and the API.

`?project=1&date=2026-12-01&kind=complaint&person=7&status=pending` means the
same on the duty-log page and in `/api/v1/duty-log/`. Querysets given to
these are already narrowed to the user's projects by the selectors.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _
from django_filters import rest_framework as filters

from residents.filtersets import IdFilter, user_projects

from .choices import (
    Channel,
    EntryKind,
    EntryStatus,
    HandoverStatus,
    IncidentStatus,
    ReferredTo,
    ReviewKind,
    ReviewStatus,
    ShiftStatus,
    TrackingStatus,
)
from .models import DutyLogEntry, Handover, Incident, Review, Shift, Tracking
from .selectors import local_midnight


def _id_filter(field_name: str, label: Any, method: str | None = None) -> IdFilter:
    return IdFilter(
        field_name=field_name,
        label=label,
        min_value=1,
        max_value=2**63 - 1,
        decimal_places=0,
        method=method,
    )


def _bounded(day: dt.date | None) -> bool:
    return day is not None and dt.date.min < day < dt.date.max


def _on_day(queryset: QuerySet[Any], field: str, day: dt.date | None) -> QuerySet[Any]:
    if not _bounded(day):
        return queryset
    assert day is not None
    return queryset.filter(
        **{
            f"{field}__gte": local_midnight(day),
            f"{field}__lt": local_midnight(day + dt.timedelta(days=1)),
        }
    )


class DutyLogEntryFilterSet(filters.FilterSet):
    project = filters.ModelChoiceFilter(queryset=user_projects, label=_("Project"))
    date = filters.DateFilter(method="filter_date", label=_("Day"))
    kind = filters.MultipleChoiceFilter(choices=EntryKind.choices, label=_("Kind"))
    status = filters.MultipleChoiceFilter(choices=EntryStatus.choices, label=_("Status"))
    channel = filters.MultipleChoiceFilter(choices=Channel.choices, label=_("Channel"))
    person = _id_filter("taken_by_id", _("Person (user id)"), method="filter_person")
    household = _id_filter("household_id", _("Household (id)"))
    q = filters.CharFilter(
        method="filter_q", label=_("Search"), help_text=_("Words of the matter.")
    )

    class Meta:
        model = DutyLogEntry
        fields = ["project", "date", "kind", "status", "channel", "person", "household", "q"]

    def filter_date(self, queryset: QuerySet[Any], name: str, value: Any) -> QuerySet[Any]:
        return _on_day(queryset, "at", value)

    def filter_person(self, queryset: QuerySet[Any], name: str, value: Any) -> QuerySet[Any]:
        """Taken by, assigned to, or promised by this person."""
        if value is None:
            return queryset
        return queryset.filter(
            Q(taken_by_id=value) | Q(assigned_to_id=value) | Q(promise_by_id=value)
        )

    def filter_q(self, queryset: QuerySet[Any], name: str, value: str) -> QuerySet[Any]:
        return queryset.filter(matter__icontains=value.strip()) if value.strip() else queryset


class ShiftFilterSet(filters.FilterSet):
    project = filters.ModelChoiceFilter(queryset=user_projects, label=_("Project"))
    date = filters.DateFilter(method="filter_date", label=_("Day"))
    person = _id_filter("clerk_id", _("Clerk (user id)"))
    status = filters.MultipleChoiceFilter(choices=ShiftStatus.choices, label=_("Status"))

    class Meta:
        model = Shift
        fields = ["project", "date", "person", "status"]

    def filter_date(self, queryset: QuerySet[Any], name: str, value: Any) -> QuerySet[Any]:
        return _on_day(queryset, "starts_at", value)


class HandoverFilterSet(filters.FilterSet):
    project = filters.ModelChoiceFilter(queryset=user_projects, label=_("Project"))
    date = filters.DateFilter(method="filter_date", label=_("Day"))
    person = _id_filter("closed_by_id", _("Person (user id)"), method="filter_person")
    status = filters.MultipleChoiceFilter(choices=HandoverStatus.choices, label=_("Status"))

    class Meta:
        model = Handover
        fields = ["project", "date", "person", "status"]

    def filter_date(self, queryset: QuerySet[Any], name: str, value: Any) -> QuerySet[Any]:
        return _on_day(queryset, "closed_at", value)

    def filter_person(self, queryset: QuerySet[Any], name: str, value: Any) -> QuerySet[Any]:
        """Handed over by this person, or waiting for (or acknowledged by) them."""
        if value is None:
            return queryset
        return queryset.filter(
            Q(closed_by_id=value) | Q(next_shift__clerk_id=value) | Q(acknowledged_by_id=value)
        )


class ReviewFilterSet(filters.FilterSet):
    project = filters.ModelChoiceFilter(queryset=user_projects, label=_("Project"))
    date = filters.DateFilter(method="filter_date", label=_("Day"))
    kind = filters.MultipleChoiceFilter(choices=ReviewKind.choices, label=_("Kind"))
    status = filters.MultipleChoiceFilter(choices=ReviewStatus.choices, label=_("Status"))
    person = _id_filter("signed_by_id", _("Signed by (user id)"))

    class Meta:
        model = Review
        fields = ["project", "date", "kind", "status", "person"]

    def filter_date(self, queryset: QuerySet[Any], name: str, value: Any) -> QuerySet[Any]:
        """The reviews whose period holds this day."""
        if not _bounded(value):
            return queryset
        return queryset.filter(starts_on__lte=value, ends_on__gte=value)


class IncidentFilterSet(filters.FilterSet):
    project = filters.ModelChoiceFilter(queryset=user_projects, label=_("Project"))
    date = filters.DateFilter(method="filter_date", label=_("Day"))
    status = filters.MultipleChoiceFilter(choices=IncidentStatus.choices, label=_("Status"))
    person = _id_filter("recorded_by_id", _("Recorded by (user id)"))

    class Meta:
        model = Incident
        fields = ["project", "date", "status", "person"]

    def filter_date(self, queryset: QuerySet[Any], name: str, value: Any) -> QuerySet[Any]:
        return _on_day(queryset, "occurred_at", value)


class TrackingFilterSet(filters.FilterSet):
    project = filters.ModelChoiceFilter(queryset=user_projects, label=_("Project"))
    date = filters.DateFilter(
        field_name="next_check_on", lookup_expr="lte", label=_("Check due by")
    )
    status = filters.MultipleChoiceFilter(choices=TrackingStatus.choices, label=_("Status"))
    person = _id_filter("owner_id", _("Owner (user id)"))
    kind = filters.ChoiceFilter(
        choices=ReferredTo.choices, field_name="referred_to", label=_("Referred to")
    )

    class Meta:
        model = Tracking
        fields = ["project", "date", "status", "person", "kind"]
