"""Incoming documents in the admin: read-only (they change only through the services)."""

from django.contrib import admin

from frontdesk.desk.admin import ReadOnlyAdmin

from ..models import IncomingDocument


@admin.register(IncomingDocument)
class IncomingDocumentAdmin(ReadOnlyAdmin):
    list_display = ["serial", "received_at", "sender", "title", "status", "project"]
    list_filter = ["status", "urgency"]
    list_select_related = ["project"]
    search_fields = ["serial", "title", "sender"]
    show_full_result_count = False
