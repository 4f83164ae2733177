"""Admin of visitors and messages: the entries read-only (phones and ID numbers left out,
signatures shown on their pages only); the project's visitor procedure editable."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from frontdesk.core.admin import ProjectScopedAdminMixin

from ..models.visitors import Visitor, VisitorMessage, VisitorSettings
from .parcels import ReadOnlyAdmin


@admin.register(Visitor)
class VisitorAdmin(ReadOnlyAdmin):
    list_display = ["registered_at", "name", "status", "post", "project"]
    list_filter = ["status", "post"]
    list_select_related = ["project"]
    show_full_result_count = False
    exclude = ["phone", "id_number"]


@admin.register(VisitorMessage)
class VisitorMessageAdmin(ReadOnlyAdmin):
    list_display = ["received_at", "kind", "left_by", "status", "project"]
    list_filter = ["kind", "status"]
    list_select_related = ["project"]
    show_full_result_count = False
    exclude = ["left_by_phone", "signature"]


@admin.register(VisitorSettings)
class VisitorSettingsAdmin(ProjectScopedAdminMixin, admin.ModelAdmin):
    list_display = ["project", "confirm_by_phone"]
    list_select_related = ["project"]

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
