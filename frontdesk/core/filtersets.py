"""Filters of the shared core's listable models, used by the pages and the API alike."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from django_filters import rest_framework as filters

from .models import Notification


class NotificationFilterSet(filters.FilterSet):
    """`?unread=true` lists only the unread notifications (of the user's own, already narrowed)."""

    unread = filters.BooleanFilter(label=_("Unread only"), method="filter_unread")
    topic = filters.CharFilter(label=_("Topic"), field_name="topic")

    class Meta:
        model = Notification
        fields = ["unread", "topic"]

    def filter_unread(
        self, queryset: QuerySet[Notification], name: str, value: Any
    ) -> QuerySet[Notification]:
        if value is None:
            return queryset
        return queryset.filter(read_at__isnull=value)
