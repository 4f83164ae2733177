"""Page forms of the key and file loans register. They only parse input; the services decide."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from tickets.forms import DATETIME_FORMATS, DATETIME_WIDGET

from ..choices.loans import DEFAULT_LOAN_HOURS
from . import project_choices


class LendForm(forms.Form):
    project = forms.TypedChoiceField(label=_("Project"), coerce=int)
    key = forms.TypedChoiceField(
        label=pgettext_lazy("key board", "Key"),
        coerce=int,
        required=False,
        empty_value=None,
        choices=[],
    )
    file = forms.CharField(
        label=_("or a household file"),
        max_length=48,
        required=False,
        help_text=_("The file number (20261122-003) or the unit (3-1502)."),
    )
    borrower = forms.TypedChoiceField(
        label=_("Borrower (staff)"), coerce=int, required=False, empty_value=None, choices=[]
    )
    borrower_name = forms.CharField(
        label=_("or an outside borrower's name"), max_length=50, required=False
    )
    borrower_company = forms.CharField(label=_("Company"), max_length=100, required=False)
    borrower_phone = forms.CharField(label=_("Phone"), max_length=20, required=False)
    purpose = forms.CharField(label=_("Purpose"), max_length=200)
    due_at = forms.DateTimeField(
        label=_("Due back at"),
        widget=DATETIME_WIDGET,
        input_formats=DATETIME_FORMATS,
        required=False,
        help_text=_("Empty: %(hours)d hours from now.") % {"hours": DEFAULT_LOAN_HOURS},
    )

    def __init__(
        self,
        *args: Any,
        projects: list[tuple[int, str]],
        keys: list[tuple[Any, str]],
        staff: list[Any],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["project"].choices = project_choices(projects)
        self.fields["key"].choices = [("", "—"), *keys]
        self.fields["borrower"].choices = [("", "—"), *staff]


class ReturnForm(forms.Form):
    returned_by_name = forms.CharField(
        label=_("Brought back by"),
        max_length=50,
        required=False,
        help_text=_("Empty: the borrower."),
    )
    note = forms.CharField(label=_("Note"), max_length=200, required=False)
