"""The desk's lists of what is due: callbacks, contract visits to confirm, free orders not
back at the end of the day, and the weekly lists of the manager and the supervisor.

Thin views over `tickets.callbacks` and `tickets.jobs`: parse, call, render.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from frontdesk.core.errors import ApplicationError
from frontdesk.core.notifications import told_text
from frontdesk.core.roles import Role, has_role
from frontdesk.core.scoping import scope

from .. import callbacks, jobs, services
from ..choices import Dissatisfied
from ..filtersets import TicketFilterSet
from ..models import ContractVisit, Ticket

# A page of the queue: the oldest returns, what the desk works through before the page is
# reloaded ("+" says there are more). Rendered with a form per row, so kept to a screenful.
QUEUE_LIMIT = 50
LIST_LIMIT = 200


class OutcomeForm(forms.Form):
    outcome = forms.ChoiceField(label=gettext_lazy("Outcome"), choices=callbacks.Outcome.choices)
    comment = forms.CharField(label=gettext_lazy("Comment"), required=False, max_length=500)
    follow_up = forms.ChoiceField(
        label=gettext_lazy("When not satisfied"),
        choices=[c for c in Dissatisfied.choices if c[0]],
        required=False,
    )


class VisitOpenForm(forms.Form):
    visit = forms.IntegerField(min_value=1, widget=forms.HiddenInput)
    appointment_at = forms.DateTimeField(
        label=gettext_lazy("Time confirmed with the customer"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
    )


class LateReasonForm(forms.Form):
    reason = forms.CharField(label=gettext_lazy("Why it is not back"), max_length=200)


def _messages(request: HttpRequest, error: ApplicationError) -> None:
    for field, texts in error.fields.items():
        for text in texts:
            messages.error(request, text if field == "non_field_errors" else f"{text}")


def _form_errors(request: HttpRequest, form: forms.Form) -> None:
    for name, errors in form.errors.items():
        label = form.fields[name].label if name in form.fields else ""
        for error in errors:
            messages.error(request, f"{label}: {error}" if label else str(error))


# --- Callbacks ----------------------------------------------------------------------------


@login_required
def callback_queue(request: HttpRequest) -> HttpResponse:
    """Callbacks due, oldest return first, with the quick outcome on each row; the
    supervisor also sees the callbacks past their due time."""
    base = callbacks.callback_queue(user=request.user)
    filterset = TicketFilterSet(request.GET, queryset=base, request=request)
    tickets: list[Ticket] = []
    if filterset.is_valid():
        tickets = list(filterset.qs.order_by("returned_at", "id")[: QUEUE_LIMIT + 1])
    more = len(tickets) > QUEUE_LIMIT
    rows = callbacks.queue_rows(tickets[:QUEUE_LIMIT], user=request.user)
    supervising = has_role(request.user, Role.SUPERVISOR, Role.MANAGER)
    overdue = [r for r in rows if r.overdue]
    return render(
        request,
        "tickets/callbacks/queue.html",
        {
            "filterset": filterset,
            "due": [r for r in rows if not r.given_up and not r.waiting],
            "waiting": [r for r in rows if not r.given_up and r.waiting],
            "given_up": [r for r in rows if r.given_up],
            "overdue": overdue if supervising else [],
            "supervising": supervising,
            "more": more,
            # Labels translated once per page, not once per row.
            "outcomes": [(value, str(label)) for value, label in callbacks.Outcome.choices],
            "follow_ups": [(value, str(label)) for value, label in Dissatisfied.choices if value],
        },
    )


@login_required
@require_POST
def callback_outcome(request: HttpRequest, pk: int) -> HttpResponse:
    """Record a callback's outcome from the queue and come back to the queue."""
    ticket = scope(Ticket.objects.all(), request.user).filter(pk=pk).first()
    if ticket is None:
        raise Http404(_("No such work order."))
    form = OutcomeForm(request.POST)
    if not form.is_valid():
        _form_errors(request, form)
        return redirect("tickets:callbacks")
    data = form.cleaned_data
    try:
        callback = callbacks.callback_outcome(
            ticket=ticket,
            outcome=data["outcome"],
            by=request.user,
            comment=data["comment"],
            follow_up=data["follow_up"],
        )
    except ApplicationError as error:
        _messages(request, error)
    else:
        if callback.follow_up_ticket_id:
            # Say exactly who was told, and when: after hours the notice waits for the morning.
            told = told_text(callbacks.supervisors_told(callback.follow_up_ticket))
            messages.warning(
                request,
                _("%(serial)s reopened as %(new)s; supervisors told: %(told)s.")
                % {
                    "serial": ticket.serial,
                    "new": callback.follow_up_ticket.serial,
                    "told": told or _("nobody (the project has no supervisor)"),
                },
            )
        else:
            messages.success(
                request, _("Callback of %(serial)s recorded.") % {"serial": ticket.serial}
            )
    return redirect("tickets:callbacks")


