"""Page forms of patrols and inspections. The walk form is built for a phone: one row per
item, OK / Not OK, a note and a photo."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from tickets.choices import Department, Place

from ..choices.inspections import ChecklistKind
from ..models import Checklist
from . import project_choices

OK = "ok"
NOT_OK = "not_ok"


class WalkForm(forms.Form):
    started_at = forms.DateTimeField(widget=forms.HiddenInput)

    def __init__(self, *args: Any, checklist: Checklist, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.rows = []
        for item in checklist.items.all():
            result = forms.ChoiceField(
                label=item.name,
                choices=[(OK, _("OK")), (NOT_OK, _("Not OK"))],
                widget=forms.RadioSelect(attrs={"class": "walk-toggle"}),
            )
            note = forms.CharField(
                label=_("Note"),
                max_length=200,
                required=False,
                widget=forms.TextInput(attrs={"placeholder": _("What is wrong")}),
            )
            photo = forms.ImageField(
                label=_("Photo"),
                required=False,
                widget=forms.ClearableFileInput(attrs={"accept": "image/*"}),
            )
            self.fields[f"ok_{item.pk}"] = result
            self.fields[f"note_{item.pk}"] = note
            self.fields[f"photo_{item.pk}"] = photo
            self.rows.append(
                (item, self[f"ok_{item.pk}"], self[f"note_{item.pk}"], self[f"photo_{item.pk}"])
            )

    def clean(self) -> dict[str, Any]:
        # The service refuses it too; here the message sits on the item's own row.
        data = super().clean() or {}
        for item, *_fields in self.rows:
            if data.get(f"ok_{item.pk}") == NOT_OK and not data.get(f"note_{item.pk}"):
                self.add_error(f"note_{item.pk}", _("Say what is wrong."))
        return data


ITEM_ROWS = 15


class ChecklistForm(forms.Form):
    """A checklist on one page: its name, kind, place, times, and up to 15 items in order."""

    project = forms.TypedChoiceField(label=_("Project"), coerce=int)
    name = forms.CharField(label=_("Checklist name"), max_length=100)
    kind = forms.ChoiceField(label=_("Kind"), choices=ChecklistKind.choices)
    place = forms.ChoiceField(label=_("Public place"), choices=Place.choices)
    times = forms.CharField(
        label=_("Due at"),
        required=False,
        help_text=_("Times of day, separated by commas: 09:00, 13:00, 17:00"),
    )
    grace_minutes = forms.IntegerField(
        label=_("Grace (minutes)"), min_value=0, max_value=240, initial=30
    )
    replaces = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, projects: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["project"].choices = project_choices(projects)
        self.rows = []
        for n in range(1, ITEM_ROWS + 1):
            self.fields[f"item_{n}"] = forms.CharField(
                label=_("Item %(n)d") % {"n": n}, max_length=100, required=False
            )
            self.fields[f"department_{n}"] = forms.ChoiceField(
                label=_("Rectified by"),
                choices=[("", "—"), *Department.choices],
                required=False,
            )
            self.rows.append((self[f"item_{n}"], self[f"department_{n}"]))

    def items(self) -> list[tuple[str, str]]:
        """The rows filled in, in order, as (name, department)."""
        data = self.cleaned_data
        return [
            (data[f"item_{n}"].strip(), data[f"department_{n}"])
            for n in range(1, ITEM_ROWS + 1)
            if (data.get(f"item_{n}") or "").strip()
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for n in range(1, ITEM_ROWS + 1):
            if (data.get(f"item_{n}") or "").strip() and not data.get(f"department_{n}"):
                self.add_error(f"department_{n}", _("Choose who rectifies this item."))
        return data
