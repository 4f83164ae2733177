"""The item release passes in the admin, read-only: they change only through the services."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from frontdesk.core.admin import ProjectScopedAdminMixin

from ..models.passes import CardWork, ReleasePass, TemporaryPass


@admin.register(ReleasePass)
class ReleasePassAdmin(ProjectScopedAdminMixin, admin.ModelAdmin):
    list_display = ["number", "household", "carrier_name", "valid_from", "status", "project"]
    list_filter = ["status"]
    search_fields = ["number"]
    exclude = ["carrier_phone", "carrier_id_number"]

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class _ReadOnly(ProjectScopedAdminMixin, admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(TemporaryPass)
class TemporaryPassAdmin(_ReadOnly):
    list_display = ["number", "holder_name", "valid_until", "status", "project"]
    list_filter = ["status"]
    search_fields = ["number"]
    exclude = ["holder_phone", "holder_id_number"]


@admin.register(CardWork)
class CardWorkAdmin(_ReadOnly):
    list_display = ["done_at", "household", "card", "kind", "fee", "project"]
    list_filter = ["kind"]
