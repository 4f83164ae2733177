"""The one filter of lost and found, shared by the page and `/api/v1/lost-found/`."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_filters import rest_framework as filters

from residents.filtersets import user_projects

from ..choices.lost_found import FoundStatus
from ..models.lost_found import FoundItem
from .loans import id_filter, on_day


class FoundItemFilterSet(filters.FilterSet):
    project = filters.ModelChoiceFilter(queryset=user_projects, label=_("Project"))
    date = filters.DateFilter(method="filter_date", label=_("Found on"))
    status = filters.MultipleChoiceFilter(
        choices=FoundStatus.choices, label=_("Status"), widget=forms.CheckboxSelectMultiple
    )
    person = id_filter("registered_by_id", _("Staff (user id)"), method="filter_person")
    past_holding = filters.BooleanFilter(
        method="filter_past_holding", label=_("Past the holding period")
    )
    q = filters.CharFilter(method="filter_q", label=_("What or where"))

    class Meta:
        model = FoundItem
        fields = ["project", "date", "status", "person", "past_holding", "q"]

    def filter_date(self, queryset: QuerySet[Any], name: str, value: Any) -> QuerySet[Any]:
        return on_day(queryset, "found_at", value)

    def filter_person(self, queryset: QuerySet[Any], name: str, value: Any) -> QuerySet[Any]:
        if value is None:
            return queryset
        pk = int(value)
        return queryset.filter(
            Q(registered_by_id=pk) | Q(found_by_id=pk) | Q(returned_by_id=pk) | Q(approved_by_id=pk)
        )

    def filter_past_holding(self, queryset: QuerySet[Any], name: str, value: Any) -> QuerySet[Any]:
        if value is None:
            return queryset
        past = Q(status=FoundStatus.WAITING, hold_until__lte=timezone.localdate())
        return queryset.filter(past) if value else queryset.exclude(past)

    def filter_q(self, queryset: QuerySet[Any], name: str, value: Any) -> QuerySet[Any]:
        value = (value or "").strip()[:100]
        if not value:
            return queryset
        return queryset.filter(Q(what__icontains=value) | Q(where_found__icontains=value))
