"""Page forms of the incoming documents' register. They parse; the services decide."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from tickets.choices import Department
from tickets.forms import DATE_WIDGET, DATETIME_FORMATS, DATETIME_WIDGET

from ..choices.documents import Urgency
from . import project_choices


class DocumentForm(forms.Form):
    project = forms.TypedChoiceField(label=_("Project"), coerce=int)
    sender = forms.CharField(label=_("Sender"), max_length=100)
    title = forms.CharField(label=_("Title"), max_length=200)
    reference = forms.CharField(label=_("Document number"), max_length=50, required=False)
    pages = forms.IntegerField(label=_("Pages"), min_value=1, max_value=9999, initial=1)
    copies = forms.IntegerField(label=_("Copies"), min_value=1, max_value=9999, initial=1)
    urgency = forms.ChoiceField(label=_("Urgency"), choices=Urgency.choices)
    received_at = forms.DateTimeField(
        label=_("Received at"),
        widget=DATETIME_WIDGET,
        input_formats=DATETIME_FORMATS,
        required=False,
    )
    scan = forms.FileField(label=_("Scan (optional)"), required=False)

    def __init__(self, *args: Any, projects: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["project"].choices = project_choices(projects)


class CorrectForm(DocumentForm):
    reason = forms.CharField(label=_("Why corrected"), max_length=200)


class InstructForm(forms.Form):
    instruction = forms.CharField(
        label=_("Instruction"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000
    )
    departments = forms.MultipleChoiceField(
        label=_("Distribute to"),
        choices=Department.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )


class AcknowledgeForm(forms.Form):
    department = forms.ChoiceField(label=_("Department"), choices=Department.choices)
    signer = forms.CharField(
        label=_("Signed by (on paper)"),
        max_length=50,
        required=False,
        help_text=_("Needed when you record it on the department's behalf."),
    )


class VoidForm(forms.Form):
    reason = forms.CharField(label=_("Why voided"), max_length=200)


class PeriodForm(forms.Form):
    project = forms.TypedChoiceField(label=_("Project"), coerce=int)
    start = forms.DateField(label=_("First day"), widget=DATE_WIDGET)
    end = forms.DateField(label=_("Last day"), widget=DATE_WIDGET)

    def __init__(self, *args: Any, projects: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["project"].choices = project_choices(projects)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("start"), data.get("end")
        if start and end and end < start:
            self.add_error("end", _("The period ends before it starts."))
        elif start and end and (end - start).days > 366:
            self.add_error("end", _("Print at most a year at a time."))
        return data
