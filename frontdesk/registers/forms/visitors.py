"""Page forms of visitors and of messages and items left. They only parse; services decide.

A household comes as a raw id, picked with the duty log's search box, never a <select>.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from tickets.forms import DATE_WIDGET

from ..choices.visitors import MessageKind, TellHow, VisitorPost
from ..signatures import SignatureFormField
from . import project_choices

TIME_WIDGET = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")


class VisitorForm(forms.Form):
    project = forms.TypedChoiceField(label=_("Project"), coerce=int)
    household = forms.IntegerField(widget=forms.HiddenInput, required=False)
    name = forms.CharField(label=_("Visitor"), max_length=50)
    phone = forms.CharField(label=_("Phone"), max_length=20, required=False)
    id_number = forms.CharField(label=_("ID number"), max_length=30, required=False)
    people = forms.IntegerField(label=_("Number of people"), min_value=1, max_value=50, initial=1)
    purpose = forms.CharField(label=_("Purpose"), max_length=200)
    plate = forms.CharField(label=_("Vehicle plate"), max_length=16, required=False)
    post = forms.ChoiceField(label=_("Registered at"), choices=VisitorPost.choices)
    expected_on = forms.DateField(
        label=_("Expected on"),
        widget=DATE_WIDGET,
        required=False,
        help_text=_("Only for a visitor the resident announces; leave empty when they are here."),
    )
    expected_at = forms.TimeField(label=_("Expected at"), widget=TIME_WIDGET, required=False)
    confirmed_by_phone = forms.BooleanField(label=_("Household confirmed by phone"), required=False)
    confirmed_with = forms.CharField(label=_("Who answered"), max_length=50, required=False)

    def __init__(self, *args: Any, projects: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["project"].choices = project_choices(projects)


class ArriveForm(forms.Form):
    confirmed_by_phone = forms.BooleanField(label=_("Household confirmed by phone"), required=False)
    confirmed_with = forms.CharField(label=_("Who answered"), max_length=50, required=False)


class MessageForm(forms.Form):
    project = forms.TypedChoiceField(label=_("Project"), coerce=int)
    household = forms.IntegerField(widget=forms.HiddenInput, required=False)
    kind = forms.ChoiceField(label=_("Kind"), choices=MessageKind.choices)
    left_by = forms.CharField(label=_("Left by"), max_length=50)
    left_by_phone = forms.CharField(label=_("Their phone"), max_length=20, required=False)
    content = forms.CharField(
        label=_("Message or item"), widget=forms.Textarea(attrs={"rows": 2}), max_length=2000
    )

    def __init__(self, *args: Any, projects: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["project"].choices = project_choices(projects)


class MessageTellForm(forms.Form):
    how = forms.ChoiceField(label=_("Told how"), choices=TellHow.choices)
    whom = forms.CharField(label=_("Who was told"), max_length=50)


class MessageCollectForm(forms.Form):
    collector_name = forms.CharField(label=_("Collected by"), max_length=50)
    signature = SignatureFormField(required=False)
    signed_on_paper = forms.BooleanField(label=_("Signed on paper"), required=False)
