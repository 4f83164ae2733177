"""Page forms of the lost and found register. They only parse input; the services decide."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from tickets.forms import DATETIME_FORMATS, DATETIME_WIDGET

from ..choices.lost_found import Disposal
from ..signatures import SignatureFormField
from . import project_choices


class FoundItemForm(forms.Form):
    project = forms.TypedChoiceField(label=_("Project"), coerce=int)
    what = forms.CharField(label=_("What"), max_length=200)
    where_found = forms.CharField(label=_("Where found"), max_length=200)
    found_at = forms.DateTimeField(
        label=_("Found at"),
        widget=DATETIME_WIDGET,
        input_formats=DATETIME_FORMATS,
        required=False,
        help_text=_("Empty: now."),
    )
    found_by = forms.TypedChoiceField(
        label=_("Found by (staff)"), coerce=int, required=False, empty_value=None, choices=[]
    )
    found_by_name = forms.CharField(
        label=_("or found by (a resident's name)"), max_length=50, required=False
    )
    kept_at = forms.CharField(label=_("Kept at"), max_length=100)
    perishable = forms.BooleanField(label=_("Perishable"), required=False)
    photo = forms.FileField(
        label=_("Photo"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,image/webp"}),
    )

    def __init__(
        self, *args: Any, projects: list[tuple[int, str]], staff: list[Any], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["project"].choices = project_choices(projects)
        self.fields["found_by"].choices = [("", "—"), *staff]


class FoundReturnForm(forms.Form):
    owner_name = forms.CharField(label=_("Owner of the item"), max_length=50)
    owner_phone = forms.CharField(label=_("Phone of the owner of the item"), max_length=20)
    proof = forms.CharField(
        label=_("How ownership was proved"),
        max_length=200,
        help_text=_("E.g. described the contents, showed a photo, the key fits."),
    )
    signature = SignatureFormField(required=False)
    signed_on_paper = forms.BooleanField(label=_("Signed on paper"), required=False)


class DisposeForm(forms.Form):
    disposal = forms.ChoiceField(label=_("Disposal"), choices=Disposal.choices)
    reason = forms.CharField(label=_("Reason"), max_length=200)
