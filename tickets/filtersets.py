"""One filter definition per listable model, shared by the pages and the API.

`?kind=repair&status=dispatched&building=3&q=WX-2026` means the same on the
desk's queue page and in `/api/v1/tickets/`. The queryset given to a
FilterSet is already scoped to the user's projects (selectors do that);
households, users and orders are filtered by raw id, never offered as a
<select>. An invalid value makes the form invalid: the API answers 400 with
a message on that parameter.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import QuerySet
from django.forms import NumberInput
from django.utils.translation import gettext_lazy as _
from django_filters import rest_framework as filters

from frontdesk.core.masking import can_view_phone
from frontdesk.core.scoping import project_ids_for
from residents.filtersets import (
    BuildingFilter,
    IdFilter,
    YesNoFilter,
    user_buildings,
    user_projects,
)

from .choices import (
    OPEN_STATUSES,
    ContractKind,
    Department,
    LiaisonStatus,
    Priority,
    TicketKind,
    TicketStatus,
)
from .models import LiaisonForm, MonthlyContract, Ticket
from .selectors import local_midnight, overdue_q, ticket_search_q


def _id_filter(field_name: str, label: Any) -> IdFilter:
    return IdFilter(
        field_name=field_name,
        label=label,
        min_value=1,
        max_value=2**63 - 1,
        decimal_places=0,
        widget=NumberInput(attrs={"min": 1, "step": 1}),
    )


def _bounded(day: dt.date | None) -> bool:
    """Whether a day bounds a date range. The calendar's first day has no midnight in UTC and
    its last no next day; no order lies beyond either, so they bound nothing."""
    return day is not None and dt.date.min < day < dt.date.max


class TicketFilterSet(filters.FilterSet):
    q = filters.CharFilter(
        method="filter_q", label=_("Search"), help_text=_("Serial number or words of the matter.")
    )
    project = filters.ModelChoiceFilter(queryset=user_projects, label=_("Project"))
    # Each of these is a column of the order itself: a match cannot repeat a row, so the
    # filter needs no DISTINCT (which would sort every matching row before the page).
    kind = filters.MultipleChoiceFilter(choices=TicketKind.choices, label=_("Kind"), distinct=False)
    status = filters.MultipleChoiceFilter(
        choices=TicketStatus.choices, label=_("Status"), distinct=False
    )
    department = filters.MultipleChoiceFilter(
        choices=Department.choices, label=_("Department"), distinct=False
    )
    priority = filters.MultipleChoiceFilter(
        choices=Priority.choices, label=_("Priority"), distinct=False
    )
    building = BuildingFilter(queryset=user_buildings, label=_("Building"))
    household = _id_filter("household_id", _("Household (id)"))
    assignee = _id_filter("assignee_id", _("Assignee (user id)"))
    created_after = filters.DateFilter(
        method="filter_created_after", label=_("Registered on or after")
    )
    created_before = filters.DateFilter(
        method="filter_created_before", label=_("Registered on or before")
    )
    overdue = YesNoFilter(method="filter_overdue", label=_("Overdue"))
    paid = YesNoFilter(label=_("Paid service"))
    public = YesNoFilter(method="filter_public", label=_("Public place"))

    class Meta:
        model = Ticket
        fields = [
            "q",
            "project",
            "kind",
            "status",
            "department",
            "priority",
            "building",
            "household",
            "assignee",
            "created_after",
            "created_before",
            "overdue",
            "paid",
            "public",
        ]

    def filter_q(self, queryset: QuerySet[Ticket], name: str, value: str) -> QuerySet[Ticket]:
        if not value.strip():
            return queryset
        user = getattr(self.request, "user", None)
        full_phones = user is None or can_view_phone(user)
        return queryset.filter(ticket_search_q(value, full_phones=full_phones))

    def filter_created_after(
        self, queryset: QuerySet[Ticket], name: str, value: dt.date
    ) -> QuerySet[Ticket]:
        return (
            queryset.filter(created_at__gte=local_midnight(value)) if _bounded(value) else queryset
        )

    def filter_created_before(
        self, queryset: QuerySet[Ticket], name: str, value: dt.date
    ) -> QuerySet[Ticket]:
        if not _bounded(value):
            return queryset
        return queryset.filter(created_at__lt=local_midnight(value + dt.timedelta(days=1)))

    def filter_overdue(
        self, queryset: QuerySet[Ticket], name: str, value: bool
    ) -> QuerySet[Ticket]:
        # A filter method is called only with a value (None means "any" and is not passed).
        # Overdue orders are open ones: said so, the list is read from the open orders'
        # index (`tickets_open_id`), not from every order the project ever had.
        user = getattr(self.request, "user", None)
        ids = project_ids_for(user) if user is not None and user.is_authenticated else None
        if value:
            return queryset.filter(status__in=sorted(OPEN_STATUSES)).filter(
                overdue_q(project_ids=ids)
            )
        return queryset.exclude(overdue_q(project_ids=ids))

    def filter_public(self, queryset: QuerySet[Ticket], name: str, value: bool) -> QuerySet[Ticket]:
        return queryset.filter(household__isnull=value)


class LiaisonFormFilterSet(filters.FilterSet):
    project = filters.ModelChoiceFilter(queryset=user_projects, label=_("Project"))
    status = filters.MultipleChoiceFilter(choices=LiaisonStatus.choices, label=_("Status"))
    to_department = filters.ChoiceFilter(choices=Department.choices, label=_("To"))
    from_department = filters.ChoiceFilter(choices=Department.choices, label=_("From"))
    ticket = _id_filter("ticket_id", _("Work order (id)"))
    number = filters.CharFilter(field_name="number", lookup_expr="startswith", label=_("Number"))

    class Meta:
        model = LiaisonForm
        fields = ["project", "status", "to_department", "from_department", "ticket", "number"]


class MonthlyContractFilterSet(filters.FilterSet):
    project = filters.ModelChoiceFilter(queryset=user_projects, label=_("Project"))
    kind = filters.ChoiceFilter(choices=ContractKind.choices, label=_("Service"))
    household = _id_filter("household_id", _("Household (id)"))
    running_on = filters.DateFilter(method="filter_running_on", label=_("Running on"))

    class Meta:
        model = MonthlyContract
        fields = ["project", "kind", "household", "running_on"]

    def filter_running_on(
        self, queryset: QuerySet[MonthlyContract], name: str, value: dt.date
    ) -> QuerySet[MonthlyContract]:
        if value is None:
            return queryset
        return queryset.filter(starts_on__lte=value).exclude(ends_on__lt=value)
