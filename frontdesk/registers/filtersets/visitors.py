"""The one filter definition of visitors and of messages, shared by the pages and the API.

A phone is searched as `frontdesk.core.masking.phone_lookup` allows: anywhere in it for a
role that sees phones, only by its last digits for a role that sees them masked.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_filters import rest_framework as filters

from frontdesk.core.masking import phone_lookup
from residents.filtersets import IdFilter, YesNoFilter, user_projects
from residents.validators import normalize_phone

from ..choices.visitors import MessageKind, MessageStatus, VisitorPost, VisitorStatus
from ..models.visitors import Visitor, VisitorMessage


def _id_filter(field_name: str, label: Any) -> IdFilter:
    return IdFilter(
        field_name=field_name, label=label, min_value=1, max_value=2**63 - 1, decimal_places=0
    )


def _bounds(day: dt.date) -> tuple[dt.datetime, dt.datetime]:
    start = timezone.make_aware(dt.datetime.combine(day, dt.time.min))
    return start, start + dt.timedelta(days=1)


def _phone_q(request: Any, field: str, text: str) -> Q:
    """Matches of `text` as a phone, as far as the user may look phones up; Q(pk__in=[])
    when nothing may be looked up this way."""
    digits = normalize_phone(text).replace("-", "")
    if not digits.isdigit() or len(digits) < 3:
        return Q(pk__in=[])
    lookup = phone_lookup(getattr(request, "user", None), digits)  # type: ignore[arg-type]
    if lookup is None:
        return Q(pk__in=[])
    return Q(**{f"{field}__{lookup}": digits})


class VisitorFilterSet(filters.FilterSet):
    project = filters.ModelChoiceFilter(queryset=user_projects, label=_("Project"))
    date = filters.DateFilter(method="filter_date", label=_("Day"))
    status = filters.MultipleChoiceFilter(choices=VisitorStatus.choices, label=_("Status"))
    post = filters.MultipleChoiceFilter(choices=VisitorPost.choices, label=_("Registered at"))
    household = _id_filter("household_id", _("Household (id)"))
    q = filters.CharFilter(
        method="filter_q",
        label=_("Search"),
        help_text=_("Visitor's name, plate, or phone (its last 4 digits if phones are masked)."),
    )

    class Meta:
        model = Visitor
        fields = ["project", "date", "status", "post", "household", "q"]

    def filter_date(self, queryset: QuerySet[Any], name: str, value: Any) -> QuerySet[Any]:
        """Registered, expected, arrived or left on that day."""
        if value is None or not dt.date.min < value < dt.date.max:
            return queryset
        start, end = _bounds(value)
        return queryset.filter(
            Q(registered_at__gte=start, registered_at__lt=end)
            | Q(expected_on=value)
            | Q(arrived_at__gte=start, arrived_at__lt=end)
            | Q(left_at__gte=start, left_at__lt=end)
        )

    def filter_q(self, queryset: QuerySet[Any], name: str, value: str) -> QuerySet[Any]:
        text = value.strip()
        if not text:
            return queryset
        return queryset.filter(
            Q(name__contains=text)
            | Q(plate__startswith=text.upper().replace(" ", ""))
            | _phone_q(self.request, "phone", text)
        )


class VisitorMessageFilterSet(filters.FilterSet):
    project = filters.ModelChoiceFilter(queryset=user_projects, label=_("Project"))
    date = filters.DateFilter(method="filter_date", label=_("Received on"))
    kind = filters.MultipleChoiceFilter(choices=MessageKind.choices, label=_("Kind"))
    status = filters.MultipleChoiceFilter(choices=MessageStatus.choices, label=_("Status"))
    household = _id_filter("household_id", _("Household (id)"))
    uncollected = YesNoFilter(method="filter_uncollected", label=_("Not collected yet"))
    q = filters.CharFilter(
        method="filter_q", label=_("Search"), help_text=_("Who left it, or what.")
    )

    class Meta:
        model = VisitorMessage
        fields = ["project", "date", "kind", "status", "household", "uncollected", "q"]

    def filter_date(self, queryset: QuerySet[Any], name: str, value: Any) -> QuerySet[Any]:
        if value is None or not dt.date.min < value < dt.date.max:
            return queryset
        start, end = _bounds(value)
        return queryset.filter(received_at__gte=start, received_at__lt=end)

    def filter_uncollected(self, queryset: QuerySet[Any], name: str, value: Any) -> QuerySet[Any]:
        if value is None:
            return queryset
        collected = Q(status=MessageStatus.COLLECTED)
        return queryset.filter(~collected if value else collected)

    def filter_q(self, queryset: QuerySet[Any], name: str, value: str) -> QuerySet[Any]:
        text = value.strip()
        if not text:
            return queryset
        return queryset.filter(Q(left_by__contains=text) | Q(content__contains=text))
