"""Forms of the desk's work-order pages. They only parse input; services decide.

Households, orders and people are never offered as a <select> of a big
table: a household comes as a raw id from its file page, and the staff
pickers list only the members of the order's project (a few dozen people).
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from django import forms
from django.contrib.auth import get_user_model
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from frontdesk.core.roles import Role

from .choices import (
    ComplaintCategory,
    ComplaintReason,
    Department,
    Dissatisfied,
    Place,
    Priority,
    Rating,
    ReferredTo,
    Satisfaction,
    ScheduleType,
    Source,
    Temper,
    TicketKind,
)
from .transitions import DEPARTMENT_ROLE

DATETIME_WIDGET = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
DATETIME_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M:%S"]
DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _blank(choices: Any, label: Any = "—") -> list[tuple[str, Any]]:
    return [("", label), *list(choices)]


def staff_choices(
    project_id: int,
    limit: int = 300,
    *,
    department: str = "",
    complaint_butler: int | None = None,
) -> list[Any]:
    """The project's active staff as (id, "name · role") pairs, in one query.

    With a department (or for a complaint, the building's butler), the list is grouped:
    the people whose role does that department's work first (the building's butler at the
    head of a complaint's list), then everyone else of the project.
    """
    user_model = get_user_model()
    labels = dict(Role.choices)
    people = (
        user_model.objects.filter(memberships__project_id=project_id, is_active=True)
        .prefetch_related("groups")
        .order_by("first_name", "username")[:limit]
    )
    first_role = Role.BUTLER if complaint_butler is not None else DEPARTMENT_ROLE.get(department)
    first: list[tuple[int, str]] = []
    rest: list[tuple[int, str]] = []
    for person in people:
        names = [g.name for g in person.groups.all()]
        roles = " / ".join(str(labels.get(n, n)) for n in names)
        name = person.get_full_name() or person.username
        choice = (person.pk, f"{name} · {roles}" if roles else name)
        if person.pk == complaint_butler:
            first.insert(0, choice)
        elif first_role and first_role in names:
            first.append(choice)
        else:
            rest.append(choice)
    if not first_role:
        return rest
    heading = (
        _("The building's butler first")
        if complaint_butler is not None
        else Department(department).label
    )
    return [(heading, first), (_("Other staff"), rest)]


class ProjectOptionSelect(forms.Select):
    """A select whose options say their project (data-project), so the page's script can
    offer only the options of the project chosen in the field named by data-project-field."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.option_projects: dict[str, int] = {}

    def create_option(self, name: str, value: Any, *args: Any, **kwargs: Any) -> dict[str, Any]:
        option = super().create_option(name, value, *args, **kwargs)
        project = self.option_projects.get(str(value))
        if project is not None:
            option["attrs"]["data-project"] = str(project)
        return option


def commitment_presets(project_id: int, now: dt.datetime | None = None) -> list[dict[str, Any]]:
    """The quick choices beside a commitment's time: +30 minutes, +2 hours (counted in the
    browser from the page's time), the end of today's working day and tomorrow morning (by
    the project's working calendar)."""
    from frontdesk.core.calendar import calendar_for

    now = timezone.localtime(now or timezone.now())
    calendar = calendar_for(project_id)
    tomorrow = timezone.make_aware(
        dt.datetime.combine(now.date() + dt.timedelta(days=1), dt.time(10))
    )
    fmt = "%Y-%m-%dT%H:%M"
    return [
        {"label": str(_("+30 minutes")), "minutes": 30},
        {"label": str(_("+2 hours")), "minutes": 120},
        {
            "label": str(_("Before the end of today's work")),
            "at": timezone.localtime(calendar.end_of_working_day(now)).strftime(fmt),
        },
        {
            "label": str(_("Tomorrow morning")),
            "at": timezone.localtime(calendar.next_working_moment(tomorrow)).strftime(fmt),
        },
    ]


class StaffField(forms.TypedChoiceField):
    """A staff member of the order's project, picked from a short list; gives the user id."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("coerce", int)
        kwargs.setdefault("empty_value", None)
        super().__init__(*args, **kwargs)


# --- Registration --------------------------------------------------------------------


class RegisterForm(forms.Form):
    """Register an order from a household file (household id given) or about a public place."""

    kind = forms.ChoiceField(label=_("Kind"), choices=TicketKind.choices, initial=TicketKind.REPAIR)
    source = forms.ChoiceField(label=_("Source"), choices=Source.choices, initial=Source.PHONE)
    household = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=1)
    project = forms.TypedChoiceField(label=_("Project"), coerce=int, required=False)
    place = forms.ChoiceField(
        label=_("Public place"), choices=_blank(Place.choices), required=False
    )
    building = forms.TypedChoiceField(
        label=_("Building"),
        coerce=int,
        empty_value=None,
        required=False,
        widget=ProjectOptionSelect(attrs={"data-project-field": "id_project"}),
    )
    location = forms.CharField(label=_("Where exactly"), max_length=200, required=False)
    reporter_name = forms.CharField(label=_("Reported by"), max_length=50, required=False)
    reporter_phone = forms.CharField(label=_("Phone"), max_length=20, required=False)
    matter = forms.CharField(
        label=_("Matter"),
        max_length=200,
        widget=forms.TextInput(attrs={"autofocus": True, "autocomplete": "off"}),
    )
    description = forms.CharField(
        label=_("Details"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    priority = forms.ChoiceField(
        label=_("Priority"), choices=Priority.choices, initial=Priority.NORMAL
    )
    appointment_at = forms.DateTimeField(
        label=_("Appointment"),
        required=False,
        widget=DATETIME_WIDGET,
        input_formats=DATETIME_FORMATS,
    )
    address_confirmed = forms.BooleanField(label=_("Address confirmed"), required=False)
    time_confirmed = forms.BooleanField(label=_("Time confirmed with the customer"), required=False)
    department = forms.ChoiceField(
        label=_("Department"),
        choices=_blank(Department.choices, _("Default for the kind")),
        required=False,
    )
    paid = forms.TypedChoiceField(
        label=_("Fee"),
        choices=[("", _("Default for the kind")), ("0", _("Free")), ("1", _("Paid service"))],
        coerce=lambda v: v == "1",
        empty_value=None,
        required=False,
    )
    is_hourly = forms.BooleanField(label=_("Hourly cleaning"), required=False)
    fee_quote = forms.DecimalField(
        label=_("Fee quoted"), required=False, min_value=0, max_digits=10, decimal_places=2
    )
    category = forms.ChoiceField(
        label=_("Complaint category"), choices=_blank(ComplaintCategory.choices), required=False
    )
    reason = forms.ChoiceField(
        label=_("Reason"), choices=_blank(ComplaintReason.choices), required=False
    )
    temper = forms.ChoiceField(
        label=_("Temper"), choices=Temper.choices, initial=Temper.RATIONAL, required=False
    )
    resident_wants = forms.CharField(
        label=_("What the resident wants"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(
        self,
        *args: Any,
        projects: list[tuple[int, str]],
        buildings: list[tuple[int, str]],
        building_projects: dict[int, int] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["project"].choices = projects
        self.fields["building"].choices = _blank(buildings)
        self.fields["building"].widget.option_projects = {
            str(k): v for k, v in (building_projects or {}).items()
        }
        # What the order's kind and subject make required is marked and checked here, so
        # the page marks it and shows every missing field at once (not one per submit).
        kind = self.data.get("kind") if self.is_bound else self.initial.get("kind")
        household = self.data.get("household") if self.is_bound else self.initial.get("household")
        if kind == TicketKind.COMPLAINT:
            self.fields["category"].required = True
            self.fields["reason"].required = True
        if not household:
            self.fields["place"].required = True
            self.fields["reporter_name"].required = True
            if len(projects) > 1:
                # The public place's project is chosen, never the first one by default.
                self.fields["project"].required = True
                self.fields["project"].choices = _blank(projects, _("Choose the project"))

    def complaint(self) -> dict[str, str] | None:
        data = self.cleaned_data
        if data["kind"] != TicketKind.COMPLAINT:
            return None
        return {
            "category": data.get("category") or "",
            "reason": data.get("reason") or "",
            "temper": data.get("temper") or Temper.RATIONAL,
            "resident_wants": data.get("resident_wants") or "",
        }


# --- Actions on an order ---------------------------------------------------------------
# One small form per action of `tickets.transitions.TRANSITIONS` that needs input.


class NoteForm(forms.Form):
    note = forms.CharField(label=_("Note"), max_length=500, required=False)


class QuoteForm(NoteForm):
    fee_quote = forms.DecimalField(
        label=_("Fee quoted"), required=False, min_value=0, max_digits=10, decimal_places=2
    )


class PriceForm(NoteForm):
    price = forms.DecimalField(
        label=_("Price agreed on site"), min_value=0, max_digits=10, decimal_places=2
    )
    lead = StaffField(label=_("Area lead"))


class ConfirmTimeForm(NoteForm):
    appointment_at = forms.DateTimeField(
        label=_("Service time"), widget=DATETIME_WIDGET, input_formats=DATETIME_FORMATS
    )


class CommitForm(NoteForm):
    what = forms.CharField(label=_("What will be done"), max_length=200)
    by_when = forms.DateTimeField(
        label=_("By when"), widget=DATETIME_WIDGET, input_formats=DATETIME_FORMATS
    )
    by_whom_user = StaffField(label=_("By whom"), required=False)
    by_whom = forms.CharField(
        label=_("Or by whom (name)"),
        max_length=100,
        required=False,
        help_text=_("Someone outside the staff list: a contractor, another department."),
    )


class DispatchForm(NoteForm):
    department = forms.ChoiceField(
        label=_("Department"), choices=_blank(Department.choices), required=False
    )
    assignee = StaffField(label=_("Worker (or butler)"), required=False)


class TransferForm(forms.Form):
    department = forms.ChoiceField(
        label=_("Department"), choices=_blank(Department.choices), required=False
    )
    assignee = StaffField(label=_("Worker"), required=False)
    reason = forms.CharField(label=_("Reason"), max_length=200)


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=200)


class CompleteForm(forms.Form):
    result = forms.CharField(
        label=_("What was done"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    fee_charged = forms.DecimalField(
        label=_("Fee charged"), required=False, min_value=0, max_digits=10, decimal_places=2
    )
    material_cost = forms.DecimalField(
        label=_("Material cost"), required=False, min_value=0, max_digits=10, decimal_places=2
    )


class ReturnForm(NoteForm):
    late_reason = forms.CharField(
        label=_("Why it is late (if it is)"), max_length=200, required=False
    )


class CallbackForm(forms.Form):
    reached = forms.TypedChoiceField(
        label=_("Resident reached"),
        choices=[("1", _("Yes")), ("0", _("No answer"))],
        coerce=lambda v: v == "1",
        initial="1",
        widget=forms.RadioSelect,
    )
    satisfaction = forms.ChoiceField(
        label=_("Satisfaction"), choices=_blank(Satisfaction.choices), required=False
    )
    attitude = forms.ChoiceField(
        label=_("Worker's attitude"), choices=_blank(Rating.choices), required=False
    )
    quality = forms.ChoiceField(
        label=_("Quality of the work"), choices=_blank(Rating.choices), required=False
    )
    improper_charge = forms.BooleanField(label=_("Improper charge by the worker"), required=False)
    improper_charge_note = forms.CharField(
        label=_("What was charged"), max_length=200, required=False
    )
    comment = forms.CharField(
        label=_("Comment"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    follow_up = forms.ChoiceField(
        label=_("When not satisfied"), choices=Dissatisfied.choices, required=False
    )


class ReworkForm(forms.Form):
    matter = forms.CharField(label=_("What must be redone"), max_length=200, required=False)


class PromiseSlipForm(forms.Form):
    reason = forms.CharField(label=_("Why the promise slipped"), max_length=500)
    remedy = forms.CharField(label=_("Remedy told to the resident"), max_length=500)


class WarrantyPassForm(forms.Form):
    contractor = forms.CharField(label=_("Developer or contractor"), max_length=100)
    contractor_contact = forms.CharField(label=_("Their contact"), max_length=100, required=False)
    liaison = StaffField(label=_("Liaison"))


class WarrantyReportForm(forms.Form):
    date = forms.DateField(label=_("Day"), required=False, widget=DATE_WIDGET)
    progress = forms.CharField(label=_("Progress"), widget=forms.Textarea(attrs={"rows": 2}))


class FindingsForm(forms.Form):
    findings = forms.CharField(label=_("Findings"), widget=forms.Textarea(attrs={"rows": 2}))


class ButlerReplyForm(forms.Form):
    reply = forms.CharField(label=_("Butler's reply"), widget=forms.Textarea(attrs={"rows": 2}))


class ReferForm(forms.Form):
    referred_to = forms.ChoiceField(label=_("Refer to"), choices=ReferredTo.choices)
    note = forms.CharField(label=_("Why"), widget=forms.Textarea(attrs={"rows": 2}))


class DecideForm(forms.Form):
    decision = forms.CharField(label=_("Decision"), widget=forms.Textarea(attrs={"rows": 2}))
    close_tracking = forms.BooleanField(label=_("Close tracking"), required=False)


class AnswerForm(forms.Form):
    answer = forms.CharField(
        label=_("Answer to the resident"), widget=forms.Textarea(attrs={"rows": 2})
    )


class MarkValidForm(forms.Form):
    valid = forms.TypedChoiceField(
        label=_("Valid complaint"),
        choices=[("1", _("Valid")), ("0", _("Not valid"))],
        coerce=lambda v: v == "1",
        widget=forms.RadioSelect,
    )
    cause = forms.CharField(label=_("Cause"), required=False)
    lesson = forms.CharField(label=_("Lesson"), required=False)
    change = forms.CharField(label=_("What changes"), required=False)


ACTION_FORMS: dict[str, type[forms.Form]] = {
    "acknowledge_quote": QuoteForm,
    "price": PriceForm,
    "confirm_time": ConfirmTimeForm,
    "commit": CommitForm,
    "dispatch": DispatchForm,
    "accept": NoteForm,
    "arrive": NoteForm,
    "pause": ReasonForm,
    "resume": NoteForm,
    "transfer": TransferForm,
    "follow_up": NoteForm,
    "complete": CompleteForm,
    "return": ReturnForm,
    "callback": CallbackForm,
    "close": NoteForm,
    "rework": ReworkForm,
    "void": ReasonForm,
    "force_close": ReasonForm,
    "promise_slip": PromiseSlipForm,
    "warranty_pass": WarrantyPassForm,
    "warranty_report": WarrantyReportForm,
    "investigate": FindingsForm,
    "butler_reply": ButlerReplyForm,
    "refer": ReferForm,
    "decide": DecideForm,
    "answer": AnswerForm,
    "sign_off": NoteForm,
    "confirm": NoteForm,
    "mark_valid": MarkValidForm,
}

# Actions whose form is only a note: drawn as one button.
BUTTON_ONLY = frozenset(a for a, f in ACTION_FORMS.items() if f is NoteForm)


def action_form(
    action: str, *, staff: list[tuple[int, str]], data: Any = None, ticket: Any = None
) -> forms.Form:
    """The form of an action, its staff pickers filled with the project's people."""
    form = ACTION_FORMS[action](data, prefix=action)
    for field in form.fields.values():
        if isinstance(field, StaffField):
            field.choices = _blank(staff)
    if ticket is not None and action == "dispatch" and not data:
        form.initial["department"] = ticket.department
    if ticket is not None and action == "confirm_time" and not data and ticket.appointment_at:
        form.initial["appointment_at"] = timezone.localtime(ticket.appointment_at)
    if ticket is not None and action == "commit" and not data:
        form.initial["what"] = ticket.matter
        form.fields["by_when"].widget.attrs.update(
            {
                "data-presets": json.dumps(commitment_presets(ticket.project_id)),
                "data-now": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
            }
        )
    if ticket is not None and action == "acknowledge_quote" and not data:
        form.initial["fee_quote"] = ticket.fee_quote
    return form


# --- Resident's rating, liaison forms, contracts, registers ---------------------------------


class ResidentRatingForm(forms.Form):
    satisfaction = forms.ChoiceField(
        label=_("How satisfied are you?"), choices=Satisfaction.choices, widget=forms.RadioSelect
    )
    comment = forms.CharField(
        label=_("Anything to tell us"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class LiaisonCreateForm(forms.Form):
    project = forms.TypedChoiceField(label=_("Project"), coerce=int)
    from_department = forms.ChoiceField(
        label=_("From"), choices=Department.choices, initial=Department.CUSTOMER_SERVICE
    )
    to_department = forms.ChoiceField(label=_("To"), choices=Department.choices)
    matter = forms.CharField(label=_("Matter"), widget=forms.Textarea(attrs={"rows": 3}))
    ticket = forms.IntegerField(
        label=_("Work order (id)"), required=False, min_value=1, widget=forms.HiddenInput
    )

    def __init__(self, *args: Any, projects: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["project"].choices = projects


class LiaisonReplyForm(forms.Form):
    reply = forms.CharField(label=_("Reply"), widget=forms.Textarea(attrs={"rows": 3}))


class ContractCreateForm(forms.Form):
    household = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    kind = forms.ChoiceField(
        label=_("Service"),
        choices=[
            (TicketKind.HOUSEKEEPING.value, TicketKind.HOUSEKEEPING.label),
            (TicketKind.GREENING.value, TicketKind.GREENING.label),
        ],
    )
    service = forms.CharField(label=_("What is done"), max_length=200)
    schedule_type = forms.ChoiceField(label=_("Schedule"), choices=ScheduleType.choices)
    schedule_days = forms.CharField(
        label=_("Days"), help_text=_("Numbers separated by commas: weekdays 1–7 or days 1–31.")
    )
    visit_time = forms.TimeField(
        label=_("Usual time"), required=False, widget=forms.TimeInput(attrs={"type": "time"})
    )
    price = forms.DecimalField(
        label=_("Monthly price"), min_value=0, max_digits=10, decimal_places=2
    )
    starts_on = forms.DateField(label=_("Starts on"), widget=DATE_WIDGET)
    ends_on = forms.DateField(label=_("Ends on"), required=False, widget=DATE_WIDGET)

    def clean_schedule_days(self) -> list[int]:
        raw = self.cleaned_data["schedule_days"].replace("，", ",").replace(" ", ",")
        try:
            return [int(part) for part in raw.split(",") if part.strip()]
        except ValueError:
            raise forms.ValidationError(_("List the days as numbers.")) from None


class OpenVisitForm(forms.Form):
    date = forms.DateField(widget=forms.HiddenInput)
    appointment_at = forms.DateTimeField(
        label=_("Time confirmed with the customer"),
        widget=DATETIME_WIDGET,
        input_formats=DATETIME_FORMATS,
    )


class MonthForm(forms.Form):
    month = forms.DateField(
        label=_("Month"),
        input_formats=["%Y-%m"],
        required=False,
        widget=forms.DateInput(attrs={"type": "month"}, format="%Y-%m"),
    )
    project = forms.TypedChoiceField(label=_("Project"), coerce=int, required=False)
    paid = forms.BooleanField(label=_("Paid services only"), required=False)

    def __init__(self, *args: Any, projects: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # A user of several projects picks one: the list does not preselect the first.
        self.fields["project"].choices = (
            _blank(projects, _("Choose the project")) if len(projects) > 1 else projects
        )

    def clean_month(self) -> dt.date | None:
        month: dt.date | None = self.cleaned_data.get("month")
        if month is not None and not 2000 <= month.year <= 2999:
            raise forms.ValidationError(_("Enter a date between 2000 and 2999."))
        return month

    def month_start(self) -> dt.date:
        value = self.cleaned_data.get("month") if self.is_valid() else None
        return (value or timezone.localdate()).replace(day=1)