# --- Contract visits to confirm -------------------------------------------------------------


@login_required
def visits_due(request: HttpRequest) -> HttpResponse:
    """The contract visits listed by the daily job; the desk confirms the time with the
    customer and opens the visit's order in one step."""
    if request.method == "POST":
        form = VisitOpenForm(request.POST)
        if form.is_valid():
            visit = (
                scope(ContractVisit.objects.all(), request.user, "contract__project")
                .select_related("contract__household__project")
                .filter(pk=form.cleaned_data["visit"])
                .first()
            )
            if visit is None:
                raise Http404(_("No such visit."))
            try:
                ticket = services.contract_open_visit(
                    contract=visit.contract,
                    date=visit.date,
                    appointment_at=form.cleaned_data["appointment_at"],
                    by=request.user,
                )
            except ApplicationError as error:
                _messages(request, error)
            else:
                messages.success(request, _("Opened %(serial)s.") % {"serial": ticket.serial})
        else:
            _form_errors(request, form)
        return redirect("tickets:visits")
    visits = list(jobs.visits_to_confirm(user=request.user)[:LIST_LIMIT])
    for visit in visits:
        time = visit.contract.visit_time or dt.time(9, 0)
        visit.default_at = dt.datetime.combine(visit.date, time).strftime("%Y-%m-%dT%H:%M")
    return render(
        request,
        "tickets/callbacks/visits.html",
        {"visits": visits, "today": timezone.localdate()},
    )


# --- End of day: free orders not back ---------------------------------------------------------


@login_required
def unreturned(request: HttpRequest) -> HttpResponse:
    """Free orders not back at the desk by the end of their day, with their reasons asked."""
    if request.method == "POST":
        ticket = (
            scope(Ticket.objects.all(), request.user)
            .filter(pk=_int(request.POST.get("ticket")))
            .first()
        )
        if ticket is None:
            raise Http404(_("No such work order."))
        form = LateReasonForm(request.POST)
        if form.is_valid():
            try:
                jobs.ticket_late_reason(
                    ticket=ticket, reason=form.cleaned_data["reason"], by=request.user
                )
            except ApplicationError as error:
                _messages(request, error)
            else:
                messages.success(request, _("Reason recorded for %(serial)s.") % {"serial": ticket})
        else:
            _form_errors(request, form)
        return redirect("tickets:unreturned")
    today = timezone.localdate()
    rows = list(jobs.unreturned_free_orders(user=request.user, day=today)[:LIST_LIMIT])
    return render(
        request,
        "tickets/callbacks/unreturned.html",
        {"rows": rows, "today": today, "now": timezone.now()},
    )


def _int(value: Any) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return 0


# --- Weekly ------------------------------------------------------------------------------------


@login_required
def weekly(request: HttpRequest) -> HttpResponse:
    """The week's lists: unfinished matters (for the manager) and complaints open for over a
    week (for the supervisor)."""
    now = timezone.now()
    unfinished = list(jobs.unfinished_matters(user=request.user)[:LIST_LIMIT])
    old = list(jobs.complaints_open_over_a_week(user=request.user, now=now)[:LIST_LIMIT])
    return render(
        request,
        "tickets/callbacks/weekly.html",
        {
            "unfinished": unfinished,
            "old_complaints": old,
            "week": jobs.week_key(timezone.localdate()),
            "now": now,
            "limit": LIST_LIMIT,
        },
    )
