"""The admin shows the desk's records read-only: they change only through the services,
and nothing a procedure keeps may be edited or deleted afterwards."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from frontdesk.core.admin import ProjectScopedAdminMixin
from frontdesk.core.masking import can_view_phone

from .models import DutyLogEntry, Handover, Review, Shift


class ReadOnlyAdmin(ProjectScopedAdminMixin, admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(DutyLogEntry)
class DutyLogEntryAdmin(ReadOnlyAdmin):
    list_display = ["at", "kind", "channel", "matter", "status", "project"]
    list_filter = ["kind", "status", "channel"]
    list_select_related = ["project"]
    show_full_result_count = False

    def get_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        fields = [f.name for f in DutyLogEntry._meta.fields]
        # The caller's phone stays out of the admin for a role that sees phones masked.
        return (
            fields if can_view_phone(request.user) else [f for f in fields if f != "caller_phone"]
        )

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        return self.get_fields(request, obj)


@admin.register(Shift)
class ShiftAdmin(ReadOnlyAdmin):
    list_display = ["starts_at", "ends_at", "clerk", "status", "project"]
    list_filter = ["status"]
    list_select_related = ["project", "clerk"]


@admin.register(Handover)
class HandoverAdmin(ReadOnlyAdmin):
    list_display = ["closed_at", "closed_by", "status", "acknowledged_at", "project"]
    list_filter = ["status"]
    list_select_related = ["project", "closed_by"]


@admin.register(Review)
class ReviewAdmin(ReadOnlyAdmin):
    list_display = ["starts_on", "kind", "status", "signed_by", "project"]
    list_filter = ["kind", "status"]
    list_select_related = ["project", "signed_by"]
