"""Admin of mail and parcels: the entries read-only, the project's settings editable."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from frontdesk.core.admin import ProjectScopedAdminMixin

from ..models.parcels import Parcel, ParcelDailyList, ParcelSettings


class ReadOnlyAdmin(ProjectScopedAdminMixin, admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Parcel)
class ParcelAdmin(ReadOnlyAdmin):
    list_display = ["received_at", "kind", "carrier", "tracking_number", "status", "project"]
    list_filter = ["kind", "status", "carrier"]
    list_select_related = ["project"]
    show_full_result_count = False
    # The signature is shown on the parcel's page only (served through a scoped view).
    exclude = ["signature"]


@admin.register(ParcelDailyList)
class ParcelDailyListAdmin(ReadOnlyAdmin):
    list_display = ["day", "project", "sent_at"]
    list_select_related = ["project"]


@admin.register(ParcelSettings)
class ParcelSettingsAdmin(ProjectScopedAdminMixin, admin.ModelAdmin):
    list_display = ["project", "daily_list_at", "overdue_days"]
    list_select_related = ["project"]

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
