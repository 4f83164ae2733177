"""Forms of the item release pass pages. They only parse input; the services decide.

The household comes as a raw id (picked with the search box), never a <select>.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from tickets.forms import DATE_WIDGET, DATETIME_FORMATS, DATETIME_WIDGET

from ..choices.passes import CardWorkKind, ConfirmedVia, HolderKind
from . import project_choices


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
        self.fields["project"].choices = project_choices(projects)


class VerifyForm(forms.Form):
    number = forms.CharField(label=_("Pass number"), max_length=200)
    gate = forms.CharField(label=_("Gate"), max_length=50)


class VoidForm(forms.Form):
    reason = forms.CharField(label=_("Reason for voiding"), max_length=200)


class TemporaryPassForm(forms.Form):
    project = forms.TypedChoiceField(label=_("Project"), coerce=int)
    household = forms.IntegerField(widget=forms.HiddenInput, required=False)
    holder_kind = forms.ChoiceField(label=_("For a"), choices=HolderKind.choices)
    holder_name = forms.CharField(label=_("Holder"), max_length=50)
    holder_phone = forms.CharField(label=_("Phone"), max_length=20, required=False)
    holder_id_number = forms.CharField(label=_("ID number"), max_length=30, required=False)
    company = forms.CharField(label=_("Company"), max_length=100, required=False)
    valid_from = forms.DateField(label=_("Valid from"), widget=DATE_WIDGET)
    valid_until = forms.DateField(label=_("Valid until"), widget=DATE_WIDGET)
    deposit = forms.DecimalField(
        label=_("Deposit (yuan)"), max_digits=10, decimal_places=2, min_value=0, required=False
    )
    fee = forms.DecimalField(
        label=_("Fee for the bill (yuan)"),
        max_digits=10,
        decimal_places=2,
        min_value=0,
        required=False,
    )
    note = forms.CharField(label=_("Note"), max_length=200, required=False)

    def __init__(self, *args: Any, projects: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["project"].choices = project_choices(projects)


class TemporaryPassCloseForm(forms.Form):
    action = forms.ChoiceField(choices=[("return", "return"), ("lose", "lose")])
    deposit_returned = forms.BooleanField(label=_("Deposit given back"), required=False)
    note = forms.CharField(label=_("Note"), max_length=200, required=False)


class CardWorkForm(forms.Form):
    card = forms.TypedChoiceField(label=_("Card"), coerce=int)
    kind = forms.ChoiceField(label=_("Work"), choices=CardWorkKind.choices)
    new_number = forms.CharField(
        label=_("New card number (replacement)"), max_length=30, required=False
    )
    fee = forms.DecimalField(
        label=_("Fee for the bill (yuan)"),
        max_digits=10,
        decimal_places=2,
        min_value=0,
        required=False,
    )
    note = forms.CharField(label=_("Note"), max_length=200, required=False)

    def __init__(self, *args: Any, cards: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["card"].choices = cards
