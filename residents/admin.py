"""Admin of household files, for corrections by supervisors and administrators.

Built for 100,000 households: foreign keys to big tables are raw ids or
autocomplete, lists join what they show and never count the whole table, and
filters are on small fields only. Every list is narrowed to the user's
projects. A change to a household file made here leaves a line in its
history, like one made at the desk; households and persons are never deleted.
"""

from typing import Any

from django import forms
from django.contrib import admin
from django.db.models import Model
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from frontdesk.core.admin import ProjectScopedAdminMixin
from frontdesk.core.masking import can_view_phone, mask_id_number, mask_phone

from .choices import ChangeAction
from .models import (
    Attachment,
    Building,
    Card,
    ChangeRecord,
    Decoration,
    DecorationInspection,
    DecorationWorkerPass,
    Household,
    MoveIn,
    Note,
    Person,
    Unit,
    Vehicle,
)
from .services import household_move_in, record_change

# --- Shared behaviour -----------------------------------------------------------


def _changes(form: forms.ModelForm) -> dict[str, list[str]]:
    """``{field: [old, new]}`` of a bound model form, the ID number never in clear."""
    changes = {}
    for name in form.changed_data:
        old, new = form.initial.get(name, ""), form.cleaned_data.get(name, "")
        if name == "id_number":
            old, new = "…", "…"
        changes[name] = ["" if old is None else str(old), "" if new is None else str(new)]
    return changes


class MaskedPhoneMixin:
    """Phones show as 138****5678 in lists and leave forms for a role without
    `residents.view_phone` (as on the desk's pages); search and URL lookups leave them out
    through `frontdesk.core.admin.DeclaredLookupsAdminMixin`."""

    def get_list_display(self, request: HttpRequest) -> Any:
        shown = list(super().get_list_display(request))  # type: ignore[misc]
        if can_view_phone(request.user):
            return shown
        return ["phone_masked" if name == "phone" else name for name in shown]

    def get_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        fields = list(super().get_fields(request, obj))  # type: ignore[misc]
        return fields if can_view_phone(request.user) else [f for f in fields if f != "phone"]

    @admin.display(description=_("Phone"))
    def phone_masked(self, obj: Any) -> str:
        return mask_phone(obj.phone)


class MaskedIdNumberMixin:
    """The ID number leaves the form for every role: it is shown in full only by its own
    audited action on the household file (`residents.view_id_number`)."""

    def get_exclude(self, request: HttpRequest, obj: Any = None) -> list[str]:
        exclude = list(super().get_exclude(request, obj) or [])  # type: ignore[misc]
        exclude.append("id_number")
        return exclude


class KeptRecordsMixin:
    """Records of a household file are kept: nothing is deleted from the admin."""

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class HouseholdRecordAdmin(KeptRecordsMixin, ProjectScopedAdminMixin, admin.ModelAdmin):
    """A record belonging to a household: copies the household's project, writes the history."""

    show_full_result_count = False
    exclude = ["project"]

    def household_of(self, obj: Any) -> Household:
        return obj.household

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        household = self.household_of(obj)
        if hasattr(obj, "project_id"):
            obj.project_id = household.project_id
        super().save_model(request, obj, form, change)
        if change and not form.changed_data:
            return
        record_change(
            household=household,
            actor=request.user,
            action=ChangeAction.UPDATED if change else ChangeAction.ADDED,
            instance=obj,
            changes=_changes(form) if change else None,
        )

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        """Inline rows: same project as the household, and a history line for each change."""
        household = form.instance if isinstance(form.instance, Household) else None
        for inline_form in formset.forms:
            instance = inline_form.instance
            if household is not None and hasattr(instance, "project_id"):
                instance.project_id = household.project_id
        saved = formset.save()
        target = household or self.household_of(form.instance)
        for inline_form in formset.forms:
            if inline_form.instance in saved and inline_form.has_changed():
                added = inline_form.instance._state.adding or not inline_form.initial
                record_change(
                    household=target,
                    actor=request.user,
                    action=ChangeAction.ADDED if added else ChangeAction.UPDATED,
                    instance=inline_form.instance,
                    changes=None if added else _changes(inline_form),
                )


class AuthoredRecordAdmin(HouseholdRecordAdmin):
    """A record whose author is whoever adds it."""

    author_field = "author"

    def get_exclude(self, request: HttpRequest, obj: Any = None) -> list[str]:
        return [*(super().get_exclude(request, obj) or []), self.author_field]

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        if not change:
            setattr(obj, self.author_field, request.user)
        super().save_model(request, obj, form, change)


# --- The estate -----------------------------------------------------------------


