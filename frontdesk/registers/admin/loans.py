"""The key board in the admin (the supervisor keeps it) and the loans, read only."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from frontdesk.core.admin import ProjectScopedAdminMixin
from frontdesk.core.masking import can_view_phone
from frontdesk.desk.admin import ReadOnlyAdmin

from ..models.loans import Key, Loan


@admin.register(Key)
class KeyAdmin(ProjectScopedAdminMixin, admin.ModelAdmin):
    """Keys are added and retired (unticked "on the board"), never deleted: loans name them."""

    list_display = ["hook", "label", "kind", "unit", "is_active", "project"]
    list_filter = ["kind", "is_active"]
    list_select_related = ["project", "unit"]
    search_fields = ["label", "hook"]
    raw_id_fields = ["unit"]
    fields = ["project", "kind", "label", "hook", "unit", "is_active"]

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Loan)
class LoanAdmin(ReadOnlyAdmin):
    list_display = ["lent_at", "item_label", "borrower_name", "due_at", "status", "project"]
    list_filter = ["status"]
    list_select_related = ["project"]
    show_full_result_count = False

    def get_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        fields = [f.name for f in Loan._meta.fields]
        # The borrower's phone stays out of the admin for a role that sees phones masked.
        return (
            fields if can_view_phone(request.user) else [f for f in fields if f != "borrower_phone"]
        )

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        return self.get_fields(request, obj)
