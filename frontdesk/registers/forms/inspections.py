"""Page forms of patrols and inspections. The walk form is built for a phone: one row per
item, OK / Not OK, a note and a photo."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from ..models import Checklist

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
                widget=forms.ClearableFileInput(
                    attrs={"accept": "image/*", "capture": "environment"}
                ),
            )
            self.fields[f"ok_{item.pk}"] = result
            self.fields[f"note_{item.pk}"] = note
            self.fields[f"photo_{item.pk}"] = photo
            self.rows.append(
                (item, self[f"ok_{item.pk}"], self[f"note_{item.pk}"], self[f"photo_{item.pk}"])
            )