@admin.register(Building)
class BuildingAdmin(ProjectScopedAdminMixin, admin.ModelAdmin):
    list_display = ["__str__", "number", "project", "floors", "butler"]
    list_select_related = ["project", "butler"]
    list_filter = ["project"]
    search_fields = ["number", "name"]
    raw_id_fields = ["butler"]


@admin.register(Unit)
class UnitAdmin(ProjectScopedAdminMixin, admin.ModelAdmin):
    list_display = ["code", "project", "floor", "floor_area", "unit_type", "status"]
    list_select_related = ["project"]
    list_filter = ["project", "unit_type", "status"]
    search_fields = ["^code"]
    autocomplete_fields = ["building"]
    fields = ["building", "number", "floor", "floor_area", "unit_type", "status"]
    show_full_result_count = False

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        obj.project_id = obj.building.project_id
        super().save_model(request, obj, form, change)


# --- Households -----------------------------------------------------------------


class PersonInline(admin.TabularInline):
    model = Person
    extra = 0
    can_delete = False
    fields = ["role", "name", "phone", "id_type", "id_number", "gender", "is_primary", "is_active"]

    def get_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        fields = list(super().get_fields(request, obj))
        # An ID number is shown in full only by its own audited action, on the household file.
        fields.remove("id_number")
        if not can_view_phone(request.user):
            fields.remove("phone")
        return fields


class VehicleInline(admin.TabularInline):
    model = Vehicle
    extra = 0
    can_delete = False
    fields = ["plate", "description", "parking_space", "is_active"]


class CardInline(admin.TabularInline):
    model = Card
    extra = 0
    can_delete = False
    fields = ["kind", "number", "holder", "vehicle", "status", "issued_on", "returned_on"]
    raw_id_fields = ["holder", "vehicle"]


class HouseholdForm(forms.ModelForm):
    class Meta:
        model = Household
        fields = ["unit", "moved_in_on", "notes"]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        unit = cleaned.get("unit")
        if self.instance.pk is None and unit is not None:
            if Household.objects.filter(unit=unit, moved_out_on__isnull=True).exists():
                self.add_error(
                    "unit",
                    _("Unit %(unit)s already has a current household; record its move-out first.")
                    % {"unit": unit.code},
                )
        return cleaned


@admin.register(Household)
class HouseholdAdmin(HouseholdRecordAdmin):
    form = HouseholdForm
    list_display = ["file_number", "unit", "project", "moved_in_on", "moved_out_on"]
    list_select_related = ["unit", "project"]
    list_filter = ["project"]
    search_fields = ["=file_number", "^unit__code"]
    raw_id_fields = ["unit"]
    readonly_fields = ["file_number", "moved_out_on", "created_at", "updated_at"]
    inlines = [PersonInline, VehicleInline, CardInline]

    def get_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        if obj is None:  # a move-in: the file number comes from the service
            return ["unit", "moved_in_on", "notes"]
        return [
            "file_number",
            "unit",
            "moved_in_on",
            "moved_out_on",
            "notes",
            "created_at",
            "updated_at",
        ]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        readonly = list(super().get_readonly_fields(request, obj))
        return [*readonly, "unit"] if obj is not None else []

    def household_of(self, obj: Any) -> Household:
        return obj

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        if change:
            super().save_model(request, obj, form, change)
            return
        # A move-in made here is numbered, and frees nothing twice, like one at the desk.
        household = household_move_in(
            unit=obj.unit, moved_in_on=obj.moved_in_on, notes=obj.notes, by=request.user
        )
        obj.__dict__.update({k: v for k, v in household.__dict__.items() if k != "_state"})
        obj._state.adding = False
        obj._state.db = household._state.db


@admin.register(Person)
class PersonAdmin(MaskedPhoneMixin, MaskedIdNumberMixin, HouseholdRecordAdmin):
    list_display = ["name", "role", "phone", "id_number_masked", "household", "is_active"]
    list_select_related = ["household__unit"]
    list_filter = ["project", "role", "is_active"]
    search_fields = ["name", "phone"]
    raw_id_fields = ["household"]

    @admin.display(description=_("ID number"))
    def id_number_masked(self, person: Person) -> str:
        return mask_id_number(person.id_number)


@admin.register(Vehicle)
class VehicleAdmin(HouseholdRecordAdmin):
    list_display = ["plate", "description", "parking_space", "household", "is_active"]
    list_select_related = ["household__unit"]
    list_filter = ["project", "is_active"]
    search_fields = ["plate"]
    raw_id_fields = ["household"]


