"""Forms of the item release pass pages. They only parse input; the services decide.

The household comes as a raw id (picked with the search box), never a <select>.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from tickets.forms import DATE_WIDGET, DATETIME_FORMATS, DATETIME_WIDGET

from ..choices.passes import ConfirmedVia


class ReleasePassForm(forms.Form):
    project = forms.TypedChoiceField(label=_("Project"), coerce=int)
    household = forms.IntegerField(widget=forms.HiddenInput, required=False)
    carrier_name = forms.CharField(label=_("Taken out by"), max_length=50)
    carrier_phone = forms.CharField(label=_("Phone"), max_length=20, required=False)
    carrier_id_number = forms.CharField(label=_("ID number"), max_length=30, required=False)
    goods = forms.CharField(
        label=_("Goods"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000
    )
    quantity = forms.IntegerField(label=_("Quantity (pieces)"), min_value=1, max_value=100_000)
    valid_from = forms.DateField(label=_("Valid from"), widget=DATE_WIDGET)
    valid_until = forms.DateField(
        label=_("Valid until (blank: the same day)"), widget=DATE_WIDGET, required=False
    )
    gate = forms.CharField(label=_("Gate"), max_length=50)
    confirmed_by = forms.CharField(label=_("Owner who confirmed"), max_length=50, required=False)
    confirmed_via = forms.ChoiceField(
        label=_("Confirmed how"),
        choices=[("", "—"), *ConfirmedVia.choices],
        required=False,
    )
    confirmed_at = forms.DateTimeField(
        label=_("Confirmed at (blank: now)"),
        widget=DATETIME_WIDGET,
        input_formats=DATETIME_FORMATS,
        required=False,
    )

    def __init__(self, *args: Any, projects: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["project"].choices = projects


class VerifyForm(forms.Form):
    number = forms.CharField(label=_("Pass number"), max_length=200)
    gate = forms.CharField(label=_("Gate"), max_length=50)


class VoidForm(forms.Form):
    reason = forms.CharField(label=_("Reason for voiding"), max_length=200)
