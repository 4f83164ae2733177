"""Page forms of mail and parcels. They only parse input; the services decide.

The receiving form is built for a scanner: the tracking number first (a scanner types
it and presses Enter), the unit typed as 3-1502 or a name, the carrier and kind kept
from the row before.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from ..choices.parcels import Carrier, CollectorKind, IdType, ParcelKind, TellChannel
from ..signatures import SignatureFormField
from . import project_choices


class ReceiveForm(forms.Form):
    project = forms.TypedChoiceField(label=_("Project"), coerce=int)
    tracking_number = forms.CharField(
        label=_("Tracking number"),
        max_length=60,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "autofocus": True}),
    )
    unit = forms.CharField(
        label=_("Unit or name"),
        max_length=50,
        widget=forms.TextInput(attrs={"autocomplete": "off", "placeholder": "3-1502"}),
    )
    carrier = forms.ChoiceField(label=_("Carrier"), choices=Carrier.choices)
    kind = forms.ChoiceField(label=_("Kind"), choices=ParcelKind.choices)
    note = forms.CharField(label=_("Note"), max_length=200, required=False)

    def __init__(self, *args: Any, projects: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["project"].choices = project_choices(projects)


class TellForm(forms.Form):
    channel = forms.ChoiceField(label=_("Told how"), choices=TellChannel.choices)


class PickupForm(forms.Form):
    collector_name = forms.CharField(label=_("Collected by"), max_length=50)
    collector_kind = forms.ChoiceField(label=_("Collector"), choices=CollectorKind.choices)
    id_type = forms.ChoiceField(
        label=_("ID checked"), choices=[("", "—"), *IdType.choices], required=False
    )
    id_last_digits = forms.CharField(
        label=_("Last digits of the ID"),
        max_length=6,
        required=False,
        help_text=_("Registered mail: the last 4 to 6 characters of the ID checked."),
    )
    signature = SignatureFormField(required=False)
    signed_on_paper = forms.BooleanField(label=_("Signed on paper"), required=False)


class ReturnForm(forms.Form):
    reason = forms.CharField(label=_("Why returned"), max_length=200)
