"""The desk's callback queue (回访): what is due, oldest first, and the quick outcome.

An order returned to the desk waits for its callback. A call that does not
reach the resident is recorded and the order comes back to the queue after
the project's retry interval, up to its number of attempts
(`ReportSettings`); after the last attempt it leaves the desk's list and
waits for the supervisor. "Not satisfied" reopens the matter (a linked rework
order, or a linked complaint about a complaint) and escalates it to the
supervisors at once.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import Count, OuterRef, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from frontdesk.core.deadlines import deadlines_for_subjects
from frontdesk.core.errors import ApplicationError
from frontdesk.core.masking import phone_for
from frontdesk.core.models import DeadlineState
from frontdesk.core.notifications import notify, users_with_role
from frontdesk.core.roles import Role

from . import selectors, services
from .choices import Dissatisfied, Satisfaction, TicketKind, TicketStatus
from .models import Callback, ReportSettings, Ticket

TOPIC_NOT_SATISFIED = "callback.not_satisfied"
TOPIC_UNREACHABLE = "callback.unreachable"


class Outcome:
    """The three quick outcomes of a callback."""

    SATISFIED = "satisfied"
    NOT_SATISFIED = "not_satisfied"
    UNREACHABLE = "unreachable"

    choices = [
        (SATISFIED, gettext_lazy("Reached and satisfied")),
        (NOT_SATISFIED, gettext_lazy("Reached and not satisfied")),
        (UNREACHABLE, gettext_lazy("Not reachable")),
    ]
    values = frozenset(code for code, _label in choices)


# --- Reads ------------------------------------------------------------------------------


def callback_queue(*, user: Any, project_id: int | None = None) -> QuerySet[Ticket]:
    """Orders waiting for their callback, oldest return first, each with its attempts so far
    (`failed_calls`) and the time of the last one (`last_call_at`), in one query.

    The attempts are subqueries, not a join grouped over every returned order: read in
    return order from the partial index tickets_callbacks_due, a page costs the same
    whatever the number of orders waiting or of callbacks ever made."""
    missed = Callback.objects.filter(ticket=OuterRef("pk"), reached=False).order_by()
    return selectors.callbacks_due(user=user, project_id=project_id).annotate(
        failed_calls=Coalesce(
            Subquery(missed.values("ticket").annotate(n=Count("id")).values("n")[:1]),
            Value(0),
        ),
        last_call_at=Subquery(missed.order_by("-at").values("at")[:1]),
    )


@dataclass
class QueueRow:
    """One order of the queue, with where it stands."""

    ticket: Ticket
    attempts: int
    max_attempts: int
    next_try_at: dt.datetime | None
    due_at: dt.datetime | None
    overdue: bool
    contact_name: str = ""
    contact_phone: str = ""

    @property
    def done_by(self) -> Any:
        """Who did the work: the worker (or butler) the order was given to."""
        return self.ticket.assignee

    @property
    def waiting(self) -> bool:
        """Not reached lately: the next try is later."""
        return self.next_try_at is not None and self.next_try_at > timezone.now()

    @property
    def given_up(self) -> bool:
        return self.attempts >= self.max_attempts


def _contacts(tickets: list[Ticket]) -> dict[int, tuple[str, str]]:
    """The person to call for each order: the household's main contact (one query for the
    page), or the reporter of a public-place order."""
    from residents.models import Person

    found: dict[int, tuple[str, str]] = {}
    for person in Person.objects.filter(
        household_id__in={t.household_id for t in tickets if t.household_id}, is_active=True
    ).order_by("household_id", "-is_primary", "id"):
        found.setdefault(person.household_id, (person.name, person.phone))
    return {
        t.pk: found.get(t.household_id, ("", ""))
        if t.household_id
        else (t.reporter_name, t.reporter_phone)
        for t in tickets
    }


def queue_rows(
    tickets: list[Ticket], *, now: dt.datetime | None = None, user: Any = None
) -> list[QueueRow]:
    """Rows for a page of the queue: one query for the callback deadlines, one for settings,
    and with a `user`, one for the people to call (phones masked as that user's role
    requires)."""
    now = now or timezone.now()
    contacts = _contacts(tickets) if user is not None else {}
    settings_by_project = {
        s.project_id: s
        for s in ReportSettings.objects.filter(project_id__in={t.project_id for t in tickets})
    }
    deadlines = deadlines_for_subjects(Ticket, [t.pk for t in tickets])
    rows = []
    for ticket in tickets:
        settings = settings_by_project.get(ticket.project_id) or ReportSettings(
            project_id=ticket.project_id
        )
        due = next(
            (
                d.due_at
                for d in deadlines.get(ticket.pk, [])
                if d.kind == "order.callback" and d.state == DeadlineState.OPEN
            ),
            None,
        )
        last = getattr(ticket, "last_call_at", None)
        attempts = getattr(ticket, "failed_calls", 0)
        next_try = (
            last + dt.timedelta(minutes=settings.callback_retry_minutes)
            if last is not None and attempts < settings.callback_attempts
            else None
        )
        rows.append(
            QueueRow(
                ticket=ticket,
                attempts=attempts,
                max_attempts=settings.callback_attempts,
                next_try_at=next_try,
                due_at=due,
                overdue=due is not None and due <= now,
                contact_name=contacts.get(ticket.pk, ("", ""))[0],
                contact_phone=phone_for(user, contacts[ticket.pk][1]) if contacts else "",
            )
        )
    return rows


# --- The quick outcome ------------------------------------------------------------------


def _default_follow_up(ticket: Ticket) -> str:
    return Dissatisfied.COMPLAINT if ticket.kind == TicketKind.COMPLAINT else Dissatisfied.REWORK


@transaction.atomic
def callback_outcome(
    *, ticket: Ticket, outcome: str, by: Any, comment: str = "", follow_up: str = ""
) -> Callback:
    """Record a callback from the queue in one step.

    - satisfied: the resident was reached and is satisfied;
    - not satisfied: the matter is reopened (a linked rework order, or a
      linked complaint; a complaint always gets a complaint) and every
      supervisor of the project is told at once;
    - not reachable: the call is recorded; after the project's last attempt
      the supervisors are told that the desk could not reach the resident.
    """
    if outcome not in Outcome.values:
        raise ApplicationError(fields={"outcome": [_("Choose the outcome of the call.")]})
    if outcome == Outcome.NOT_SATISFIED and not (comment or "").strip():
        raise ApplicationError(fields={"comment": [_("Write what the resident is unhappy with.")]})
    settings = ReportSettings.for_project(ticket.project_id)
    if outcome == Outcome.UNREACHABLE:
        tried = Callback.objects.filter(ticket=ticket, reached=False).count()
        if tried >= settings.callback_attempts:
            raise ApplicationError(
                _("The resident was already called %(n)d times without answer.") % {"n": tried}
            )
        callback = services.ticket_callback(ticket=ticket, by=by, reached=False, comment=comment)
        if tried + 1 >= settings.callback_attempts:
            _tell_supervisors(
                ticket,
                TOPIC_UNREACHABLE,
                _("Callback of %(serial)s: resident not reached after %(n)d calls")
                % {"serial": ticket.serial, "n": tried + 1},
                comment,
            )
        return callback
    if outcome == Outcome.SATISFIED:
        return services.ticket_callback(
            ticket=ticket,
            by=by,
            reached=True,
            satisfaction=Satisfaction.SATISFIED,
            comment=comment,
        )
    if ticket.kind == TicketKind.COMPLAINT or not follow_up:
        follow_up = _default_follow_up(ticket)
    callback = services.ticket_callback(
        ticket=ticket,
        by=by,
        reached=True,
        satisfaction=Satisfaction.NOT_SATISFIED,
        comment=comment,
        follow_up=follow_up,
    )
    reopened = callback.follow_up_ticket
    _tell_supervisors(
        ticket,
        TOPIC_NOT_SATISFIED,
        _("Not satisfied at callback: %(serial)s, reopened as %(new)s")
        % {"serial": ticket.serial, "new": reopened.serial if reopened else "—"},
        comment,
        url_ticket=reopened or ticket,
    )
    return callback


def _tell_supervisors(
    ticket: Ticket, topic: str, title: str, body: str, *, url_ticket: Ticket | None = None
) -> None:
    from django.urls import reverse

    url = reverse("tickets:detail", args=[(url_ticket or ticket).pk])
    for user in users_with_role(project=ticket.project_id, role=Role.SUPERVISOR):
        notify(
            user=user,
            topic=topic,
            title=title[:200],
            body=body or ticket.matter,
            url=url,
            project=ticket.project_id,
            named=True,
        )


def supervisors_told(reopened: Ticket) -> list[Any]:
    """The notices that told the supervisors of a matter reopened at callback (with their
    recipients), for the desk's confirmation of who was told and when."""
    from django.urls import reverse

    from frontdesk.core.models import Notification

    return list(
        Notification.objects.filter(
            topic=TOPIC_NOT_SATISFIED,
            project_id=reopened.project_id,
            url=reverse("tickets:detail", args=[reopened.pk]),
        )
        .select_related("user")
        .order_by("id")
    )


def overdue_callbacks(*, user: Any, now: dt.datetime | None = None) -> QuerySet[Ticket]:
    """For the supervisor: orders whose callback is past its due time, oldest first."""
    now = now or timezone.now()
    from django.contrib.contenttypes.models import ContentType

    from frontdesk.core.models import Deadline

    ids = Deadline.objects.filter(
        subject_type=ContentType.objects.get_for_model(Ticket, for_concrete_model=False),
        kind="order.callback",
        state=DeadlineState.OPEN,
        due_at__lte=now,
    ).values("subject_id")
    return callback_queue(user=user).filter(pk__in=ids, status=TicketStatus.RETURNED)
