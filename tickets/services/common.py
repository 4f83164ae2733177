"""Shared pieces of the work-order services: input checks, the promises (deadlines),
the locked transition, the timeline and the serial numbers."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from sequences import get_next_value

from frontdesk.core import deadlines as promises
from frontdesk.core.calendar import WorkingCalendar, calendar_for
from frontdesk.core.errors import ApplicationError
from frontdesk.core.models import DeadlineState, Membership
from frontdesk.core.notifications import notify, users_with_role

from ..choices import (
    SERIAL_PREFIX,
    Priority,
    TicketStatus,
)
from ..models import (
    Ticket,
    TicketEvent,
)
from ..transitions import PREVIOUS, check

# --- Helpers -------------------------------------------------------------------------


def _choice(
    value: Any, choices: type[models.TextChoices], field: str, *, blank: bool = False
) -> str:
    value = "" if value is None else str(value)
    if blank and value == "":
        return str(value)
    if value not in choices.values:
        raise ApplicationError(
            fields={field: [_("“%(value)s” is not a valid choice.") % {"value": value}]}
        )
    return str(value)


def _aware(value: Any, field: str) -> dt.datetime | None:
    """A timezone-aware datetime, or a field error for anything else."""
    if value is None or value == "":
        return None
    if isinstance(value, str):
        try:
            parsed = parse_datetime(value)
        except ValueError:
            parsed = None
        if parsed is None:
            raise ApplicationError(fields={field: [_("Enter a valid date and time.")]})
        value = parsed
    if not isinstance(value, dt.datetime):
        raise ApplicationError(fields={field: [_("Enter a valid date and time.")]})
    moment: dt.datetime = value
    if not 2000 <= moment.year <= 2999:
        # Deadlines are counted from these moments; far outside the desk's years they
        # overflow the calendar.
        raise ApplicationError(fields={field: [_("Enter a date between 2000 and 2999.")]})
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    return moment


def _money(value: Any, field: str, *, required: bool = False) -> Decimal | None:
    if value is None or value == "":
        if required:
            raise ApplicationError(fields={field: [_("This field is required.")]})
        return None
    try:
        amount = Decimal(str(value))
    except (InvalidOperation, ValueError):
        raise ApplicationError(fields={field: [_("Enter an amount.")]}) from None
    if not amount.is_finite() or amount < 0 or amount >= Decimal("100000000"):
        raise ApplicationError(fields={field: [_("Enter an amount of zero or more.")]})
    return amount.quantize(Decimal("0.01"))


def _required_text(value: Any, field: str, *, max_length: int | None = None) -> str:
    text = (value or "").strip() if isinstance(value, str) or value is None else str(value).strip()
    if not text:
        raise ApplicationError(fields={field: [_("This field is required.")]})
    if max_length and len(text) > max_length:
        raise ApplicationError(fields={field: [_("At most %(n)d characters.") % {"n": max_length}]})
    return text


def _member(user: Any, project_id: int, field: str) -> None:
    """`user` must work in the project (a superuser works in all)."""
    if user is None:
        return
    if getattr(user, "is_superuser", False):
        return
    if not Membership.objects.filter(user=user, project_id=project_id).exists():
        raise ApplicationError(fields={field: [_("This person does not work in this project.")]})


def end_of_working_day(project_id: int, moment: dt.datetime) -> dt.datetime:
    """The end of the project's working day that `moment` falls in (its working calendar:
    a moment after the day's end, or on a day off, belongs to the next working day)."""
    return calendar_for(project_id).end_of_working_day(moment)


def _registered_due(
    ticket: Ticket, now: dt.datetime, calendar: WorkingCalendar | None = None
) -> dt.datetime:
    """When an order not yet dispatched is due back: the end of the working day of its
    appointment (or of now), by the project's calendar (read unless given)."""
    moment = ticket.appointment_at if ticket.appointment_at and ticket.appointment_at > now else now
    if calendar is not None:
        return calendar.end_of_working_day(moment)
    return end_of_working_day(ticket.project_id, moment)


# --- Promises kept by the deadlines of frontdesk.core ------------------------------------
# Each promise of the process is a deadline on the order: opened by the step that makes
# it, met by the step that keeps it, in the same transaction. The sweep warns and
# escalates; the durations are the project's rules and working calendar.

RETURN_FREE = "order.return_free"
RETURN_PAID = "order.return_paid"


def _ticket_url(ticket: Ticket) -> str:
    try:
        return reverse("tickets:detail", args=[ticket.pk])
    except NoReverseMatch:
        return ""


# Notification topics of the work orders (frontdesk.core.notifications).
TOPIC_DISPATCHED = "ticket.dispatched"
TOPIC_FOLLOW_UP = "ticket.follow_up"
TOPIC_REFERRED = "complaint.referred"


def _tell(ticket: Ticket, user: Any, topic: str, title: str, body: str = "") -> None:
    """Tell one person about the order, in the app (and by e-mail where their role says).

    Call inside the step's transaction: the notice exists if and only if the step does.
    An emergency is delivered at once, anything else in working time.
    """
    if user is None or not getattr(user, "is_active", False):
        return
    notify(
        user=user,
        topic=topic,
        title=title,
        body=body or ticket.matter,
        url=_ticket_url(ticket),
        project=ticket.project_id,
        is_emergency=ticket.priority == Priority.EMERGENCY,
        named=True,
    )