@admin.register(Card)
class CardAdmin(HouseholdRecordAdmin):
    list_display = ["number", "kind", "status", "household", "holder", "issued_on"]
    list_select_related = ["household__unit", "holder"]
    list_filter = ["project", "kind", "status"]
    search_fields = ["=number"]
    raw_id_fields = ["household", "holder", "vehicle"]


@admin.register(MoveIn)
class MoveInAdmin(HouseholdRecordAdmin):
    list_display = ["household", "keys_handed", "signed_on", "handled_by"]
    list_select_related = ["household__unit", "handled_by"]
    list_filter = ["project"]
    search_fields = ["^household__unit__code", "=household__file_number"]
    raw_id_fields = ["household", "handled_by"]


# --- Decoration -------------------------------------------------------------------


class WorkerPassInline(admin.TabularInline):
    model = DecorationWorkerPass
    extra = 0
    can_delete = False
    fields = ["pass_number", "name", "phone", "valid_until", "returned_on"]

    def get_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        fields = list(super().get_fields(request, obj))
        return fields if can_view_phone(request.user) else [f for f in fields if f != "phone"]


class InspectionInline(admin.TabularInline):
    model = DecorationInspection
    extra = 0
    can_delete = False
    fields = ["kind", "inspected_on", "inspector", "result", "notes"]
    raw_id_fields = ["inspector"]


@admin.register(Decoration)
class DecorationAdmin(AuthoredRecordAdmin):
    author_field = "created_by"
    list_display = [
        "household",
        "applied_on",
        "contractor",
        "planned_start",
        "planned_end",
        "status",
    ]
    list_select_related = ["household__unit"]
    list_filter = ["project", "status"]
    search_fields = ["^household__unit__code", "contractor"]
    raw_id_fields = ["household"]
    inlines = [WorkerPassInline, InspectionInline]

    def get_exclude(self, request: HttpRequest, obj: Any = None) -> list[str]:
        exclude = super().get_exclude(request, obj)
        return exclude if can_view_phone(request.user) else [*exclude, "contractor_phone"]


class DecorationPartAdmin(HouseholdRecordAdmin):
    """A worker pass or inspection: its household is its decoration's."""

    project_path = "decoration__project"
    exclude: list[str] = []
    raw_id_fields = ["decoration"]

    def household_of(self, obj: Any) -> Household:
        return obj.decoration.household


@admin.register(DecorationWorkerPass)
class DecorationWorkerPassAdmin(MaskedPhoneMixin, MaskedIdNumberMixin, DecorationPartAdmin):
    list_display = ["pass_number", "name", "phone", "decoration", "valid_until", "returned_on"]
    list_select_related = ["decoration__household__unit"]
    search_fields = ["=pass_number", "name"]


@admin.register(DecorationInspection)
class DecorationInspectionAdmin(DecorationPartAdmin):
    list_display = ["decoration", "kind", "inspected_on", "inspector", "result"]
    list_select_related = ["decoration__household__unit", "inspector"]
    list_filter = ["kind", "result"]
    raw_id_fields = ["decoration", "inspector"]


# --- Attachments, notes, history ------------------------------------------------------


@admin.register(Attachment)
class AttachmentAdmin(HouseholdRecordAdmin):
    """Files are added on the household file page, which checks their size."""

    list_display = ["title", "household", "size", "uploaded_by", "uploaded_at"]
    list_select_related = ["household__unit", "uploaded_by"]
    list_filter = ["project"]
    search_fields = ["title"]
    fields = ["household", "title", "file", "size", "uploaded_by", "uploaded_at"]
    readonly_fields = ["household", "file", "size", "uploaded_by", "uploaded_at"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False


@admin.register(Note)
class NoteAdmin(AuthoredRecordAdmin):
    list_display = ["__str__", "household", "author", "created_at"]
    list_select_related = ["household__unit", "author"]
    list_filter = ["project"]
    raw_id_fields = ["household"]


@admin.register(ChangeRecord)
class ChangeRecordAdmin(ProjectScopedAdminMixin, admin.ModelAdmin):
    """The history is append-only: it is read here, never written."""

    list_display = ["at", "household", "actor", "action", "subject_repr"]
    list_select_related = ["household__unit", "actor"]
    list_filter = ["project", "action"]
    search_fields = ["=household__file_number"]
    show_full_result_count = False

    def get_exclude(self, request: HttpRequest, obj: Any = None) -> list[str]:
        # The changes hold old and new phones as typed; the desk's pages mask them line by line.
        exclude = list(super().get_exclude(request, obj) or [])
        return exclude if can_view_phone(request.user) else [*exclude, "changes"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False
