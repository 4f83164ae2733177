"""The one filter definition of mail and parcels, shared by the page and `/api/v1/parcels/`.

`?project=1&date=2026-12-01&status=waiting&building=3&household=7&uncollected=true` means
the same on the page and in the API. The queryset given is already the user's projects'.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_filters import rest_framework as filters

from frontdesk.core.scoping import project_ids_for
from residents.filtersets import IdFilter, YesNoFilter, user_buildings, user_projects

from ..choices.parcels import Carrier, ParcelKind, ParcelStatus
from ..models.parcels import Parcel
from ..selectors.parcels import overdue_q, settings_for


def _id_filter(field_name: str, label: Any) -> IdFilter:
    return IdFilter(
        field_name=field_name, label=label, min_value=1, max_value=2**63 - 1, decimal_places=0
    )


def _midnight(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


class ParcelFilterSet(filters.FilterSet):
    project = filters.ModelChoiceFilter(queryset=user_projects, label=_("Project"))
    date = filters.DateFilter(method="filter_date", label=_("Received on"))
    status = filters.MultipleChoiceFilter(choices=ParcelStatus.choices, label=_("Status"))
    kind = filters.MultipleChoiceFilter(choices=ParcelKind.choices, label=_("Kind"))
    carrier = filters.MultipleChoiceFilter(choices=Carrier.choices, label=_("Carrier"))
    building = filters.ModelChoiceFilter(queryset=user_buildings, label=_("Building"))
    household = _id_filter("household_id", _("Household (id)"))
    uncollected = YesNoFilter(method="filter_uncollected", label=_("Not collected yet"))
    overdue = YesNoFilter(method="filter_overdue", label=_("Not collected in time"))
    told = YesNoFilter(method="filter_told", label=_("Household told"))
    q = filters.CharFilter(
        method="filter_q", label=_("Search"), help_text=_("Tracking number or unit (3-1502).")
    )

    class Meta:
        model = Parcel
        fields = [
            "project",
            "date",
            "status",
            "kind",
            "carrier",
            "building",
            "household",
            "uncollected",
            "overdue",
            "told",
            "q",
        ]

    def filter_date(self, queryset: QuerySet[Any], name: str, value: Any) -> QuerySet[Any]:
        if value is None or not dt.date.min < value < dt.date.max:
            return queryset
        return queryset.filter(
            received_at__gte=_midnight(value),
            received_at__lt=_midnight(value + dt.timedelta(days=1)),
        )

    def filter_uncollected(self, queryset: QuerySet[Any], name: str, value: Any) -> QuerySet[Any]:
        if value is None:
            return queryset
        waiting = Q(status=ParcelStatus.WAITING)
        return queryset.filter(waiting if value else ~waiting)

    def filter_overdue(self, queryset: QuerySet[Any], name: str, value: Any) -> QuerySet[Any]:
        if value is None:
            return queryset
        user = getattr(self.request, "user", None)
        condition = overdue_q(settings_for(project_ids_for(user)), timezone.now())
        return queryset.filter(condition if value else ~condition)

    def filter_told(self, queryset: QuerySet[Any], name: str, value: Any) -> QuerySet[Any]:
        if value is None:
            return queryset
        return queryset.filter(told_at__isnull=not value)

    def filter_q(self, queryset: QuerySet[Any], name: str, value: str) -> QuerySet[Any]:
        text = "".join(value.split()).upper()
        if not text:
            return queryset
        return queryset.filter(
            Q(tracking_number__startswith=text) | Q(household__unit__code__startswith=text)
        )
