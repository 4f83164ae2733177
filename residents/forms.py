"""Forms of the household file. They parse and check input; the services write.

Model forms here describe fields (labels, choices and validators come from the
models) but are never saved: views pass `cleaned_data` to `residents.services`.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.core.validators import MinValueValidator
from django.template.defaultfilters import filesizeformat
from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _

from frontdesk.core.errors import ApplicationError
from frontdesk.core.scoping import project_ids_for, projects_for

from .choices import CardStatus, ChecklistCondition, DecorationStatus
from .models import (
    Card,
    Decoration,
    DecorationInspection,
    DecorationWorkerPass,
    Household,
    MoveIn,
    Person,
    Vehicle,
)
from .selectors import unit_code_normalize, units_by_code
from .validators import validate_resident_id


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs=attrs, format="%Y-%m-%d")


def apply_error(
    error: ApplicationError, form: forms.BaseForm, *, rename: dict[str, str] | None = None
) -> None:
    """Show a service's refusal on `form`, with service field names renamed to the form's."""
    fields = {(rename or {}).get(key, key): messages for key, messages in error.fields.items()}
    ApplicationError(fields=fields).apply_to_form(form)


# --- Move-in and move-out -------------------------------------------------------------


class MoveInForm(forms.Form):
    """A new household in a unit, found by typing its code (never a list of all units)."""

    unit_code = forms.CharField(
        label=_("Unit"),
        max_length=48,
        help_text=_("Building and unit number, e.g. 3-1502."),
        widget=forms.TextInput(
            attrs={
                "autofocus": True,
                "autocomplete": "off",
                # The unit found so far is shown under the field while typing.
                "hx-get": reverse_lazy("residents:unit-lookup"),
                "hx-trigger": "load, input changed delay:300ms",
                "hx-target": "#unit-lookup",
            }
        ),
    )
    project = forms.ModelChoiceField(label=_("Project"), queryset=None, required=False)
    moved_in_on = forms.DateField(label=_("Moved in on"), widget=DateInput())
    notes = forms.CharField(
        label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        projects = projects_for(user)
        # A project list only for staff of several projects; it is their own few projects.
        self.fields["project"].queryset = projects
        if len(project_ids_for(user)) < 2:
            del self.fields["project"]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        code = data.get("unit_code")
        if not code:
            return data
        if unit_code_normalize(code) is None:
            self.add_error("unit_code", _("Write the unit as building-number, e.g. 3-1502."))
            return data
        units = units_by_code(user=self.user, code=code)
        if data.get("project"):
            units = units.filter(project=data["project"])
        found = list(units[:2])
        if not found:
            self.add_error("unit_code", _("No unit %(code)s in your projects.") % {"code": code})
        elif len(found) > 1:
            self.add_error(
                "project",
                _("Several projects have a unit %(code)s: choose the project.") % {"code": code},
            )
        elif Household.objects.filter(unit=found[0], moved_out_on__isnull=True).exists():
            # Said at once, with the person's errors; the service checks again under a lock.
            self.add_error(
                "unit_code",
                _("Unit %(unit)s already has a current household; record its move-out first.")
                % {"unit": found[0].code},
            )
        else:
            data["unit"] = found[0]
        return data


class PersonForm(forms.ModelForm):
    """A person of a household; the ID number's check digit is verified."""

    class Meta:
        model = Person
        fields = ["role", "name", "phone", "id_type", "id_number", "gender", "is_primary", "notes"]


class PersonEditForm(PersonForm):
    class Meta(PersonForm.Meta):
        fields = [*PersonForm.Meta.fields, "is_active"]


class MainContactForm(PersonForm):
    """The first person of a new household, entered on the move-in form."""

    class Meta(PersonForm.Meta):
        fields = ["role", "name", "phone", "id_type", "id_number", "gender"]


class MoveOutForm(forms.Form):
    moved_out_on = forms.DateField(label=_("Moved out on"), widget=DateInput())


class HouseholdEditForm(forms.ModelForm):
    class Meta:
        model = Household
        fields = ["moved_in_on", "notes"]
        widgets = {"moved_in_on": DateInput(), "notes": forms.Textarea(attrs={"rows": 3})}


# --- Vehicles and cards ---------------------------------------------------------------