def _tell_role(ticket: Ticket, role: str, topic: str, title: str, body: str = "") -> None:
    """Tell everyone of the project holding `role`."""
    for user in users_with_role(project=ticket.project_id, role=role):
        _tell(ticket, user, topic, title, body)


def _promise(
    ticket: Ticket,
    kind: str,
    *,
    start: dt.datetime | None = None,
    responsible: Any = None,
    role: str = "",
    due_at: dt.datetime | None = None,
    terms: promises.Terms | None = None,
) -> Any:
    """Open the deadline of `kind` on the order. Call inside the step's transaction.

    `terms` (read before the order's serial was taken) mark the order as saved in this
    step: nothing is read again and no open deadline is looked for."""
    return promises.deadline_open(
        subject=ticket,
        project=ticket.project,
        kind=kind,
        start=start or timezone.now(),
        responsible=responsible,
        responsible_role=role if responsible is None else "",
        due_at=due_at,
        is_emergency=True if ticket.priority == Priority.EMERGENCY else None,
        url=_ticket_url(ticket),
        label=f"{ticket.serial} {ticket.matter}"[:200],
        terms=terms,
        new_subject=terms is not None,
    )


def _kept(ticket: Ticket, kind: str, by: Any) -> None:
    promises.deadline_meet(subject=ticket, kind=kind, by=by)


def _open_promises(ticket: Ticket) -> list[Any]:
    return list(promises.deadlines_of(ticket).filter(state=DeadlineState.OPEN))


def _drop_promises(ticket: Ticket, reason: str, *, kinds: tuple[str, ...] = ()) -> None:
    """Stop watching the order's open promises (all, or those of `kinds`)."""
    for deadline in _open_promises(ticket):
        if not kinds or deadline.kind in kinds:
            promises.deadline_cancel(subject=ticket, kind=deadline.kind, reason=reason)


def _lock(ticket: Ticket) -> Ticket:
    return Ticket.objects.select_for_update().get(pk=ticket.pk)


def _sync(target: Ticket, source: Ticket) -> Ticket:
    """Copy the saved state of `source` onto the caller's instance."""
    for field in Ticket._meta.concrete_fields:
        setattr(target, field.attname, getattr(source, field.attname))
    target._state.fields_cache.clear()
    return target


def _event(
    ticket: Ticket,
    *,
    action: str,
    by: Any,
    from_status: str | None = None,
    note: str = "",
    data: Mapping[str, Any] | None = None,
    at: dt.datetime | None = None,
) -> TicketEvent:
    """Append one line to the order's timeline. Call inside the change's transaction."""
    return TicketEvent.objects.create(
        ticket=ticket,
        at=at or timezone.now(),
        actor=by if getattr(by, "pk", None) else None,
        action=action,
        from_status=ticket.status if from_status is None else from_status,
        to_status=ticket.status,
        note=note,
        data=dict(data or {}),
    )


def _move(ticket: Ticket, transition_target: str | None) -> str:
    """Apply the transition's target status; return the status it came from."""
    before = ticket.status
    if transition_target == PREVIOUS:
        ticket.status = ticket.paused_from or TicketStatus.DISPATCHED
        ticket.paused_from = ""
    elif transition_target is not None:
        ticket.status = transition_target
    return before


def _full_clean(instance: models.Model, *, exclude: list[str] | None = None) -> None:
    try:
        instance.full_clean(exclude=exclude or [], validate_constraints=False)
    except ValidationError as error:
        raise ApplicationError.from_validation_error(error) from error


def _transition(
    *,
    ticket: Ticket,
    action: str,
    by: Any,
    note: str = "",
    data: Mapping[str, Any] | None = None,
    apply: Any = None,
    after: Any = None,
) -> Ticket:
    """Lock, check, let `apply(locked)` validate and set fields, save, record, then
    `after(locked)` (the promises the step opens or keeps).

    `apply` runs before anything is written and may raise ApplicationError.
    """
    locked = _lock(ticket)
    transition = check(locked, action, by)
    extra = apply(locked) if apply is not None else None
    before = _move(locked, transition.target)
    locked.save()
    _event(
        locked,
        action=action,
        by=by,
        from_status=before,
        note=note,
        data={**(data or {}), **(extra or {})},
    )
    if after is not None:
        after(locked)
        locked.save(update_fields=["due_at"])
    return _sync(ticket, locked)


# --- Serial numbers -----------------------------------------------------------------


def next_serial(*, project_id: int, kind: str, year: int) -> str:
    """The next serial of a project, kind and year: WX-2026-000123.

    Call inside the order's transaction, after every check: the counter row
    stays locked until commit and a rollback gives the number back.
    """
    value = get_next_value(f"ticket:{project_id}:{kind}:{year}")
    return f"{SERIAL_PREFIX[kind]}-{year}-{value:06d}"


def next_liaison_number(*, project_id: int, year: int) -> str:
    """The next liaison form number of a project and year: LX-2026-0001 (same rules)."""
    value = get_next_value(f"liaison:{project_id}:{year}")
    return f"LX-{year}-{value:04d}"
