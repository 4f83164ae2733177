"""Lost and found in the admin: the project's holding period (the supervisor sets it) and the
found items, read only (without phones for masked roles, photos or signatures)."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from frontdesk.core.admin import ProjectScopedAdminMixin
from frontdesk.core.masking import can_view_phone
from frontdesk.desk.admin import ReadOnlyAdmin

from ..models.lost_found import FoundItem, LostFoundSettings

_NEVER = {"photo", "signature"}


@admin.register(LostFoundSettings)
class LostFoundSettingsAdmin(ProjectScopedAdminMixin, admin.ModelAdmin):
    list_display = ["project", "holding_days"]
    fields = ["project", "holding_days"]

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(FoundItem)
class FoundItemAdmin(ReadOnlyAdmin):
    list_display = ["found_at", "what", "kept_at", "hold_until", "status", "project"]
    list_filter = ["status"]
    list_select_related = ["project"]
    show_full_result_count = False

    def get_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        hidden = _NEVER if can_view_phone(request.user) else _NEVER | {"owner_phone"}
        return [f.name for f in FoundItem._meta.fields if f.name not in hidden]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        return self.get_fields(request, obj)