class VehicleForm(forms.ModelForm):
    class Meta:
        model = Vehicle
        fields = ["plate", "description", "parking_space"]

    def __init__(self, *args: Any, household: Household, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.household = household

    def clean_plate(self) -> str:
        plate = self.cleaned_data["plate"].upper().replace(" ", "").replace("·", "")
        taken = Vehicle.objects.filter(
            project_id=self.household.project_id, plate=plate, is_active=True
        )
        if taken.exists():
            raise forms.ValidationError(_("A vehicle with this plate is already registered."))
        return plate


class CardIssueForm(forms.ModelForm):
    """Issue a card; holder and vehicle are chosen among this household's few rows."""

    class Meta:
        model = Card
        fields = ["kind", "number", "issued_on", "holder", "vehicle"]
        widgets = {"issued_on": DateInput()}

    def __init__(self, *args: Any, household: Household, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["holder"].queryset = Person.objects.filter(household=household, is_active=True)
        self.fields["vehicle"].queryset = Vehicle.objects.filter(
            household=household, is_active=True
        )
        self.household = household

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        kind, number = data.get("kind"), (data.get("number") or "").strip()
        if kind and number:
            active = Card.objects.filter(
                project_id=self.household.project_id,
                kind=kind,
                number=number,
                status=CardStatus.ACTIVE,
            )
            if active.exists():
                self.add_error("number", _("A card with this number is already active."))
        return data


class CardStatusForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=CardStatus.choices)
    on = forms.DateField(label=_("Date"), widget=DateInput())


# --- Move-in record -------------------------------------------------------------------


class MoveInRecordForm(forms.ModelForm):
    class Meta:
        model = MoveIn
        fields = [
            "keys_handed",
            "key_notes",
            "water_reading",
            "electricity_reading",
            "gas_reading",
            "signed_on",
        ]
        widgets = {"signed_on": DateInput()}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in ("water_reading", "electricity_reading", "gas_reading"):
            self.fields[name].validators.append(MinValueValidator(0))
            self.fields[name].widget.attrs["min"] = 0


class ChecklistRowForm(forms.Form):
    item = forms.CharField(label=_("Facility"), max_length=60, required=False)
    condition = forms.ChoiceField(
        label=_("Condition"), choices=ChecklistCondition.choices, initial=ChecklistCondition.GOOD
    )
    note = forms.CharField(label=_("Note"), max_length=200, required=False)


ChecklistFormSet = forms.formset_factory(ChecklistRowForm, extra=3, max_num=60, validate_max=True)


def checklist_rows(formset: forms.BaseFormSet) -> list[dict[str, str]]:
    """The filled rows of a valid checklist formset (rows without a facility are dropped)."""
    return [
        {
            "item": row["item"].strip(),
            "condition": row["condition"],
            "note": row.get("note", "").strip(),
        }
        for row in (form.cleaned_data for form in formset.forms)
        if row and row.get("item", "").strip() and not row.get("DELETE")
    ]


# --- Decoration -----------------------------------------------------------------------


class DecorationForm(forms.ModelForm):
    class Meta:
        model = Decoration
        fields = [
            "applied_on",
            "description",
            "contractor",
            "contractor_phone",
            "planned_start",
            "planned_end",
            "deposit",
        ]
        widgets = {
            "applied_on": DateInput(),
            "planned_start": DateInput(),
            "planned_end": DateInput(),
            "description": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["deposit"].validators.append(MinValueValidator(0))
        self.fields["deposit"].widget.attrs["min"] = 0

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        start, end = data.get("planned_start"), data.get("planned_end")
        if start and end and end < start:
            self.add_error("planned_end", _("The planned end is before the planned start."))
        return data


class DecorationStatusForm(forms.Form):
    """The steps taken by a button; passing the final inspection is recorded as an inspection."""

    status = forms.ChoiceField(
        choices=[
            (DecorationStatus.APPROVED, DecorationStatus.APPROVED.label),
            (DecorationStatus.REJECTED, DecorationStatus.REJECTED.label),
            (DecorationStatus.IN_PROGRESS, DecorationStatus.IN_PROGRESS.label),
        ]
    )


class WorkerPassForm(forms.ModelForm):
    class Meta:
        model = DecorationWorkerPass
        fields = ["name", "phone", "id_number", "valid_until"]
        widgets = {"valid_until": DateInput()}

    def clean_id_number(self) -> str:
        id_number = self.cleaned_data.get("id_number", "").strip().upper()
        if id_number:
            validate_resident_id(id_number)
        return id_number


class InspectionForm(forms.ModelForm):
    class Meta:
        model = DecorationInspection
        fields = ["kind", "inspected_on", "result", "notes"]
        widgets = {"inspected_on": DateInput(), "notes": forms.Textarea(attrs={"rows": 3})}


# --- Attachments and notes ------------------------------------------------------------


class AttachmentForm(forms.Form):
    file = forms.FileField(label=_("File"))
    title = forms.CharField(label=_("Title"), max_length=100, required=False)

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size > settings.MAX_UPLOAD_BYTES:
            raise forms.ValidationError(
                _("The file is %(size)s; the largest allowed is %(limit)s.")
                % {
                    "size": filesizeformat(upload.size),
                    "limit": filesizeformat(settings.MAX_UPLOAD_BYTES),
                }
            )
        return upload


class NoteForm(forms.Form):
    text = forms.CharField(
        label=_("Note"), widget=forms.Textarea(attrs={"rows": 4, "autofocus": True})
    )


class ImportantMarkForm(forms.Form):
    note = forms.CharField(
        label=_("Why"),
        max_length=200,
        widget=forms.TextInput(attrs={"autofocus": True}),
        help_text=_("What makes this household an important customer, or why the mark ends."),
    )
