"""Checklists and inspection runs in the admin: read-only (they change only through the
services: a checklist is replaced by a new one, never edited)."""

from django.contrib import admin

from frontdesk.desk.admin import ReadOnlyAdmin

from ..models import Checklist, InspectionRun


@admin.register(Checklist)
class ChecklistAdmin(ReadOnlyAdmin):
    list_display = ["name", "kind", "is_active", "project"]
    list_filter = ["kind", "is_active"]
    list_select_related = ["project"]


@admin.register(InspectionRun)
class InspectionRunAdmin(ReadOnlyAdmin):
    list_display = ["started_at", "checklist", "walked_by", "failed_count", "project"]
    list_select_related = ["project", "checklist", "walked_by"]
    show_full_result_count = False
