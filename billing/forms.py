"""The cashier's forms: they draw widgets and check shapes; the services decide."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from .choices import PaymentMethod


class PaymentForm(forms.Form):
    """Take a payment for some of a household's open bills (all of them when none is ticked)."""

    bills = forms.MultipleChoiceField(
        label=_("Bills to settle"), required=False, widget=forms.CheckboxSelectMultiple
    )
    amount = forms.CharField(label=_("Amount (yuan)"), max_length=24)
    method = forms.ChoiceField(label=_("Method"), choices=PaymentMethod.choices)
    after_hours = forms.BooleanField(label=_("Taken after hours"), required=False)
    reference = forms.CharField(label=_("Transaction reference"), max_length=64, required=False)
    note = forms.CharField(label=_("Note"), max_length=200, required=False)

    def __init__(self, *args: Any, bill_choices: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["bills"].choices = bill_choices
