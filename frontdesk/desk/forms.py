"""Forms of the desk's pages. They only parse input; the services decide.

The duty-log form is built for a clerk on the phone: every field reachable
with Tab, the kind and the channel with their first letters, Enter records.
A household comes as a raw id (picked with the search box), never a <select>.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from tickets.choices import ComplaintCategory, ComplaintReason, Place, TicketKind
from tickets.forms import DATE_WIDGET, DATETIME_FORMATS, DATETIME_WIDGET, staff_choices

from .choices import Channel, EntryKind, ExchangeTime, IncidentStepKind, Post, ReferredTo


def _blank(choices: Any, label: Any = "—") -> list[tuple[str, Any]]:
    return [("", label), *list(choices)]


class EntryForm(forms.Form):
    project = forms.TypedChoiceField(label=_("Project"), coerce=int)
    household = forms.IntegerField(widget=forms.HiddenInput, required=False)
    place = forms.ChoiceField(label=_("or a public place"), choices=[], required=False)
    kind = forms.ChoiceField(label=_("Kind"), choices=EntryKind.choices)
    channel = forms.ChoiceField(label=_("Channel"), choices=Channel.choices)
    caller_name = forms.CharField(label=_("Caller"), max_length=50, required=False)
    caller_phone = forms.CharField(label=_("Caller's phone"), max_length=20, required=False)
    matter = forms.CharField(
        label=_("Matter"), widget=forms.Textarea(attrs={"rows": 2}), max_length=2000
    )
    answered_on_spot = forms.BooleanField(label=_("Answered on the spot"), required=False)
    assigned_to = forms.TypedChoiceField(
        label=_("Assigned to"), coerce=int, required=False, empty_value=None
    )
    promise = forms.CharField(label=_("Promised"), max_length=200, required=False)
    promise_due_at = forms.DateTimeField(
        label=_("By when"), widget=DATETIME_WIDGET, input_formats=DATETIME_FORMATS, required=False
    )
    promise_by = forms.TypedChoiceField(
        label=_("By whom"), coerce=int, required=False, empty_value=None
    )
    reason = forms.CharField(label=_("Why corrected"), max_length=200, required=False)
    ring = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(
        self, *args: Any, projects: list[tuple[int, str]], project_id: int, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["project"].choices = projects
        self.fields["place"].choices = _blank(Place.choices)
        staff = _blank(staff_choices(project_id))
        self.fields["assigned_to"].choices = staff
        self.fields["promise_by"].choices = staff


class NoteForm(forms.Form):
    note = forms.CharField(label=_("Note"), widget=forms.Textarea(attrs={"rows": 2}))


class SlipForm(forms.Form):
    reason = forms.CharField(
        label=_("Why the promise slipped"), widget=forms.Textarea(attrs={"rows": 2})
    )
    told = forms.CharField(
        label=_("What the resident was told"), widget=forms.Textarea(attrs={"rows": 2})
    )
    new_due_at = forms.DateTimeField(
        label=_("New promised time"),
        widget=DATETIME_WIDGET,
        input_formats=DATETIME_FORMATS,
        required=False,
    )


class OpenOrderForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind of order"), choices=TicketKind.choices)
    # A complaint's category and reason (the order's service asks for them).
    category = forms.ChoiceField(
        label=_("Complaint category"), choices=_blank(ComplaintCategory.choices), required=False
    )
    reason = forms.ChoiceField(
        label=_("Complaint reason"), choices=_blank(ComplaintReason.choices), required=False
    )

    def complaint(self) -> dict[str, str] | None:
        if self.cleaned_data["kind"] != TicketKind.COMPLAINT:
            return None
        return {"category": self.cleaned_data["category"], "reason": self.cleaned_data["reason"]}


class ShiftForm(forms.Form):
    clerk = forms.TypedChoiceField(label=_("Clerk"), coerce=int)
    starts_at = forms.DateTimeField(
        label=_("Starts at"), widget=DATETIME_WIDGET, input_formats=DATETIME_FORMATS
    )
    ends_at = forms.DateTimeField(
        label=_("Ends at"), widget=DATETIME_WIDGET, input_formats=DATETIME_FORMATS
    )

    def __init__(self, *args: Any, project_id: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["clerk"].choices = staff_choices(project_id)


class CloseShiftForm(forms.Form):
    notes = forms.CharField(
        label=_("Notes for the next shift"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
    )


class SignForm(forms.Form):
    comment = forms.CharField(
        label=_("Reviewer's comment"), widget=forms.Textarea(attrs={"rows": 3})
    )


class IncidentForm(forms.Form):
    project = forms.TypedChoiceField(label=_("Project"), coerce=int)
    what = forms.CharField(label=_("What happened"), max_length=200)
    where = forms.CharField(label=_("Where"), max_length=200)
    occurred_at = forms.DateTimeField(
        label=_("Occurred at"),
        widget=DATETIME_WIDGET,
        input_formats=DATETIME_FORMATS,
        required=False,
    )

    def __init__(self, *args: Any, projects: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["project"].choices = projects


class IncidentStepForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=IncidentStepKind.choices)
    who = forms.CharField(label=_("Who"), max_length=100, required=False)
    text = forms.CharField(
        label=_("What"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    at = forms.DateTimeField(
        label=_("Time"), widget=DATETIME_WIDGET, input_formats=DATETIME_FORMATS, required=False
    )


class OutcomeForm(forms.Form):
    outcome = forms.CharField(
        label=pgettext_lazy("incident", "Outcome"), widget=forms.Textarea(attrs={"rows": 2})
    )


class TrackingForm(forms.Form):
    project = forms.TypedChoiceField(label=_("Project"), coerce=int)
    matter = forms.CharField(label=_("Matter"), max_length=200)
    owner = forms.TypedChoiceField(label=pgettext_lazy("follow-up", "Owner"), coerce=int)
    next_check_on = forms.DateField(label=_("Next check on"), widget=DATE_WIDGET)
    referred_to = forms.ChoiceField(label=_("Referred to"), choices=[], required=False)

    def __init__(
        self, *args: Any, projects: list[tuple[int, str]], project_id: int, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["project"].choices = projects
        self.fields["owner"].choices = staff_choices(project_id)
        self.fields["referred_to"].choices = _blank(ReferredTo.choices)


class TrackingCheckForm(forms.Form):
    note = forms.CharField(label=_("Found"), widget=forms.Textarea(attrs={"rows": 2}))
    next_check_on = forms.DateField(label=_("Next check on"), widget=DATE_WIDGET, required=False)


class InstructionForm(forms.Form):
    instruction = forms.CharField(label=_("Instruction"), widget=forms.Textarea(attrs={"rows": 2}))


class ProblemForm(forms.Form):
    """A problem found in a review, put under follow-up with an owner."""

    matter = forms.CharField(label=_("Problem found"), max_length=200)
    owner = forms.TypedChoiceField(label=pgettext_lazy("follow-up", "Owner"), coerce=int)
    next_check_on = forms.DateField(label=_("Next check on"), widget=DATE_WIDGET)

    def __init__(self, *args: Any, project_id: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["owner"].choices = staff_choices(project_id)


class PostRecordForm(forms.Form):
    post = forms.ChoiceField(label=_("Post"), choices=Post.choices)
    day = forms.DateField(label=_("Day"), widget=DATE_WIDGET)
    text = forms.CharField(label=_("Record"), widget=forms.Textarea(attrs={"rows": 2}))


class ExchangeForm(forms.Form):
    when = forms.ChoiceField(label=_("When"), choices=ExchangeTime.choices)
    butler = forms.TypedChoiceField(label=_("Butler"), coerce=int)
    passed_on = forms.CharField(label=_("Passed on"), widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args: Any, project_id: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["butler"].choices = staff_choices(project_id)


class IncidentLinkForm(forms.Form):
    serial = forms.CharField(
        label=_("Work order number"),
        max_length=20,
        widget=forms.TextInput(attrs={"placeholder": "WX-2026-000123"}),
    )
