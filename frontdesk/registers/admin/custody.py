"""Valuables in custody in the admin: read only, without phones for masked roles, and without
the photos and signatures (served only by the register's own pages)."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from frontdesk.core.masking import can_view_phone
from frontdesk.desk.admin import ReadOnlyAdmin

from ..models.custody import Deposit

_NEVER = {"signature"}


@admin.register(Deposit)
class DepositAdmin(ReadOnlyAdmin):
    list_display = ["number", "received_at", "owner_name", "status", "project"]
    list_filter = ["status"]
    list_select_related = ["project"]
    search_fields = ["number"]
    show_full_result_count = False

    def get_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        hidden = _NEVER if can_view_phone(request.user) else _NEVER | {"owner_phone"}
        return [f.name for f in Deposit._meta.fields if f.name not in hidden]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        return self.get_fields(request, obj)
