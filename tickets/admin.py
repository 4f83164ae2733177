"""The admin shows work orders read-only (they change only through the services);
the per-project settings of the process are edited here."""

from typing import Any

from django import forms
from django.contrib import admin
from django.http import HttpRequest

from frontdesk.core.admin import ProjectScopedAdminMixin
from frontdesk.core.masking import can_view_phone

from .choices import Place
from .models import (
    Callback,
    ComplaintDetail,
    ComplaintReport,
    LiaisonForm,
    MonthlyContract,
    ReportSettings,
    Ticket,
    TicketEvent,
    TicketSettings,
)


class ReadOnlyAdmin(ProjectScopedAdminMixin, admin.ModelAdmin):
    """Look, never touch: an order's history must match its events.

    Like every admin of the desk, it shows only the user's projects.
    """

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class EventInline(admin.TabularInline):
    model = TicketEvent
    extra = 0
    can_delete = False
    fields = ["at", "actor", "action", "from_status", "to_status", "note"]
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Ticket)
class TicketAdmin(ReadOnlyAdmin):
    # Serials repeat across projects: each row names its project.
    list_display = ["serial", "project", "kind", "status", "matter", "department", "created_at"]
    list_filter = ["kind", "status", "department", "priority"]
    search_fields = ["=serial"]
    list_select_related = ["project"]
    show_full_result_count = False
    raw_id_fields = [
        "household",
        "building",
        "assignee",
        "created_by",
        "rework_of",
        "complaint_from",
    ]
    inlines = [EventInline]

    def get_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        """The reporter's phone is left out for a role that sees phones masked."""
        fields = list(super().get_fields(request, obj))
        return (
            fields if can_view_phone(request.user) else [f for f in fields if f != "reporter_phone"]
        )


@admin.register(ComplaintDetail)
class ComplaintDetailAdmin(ReadOnlyAdmin):
    project_path = "ticket__project"
    list_display = ["ticket", "category", "reason", "temper", "valid"]
    list_filter = ["category", "reason", "valid"]
    list_select_related = ["ticket"]
    show_full_result_count = False


@admin.register(Callback)
class CallbackAdmin(ReadOnlyAdmin):
    project_path = "ticket__project"
    list_display = ["ticket", "at", "reached", "satisfaction", "improper_charge"]
    list_filter = ["satisfaction", "improper_charge"]
    list_select_related = ["ticket"]
    show_full_result_count = False


@admin.register(LiaisonForm)
class LiaisonFormAdmin(ReadOnlyAdmin):
    list_display = [
        "number",
        "project",
        "from_department",
        "to_department",
        "status",
        "created_at",
    ]
    list_filter = ["status", "to_department"]
    list_select_related = ["project"]
    search_fields = ["=number"]


@admin.register(MonthlyContract)
class MonthlyContractAdmin(ReadOnlyAdmin):
    list_display = [
        "household",
        "project",
        "kind",
        "schedule_type",
        "price",
        "starts_on",
        "ends_on",
    ]
    list_filter = ["kind"]
    list_select_related = ["household__unit", "project"]


class TicketSettingsForm(forms.ModelForm):
    """The major public places are ticked from the list rather than typed as JSON."""

    major_places = forms.MultipleChoiceField(
        label=TicketSettings._meta.get_field("major_places").verbose_name,
        choices=Place.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = TicketSettings
        fields = ["project", "resident_link_days", "major_places", "emergency_words", "major_words"]


@admin.register(TicketSettings)
class TicketSettingsAdmin(ProjectScopedAdminMixin, admin.ModelAdmin):
    form = TicketSettingsForm
    list_display = ["project", "resident_link_days"]


# The project's callback and statistics settings, and the issued monthly reports
# (read only: they change by regenerating a period on the reports page).


@admin.register(ReportSettings)
class ReportSettingsAdmin(ProjectScopedAdminMixin, admin.ModelAdmin):
    list_display = ["project", "effectiveness_basis", "callback_attempts", "callback_retry_minutes"]


@admin.register(ComplaintReport)
class ComplaintReportAdmin(ReadOnlyAdmin):
    list_display = ["project", "period", "generated_at", "generated_by"]
    list_filter = ["period"]
    list_select_related = ["project", "generated_by"]
