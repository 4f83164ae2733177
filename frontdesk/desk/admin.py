"""The admin shows the desk's records read-only: they change only through the services,
and nothing a procedure keeps may be edited or deleted afterwards."""

from typing import Any

from django import forms
from django.contrib import admin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from frontdesk.core.admin import ProjectScopedAdminMixin
from frontdesk.core.masking import can_view_phone

from .models import (
    DutyLogEntry,
    Extension,
    Handover,
    Incident,
    PhoneLine,
    Review,
    Shift,
    Tracking,
)
from .services import phone_key_hash


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


@admin.register(Incident)
class IncidentAdmin(ReadOnlyAdmin):
    list_display = ["occurred_at", "what", "where", "status", "project"]
    list_filter = ["status"]
    list_select_related = ["project"]


@admin.register(Tracking)
class TrackingAdmin(ReadOnlyAdmin):
    list_display = ["matter", "owner", "next_check_on", "status", "project"]
    list_filter = ["status", "referred_to"]
    list_select_related = ["project", "owner"]


class PhoneLineForm(forms.ModelForm):
    """The key is typed once and kept only as its hash."""

    key = forms.CharField(
        label=_("New key"),
        required=False,
        min_length=24,
        widget=forms.PasswordInput(render_value=False),
        help_text=_("At least 24 characters; the phone system sends it as X-Phone-Key."),
    )

    class Meta:
        model = PhoneLine
        fields = ["project"]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not self.instance.pk and not data.get("key"):
            self.add_error("key", _("Give the phone system's key."))
        return data

    def save(self, commit: bool = True) -> PhoneLine:
        line = super().save(commit=False)
        if self.cleaned_data.get("key"):
            line.key_hash = phone_key_hash(self.cleaned_data["key"])
        if commit:
            line.save()
        return line


class ExtensionInline(admin.TabularInline):
    model = Extension
    extra = 1
    fields = ["number", "clerk"]
    raw_id_fields = ["clerk"]


@admin.register(PhoneLine)
class PhoneLineAdmin(ProjectScopedAdminMixin, admin.ModelAdmin):
    form = PhoneLineForm
    inlines = [ExtensionInline]
    list_display = ["project", "created_at"]
