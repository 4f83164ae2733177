"""The cashier's forms: they draw widgets and check shapes; the services decide."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from .choices import PaymentMethod, UtilityKind


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


class AirconOvertimeForm(forms.Form):
    """Overtime air-conditioning of a household: a day, and from–to or the hours."""

    used_on = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}))
    starts_at = forms.TimeField(
        label=_("From"), required=False, widget=forms.TimeInput(attrs={"type": "time"})
    )
    ends_at = forms.TimeField(
        label=_("To"), required=False, widget=forms.TimeInput(attrs={"type": "time"})
    )
    hours = forms.CharField(
        label=_("Hours"),
        max_length=8,
        required=False,
        help_text=_("Only when no start and end are given."),
    )
    note = forms.CharField(label=_("Note"), max_length=200, required=False)


class UtilityCollectForm(forms.Form):
    """Money a resident hands the desk for a utility (代收代缴)."""

    utility = forms.ChoiceField(label=_("Utility"), choices=UtilityKind.choices)
    account_number = forms.CharField(label=_("Account number with the utility"), max_length=40)
    amount = forms.CharField(label=_("Amount (yuan)"), max_length=24)
    method = forms.ChoiceField(label=_("Method"), choices=PaymentMethod.choices)
    note = forms.CharField(label=_("Note"), max_length=200, required=False)
