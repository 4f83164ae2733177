"""Writes of the desk's records: the duty log, shifts and handovers, reviews.

Every function is keyword-only and atomic, validates everything before it
writes (a refusal raises `ApplicationError` and leaves nothing behind), and
checks the step in `frontdesk.desk.transitions`. Recording anything on the
desk is refused to a clerk who has not yet acknowledged the handover of the
shift before theirs (`require_acknowledged`).
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from frontdesk.core.deadlines import deadline_cancel, deadline_meet, deadline_open, deadlines_of
from frontdesk.core.errors import ApplicationError
from frontdesk.core.models import DeadlineState, Notification, Project
from frontdesk.core.notifications import notify, users_with_role
from frontdesk.core.open_items import gather_open_items
from frontdesk.core.roles import Role, has_role
from frontdesk.core.scoping import can_access_project
from residents.models import Household
from tickets.choices import Department, Place, Priority, TicketKind, TicketStatus
from tickets.models import Ticket
from tickets.services import ticket_promise_slip, ticket_register

from .choices import (
    Channel,
    EntryKind,
    EntryStatus,
    ExchangeTime,
    FollowUpKind,
    HandoverStatus,
    IncidentStatus,
    IncidentStepKind,
    Post,
    ReferredTo,
    ReviewKind,
    ReviewStatus,
    ShiftStatus,
    TrackingStatus,
    channel_source,
)
from .models import (
    DutyLogEntry,
    DutyLogFollowUp,
    Exchange,
    Handover,
    Incident,
    IncidentStep,
    PhoneLine,
    PostRecord,
    Review,
    Ring,
    Shift,
    Tracking,
    TrackingCheck,
)
from .selectors import review_figures, review_period
from .transitions import REVIEW_RECORD, check

# The role of the head of each department (the department review is theirs to sign).
DEPARTMENT_ROLE = {
    "engineering": Role.ENGINEERING,
    "cleaning": Role.CLEANING,
    "greening": Role.GREENING,
    "security": Role.SECURITY,
    "customer_service": Role.SUPERVISOR,
}

# The deadline of an answer owed to a caller (DEFAULT_RULES: three days, wall-clock).
ANSWER_DEADLINE = "matter.answer"
TOPIC_EMERGENCY = "desk.emergency"
TOPIC_HANDOVER = "desk.handover"


# --- Shared checks ---------------------------------------------------------------------


def _text(value: str | None, name: str, *, required: bool = True, max_length: int = 0) -> str:
    text = (value or "").strip()
    if required and not text:
        raise ApplicationError(fields={name: [_("This field is required.")]})
    if max_length and len(text) > max_length:
        raise ApplicationError(fields={name: [_("At most %(n)d characters.") % {"n": max_length}]})
    return text


def _aware(value: dt.datetime | None, name: str) -> dt.datetime | None:
    if value is not None and timezone.is_naive(value):
        raise ApplicationError(fields={name: [_("Give a time with its time zone.")]})
    return value


def _member(user: Any, project: Project, name: str) -> None:
    if user is not None and not can_access_project(user, project.pk):
        raise ApplicationError(fields={name: [_("This person does not work in this project.")]})


def awaiting_handover(*, project_id: int, user: Any) -> Handover | None:
    """The handover `user` must acknowledge before recording on this project's desk, if any."""
    return (
        Handover.objects.filter(
            project_id=project_id,
            status=HandoverStatus.AWAITING,
            next_shift__clerk_id=getattr(user, "pk", None),
        )
        .order_by("closed_at", "id")
        .first()
    )


def require_acknowledged(*, project: Project, by: Any) -> None:
    """Refuse to record on the desk while `by` owes the acknowledgement of a handover."""
    if awaiting_handover(project_id=project.pk, user=by) is not None:
        raise ApplicationError(
            _(
                "Read and acknowledge the handover of the previous shift before recording "
                "anything on the desk."
            )
        )


# --- Duty log --------------------------------------------------------------------------


@dataclass
class EntryInput:
    """What the clerk types for a duty-log entry (the validated data of the form or serializer)."""

    channel: str
    kind: str
    matter: str
    at: dt.datetime | None = None
    caller_name: str = ""
    caller_phone: str = ""
    household: Household | None = None
    place: str = ""
    assigned_to: Any = None
    answered_on_spot: bool = False
    promise: str = ""
    promise_due_at: dt.datetime | None = None
    promise_by: Any = None
    extra: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def from_data(cls, data: Mapping[str, Any]) -> EntryInput:
        known = {k: v for k, v in data.items() if k in cls.__dataclass_fields__ and k != "extra"}
        return cls(**known)


def _entry_url(entry: DutyLogEntry) -> str:
    return reverse("desk:entry", args=[entry.pk])


def _validated_entry(*, project: Project, data: EntryInput, now: dt.datetime) -> dict[str, Any]:
    errors: dict[str, list[str]] = {}
    if data.channel not in Channel.values:
        errors["channel"] = [_("Choose how the matter came in.")]
    if data.kind not in EntryKind.values:
        errors["kind"] = [_("Choose the kind of matter.")]
    if not (data.matter or "").strip():
        errors["matter"] = [_("Write the matter.")]
    at = _aware(data.at, "at") or now
    if at > now + dt.timedelta(minutes=5):
        errors["at"] = [_("The time of a call cannot be in the future.")]
    place = data.place or ""
    if place and place not in Place.values:
        errors["place"] = [_("Choose the public place.")]
    if data.household is not None:
        if data.household.project_id != project.pk:
            errors["household"] = [_("This household is not in this project.")]
        place = ""
    elif not place:
        errors["household"] = [_("Choose a household, or a public place.")]
    due = _aware(data.promise_due_at, "promise_due_at")
    if due is not None and due <= now:
        errors["promise_due_at"] = [_("A promise cannot be due in the past.")]
    if (data.promise or "").strip() and due is None:
        errors["promise_due_at"] = [_("Say by when it was promised.")]
    if data.answered_on_spot and (data.promise or "").strip():
        errors["promise"] = [_("A matter answered on the spot owes no promise.")]
    for name in ("assigned_to", "promise_by"):
        person = getattr(data, name)
        if person is not None and not can_access_project(person, project.pk):
            errors[name] = [_("This person does not work in this project.")]
    if errors:
        raise ApplicationError(fields=errors)
    return {
        "at": at,
        "channel": data.channel,
        "kind": data.kind,
        "matter": data.matter.strip(),
        "caller_name": _text(data.caller_name, "caller_name", required=False, max_length=50),
        "caller_phone": _text(data.caller_phone, "caller_phone", required=False, max_length=20),
        "household": data.household,
        "place": place,
        "assigned_to": data.assigned_to,
        "answered_on_spot": data.answered_on_spot,
        "promise": _text(data.promise, "promise", required=False, max_length=200),
        "promise_due_at": due,
        "promise_by": data.promise_by,
    }


def _save_entry(
    *,
    project: Project,
    by: Any,
    values: dict[str, Any],
    corrects: DutyLogEntry | None = None,
    reason: str = "",
    now: dt.datetime,
) -> DutyLogEntry:
    entry = DutyLogEntry.objects.create(
        project=project,
        taken_by=by,
        status=EntryStatus.ANSWERED if values["answered_on_spot"] else EntryStatus.PENDING,
        answered_at=now if values["answered_on_spot"] else None,
        corrects=corrects,
        correction_reason=reason,
        **values,
    )
    if entry.status == EntryStatus.PENDING:
        # An answer not given on the spot is owed within three days (or by the promised time).
        deadline_open(
            subject=entry,
            project=project,
            kind=ANSWER_DEADLINE,
            start=entry.at,
            responsible=entry.promise_by or entry.assigned_to or by,
            due_at=entry.promise_due_at,
            is_emergency=entry.is_emergency,
            url=_entry_url(entry),
            label=entry.matter[:200],
        )
    return entry


def _announce_emergency(entry: DutyLogEntry, now: dt.datetime) -> None:
    """An emergency reaches the supervisor and the manager at once, at any hour."""
    for role in (Role.SUPERVISOR, Role.MANAGER):
        for user in users_with_role(project=entry.project_id, role=role):
            notify(
                user=user,
                topic=TOPIC_EMERGENCY,
                title=_("Emergency at the desk: %(matter)s") % {"matter": entry.matter[:80]},
                body=entry.matter,
                url=_entry_url(entry),
                project=entry.project_id,
                is_emergency=True,
                named=True,
                now=now,
            )


@transaction.atomic
def entry_record(
    *, project: Project, by: Any, data: EntryInput, ring: Ring | None = None
) -> DutyLogEntry:
    """Record a call, visit, letter or message in the duty log.

    A matter not answered on the spot opens its answer deadline; an emergency
    is announced to the supervisor and the manager at once. A call that rang
    through the phone system (`ring`) takes its ring time and is linked to it.
    """
    if not can_access_project(by, project.pk):
        raise ApplicationError(fields={"project": [_("You do not work in this project.")]})
    require_acknowledged(project=project, by=by)
    now = timezone.now()
    if ring is not None:
        ring = Ring.objects.select_for_update().get(pk=ring.pk)
        if ring.project_id != project.pk or ring.clerk_id != by.pk or ring.entry_id:
            raise ApplicationError(fields={"ring": [_("This call is not yours to log.")]})
        data.at = ring.rang_at
    values = _validated_entry(project=project, data=data, now=now)
    entry = _save_entry(project=project, by=by, values=values, now=now)
    if ring is not None:
        ring.entry = entry
        ring.answered_at = ring.answered_at or now
        ring.save(update_fields=["entry", "answered_at"])
    if entry.is_emergency:
        _announce_emergency(entry, now)
    return entry


def _lock(entry: DutyLogEntry) -> DutyLogEntry:
    return DutyLogEntry.objects.select_for_update().get(pk=entry.pk)


@transaction.atomic
def entry_correct(*, entry: DutyLogEntry, by: Any, reason: str, data: EntryInput) -> DutyLogEntry:
    """Correct an entry with a new one pointing at it; the wrong one is kept, marked corrected.

    The answer owed moves to the correction (its deadline is cancelled on the
    old entry and opened on the new one from the same time of the call).
    """
    locked = _lock(entry)
    project = locked.project
    require_acknowledged(project=project, by=by)
    check(locked, "entry", "correct", by)
    reason = _text(reason, "reason", max_length=200)
    now = timezone.now()
    data.at = data.at or locked.at
    values = _validated_entry(project=project, data=data, now=now)
    deadline_cancel(subject=locked, kind=ANSWER_DEADLINE, reason=_("Corrected"), at=now)
    locked.status = EntryStatus.CORRECTED
    locked.save(update_fields=["status"])
    correction = _save_entry(
        project=project, by=by, values=values, corrects=locked, reason=reason, now=now
    )
    if locked.ticket_id and correction.ticket_id is None:
        DutyLogEntry.objects.filter(pk=locked.pk).update(ticket=None)
        correction.ticket_id = locked.ticket_id
        correction.save(update_fields=["ticket"])
    entry.status = locked.status
    return correction


def _slipped(entry: DutyLogEntry, now: dt.datetime) -> bool:
    deadline = deadlines_of(entry).filter(kind=ANSWER_DEADLINE, state=DeadlineState.OPEN).first()
    return deadline is not None and deadline.is_overdue(now)


@transaction.atomic
def entry_answer(*, entry: DutyLogEntry, by: Any, note: str) -> DutyLogFollowUp:
    """The answer owed to the caller is given: the deadline is met, the entry answered.

    When the promise has slipped, what was told to the resident about it must
    be recorded first (`entry_promise_slip`).
    """
    locked = _lock(entry)
    require_acknowledged(project=locked.project, by=by)
    check(locked, "entry", "answer", by)
    note = _text(note, "note")
    now = timezone.now()
    if _slipped(locked, now) and not locked.follow_ups.filter(kind=FollowUpKind.SLIP).exists():
        raise ApplicationError(
            fields={
                "note": [
                    _(
                        "The promise slipped: first record what the resident was told about "
                        "the delay and why."
                    )
                ]
            }
        )
    follow_up = DutyLogFollowUp.objects.create(
        entry=locked, kind=FollowUpKind.ANSWER, at=now, note=note, by=by
    )
    locked.status = EntryStatus.ANSWERED
    locked.answered_at = now
    locked.save(update_fields=["status", "answered_at"])
    deadline_meet(subject=locked, kind=ANSWER_DEADLINE, by=by, at=now)
    entry.status, entry.answered_at = locked.status, locked.answered_at
    return follow_up


@transaction.atomic
def entry_follow_up(*, entry: DutyLogEntry, by: Any, note: str) -> DutyLogFollowUp:
    """Record progress on an entry (a call made, a department chased)."""
    locked = _lock(entry)
    require_acknowledged(project=locked.project, by=by)
    check(locked, "entry", "follow_up", by)
    return DutyLogFollowUp.objects.create(
        entry=locked, kind=FollowUpKind.PROGRESS, at=timezone.now(), note=_text(note, "note"), by=by
    )


@transaction.atomic
def entry_comment(*, entry: DutyLogEntry, by: Any, note: str) -> DutyLogFollowUp:
    """The supervisor's comment on an entry, written while reviewing the log."""
    locked = _lock(entry)
    check(locked, "entry", "comment", by)
    return DutyLogFollowUp.objects.create(
        entry=locked, kind=FollowUpKind.COMMENT, at=timezone.now(), note=_text(note, "note"), by=by
    )


@transaction.atomic
def entry_promise_slip(
    *,
    entry: DutyLogEntry,
    by: Any,
    reason: str,
    told: str,
    new_due_at: dt.datetime | None = None,
) -> DutyLogFollowUp:
    """A promise that cannot be kept, told to the resident with the reason and the remedy.

    When the entry opened an order that is still open, the order records the
    same slipped promise (its `PromiseSlip`), so its timeline says it too.
    """
    locked = _lock(entry)
    require_acknowledged(project=locked.project, by=by)
    check(locked, "entry", "follow_up", by)
    reason = _text(reason, "reason")
    told = _text(told, "told")
    now = timezone.now()
    new_due_at = _aware(new_due_at, "new_due_at")
    if new_due_at is not None and new_due_at <= now:
        raise ApplicationError(fields={"new_due_at": [_("A promise cannot be due in the past.")]})
    follow_up = DutyLogFollowUp.objects.create(
        entry=locked,
        kind=FollowUpKind.SLIP,
        at=now,
        note=told,
        reason=reason,
        new_due_at=new_due_at,
        by=by,
    )
    ticket = locked.ticket
    if ticket is not None and ticket.status not in (TicketStatus.CLOSED, TicketStatus.VOIDED):
        ticket_promise_slip(ticket=ticket, reason=reason, remedy=told, by=by, told_resident_at=now)
    return follow_up


@transaction.atomic
def entry_open_order(
    *,
    entry: DutyLogEntry,
    by: Any,
    kind: str,
    department: str | None = None,
    complaint: Mapping[str, Any] | None = None,
) -> Ticket:
    """Open a work order from an entry in one step, prefilled from it and linked back."""
    locked = _lock(entry)
    require_acknowledged(project=locked.project, by=by)
    check(locked, "entry", "open_order", by)
    if locked.ticket_id is not None:
        raise ApplicationError(_("An order was already opened from this entry."))
    if kind not in TicketKind.values:
        raise ApplicationError(fields={"kind": [_("Choose the kind of order.")]})
    ticket = ticket_register(
        project=locked.project,
        kind=kind,
        matter=locked.matter[:200],
        description=locked.matter if len(locked.matter) > 200 else "",
        by=by,
        household=locked.household,
        place=locked.place,
        reporter_name=locked.caller_name or (str(locked.taken_by) if locked.place else ""),
        reporter_phone=locked.caller_phone,
        source=channel_source(locked.channel),
        priority=Priority.EMERGENCY if locked.is_emergency else Priority.NORMAL,
        department=department,
        complaint=complaint,
    )
    locked.ticket = ticket
    locked.save(update_fields=["ticket"])
    entry.ticket = ticket
    return ticket


# --- Shifts and handover ---------------------------------------------------------------


@transaction.atomic
def shift_plan(
    *, project: Project, clerk: Any, starts_at: dt.datetime, ends_at: dt.datetime, by: Any
) -> Shift:
    """Put a clerk on the desk's roster for a shift."""
    if not can_access_project(by, project.pk):
        raise ApplicationError(fields={"project": [_("You do not work in this project.")]})
    _member(clerk, project, "clerk")
    starts_at = _aware(starts_at, "starts_at")  # type: ignore[assignment]
    ends_at = _aware(ends_at, "ends_at")  # type: ignore[assignment]
    if ends_at <= starts_at:
        raise ApplicationError(fields={"ends_at": [_("A shift must start before it ends.")]})
    return Shift.objects.create(project=project, clerk=clerk, starts_at=starts_at, ends_at=ends_at)


def next_shift_of(shift: Shift) -> Shift | None:
    """The next planned shift of the project's roster after `shift`."""
    return (
        Shift.objects.filter(
            project_id=shift.project_id,
            status=ShiftStatus.PLANNED,
            starts_at__gte=shift.starts_at,
        )
        .exclude(pk=shift.pk)
        .select_related("clerk")
        .order_by("starts_at", "id")
        .first()
    )


@transaction.atomic
def shift_close(*, shift: Shift, by: Any, notes: str = "") -> Handover:
    """The outgoing clerk closes the shift: everything still open is gathered into the handover.

    The gathering calls every source registered in `frontdesk.core.open_items`
    and freezes what they return; the clerk of the next shift is notified.
    """
    locked = Shift.objects.select_for_update().get(pk=shift.pk)
    check(locked, "shift", "close", by)
    if locked.clerk_id != by.pk and not _is_supervisor(by):
        raise ApplicationError(_("Only the clerk of this shift may close it."))
    now = timezone.now()
    next_shift = next_shift_of(locked)
    handover = Handover.objects.create(
        project_id=locked.project_id,
        shift=locked,
        next_shift=next_shift,
        closed_by=by,
        closed_at=now,
        items=gather_open_items(project=locked.project, now=now),
        notes=_text(notes, "notes", required=False),
    )
    locked.status = ShiftStatus.CLOSED
    locked.closed_at = now
    locked.save(update_fields=["status", "closed_at"])
    shift.status, shift.closed_at = locked.status, locked.closed_at
    if next_shift is not None:
        notify(
            user=next_shift.clerk,
            topic=TOPIC_HANDOVER,
            title=_("A handover is waiting for you"),
            body=_("%(count)d open items handed over by %(who)s.")
            % {"count": handover.item_count, "who": by.get_full_name() or by.get_username()},
            url=reverse("desk:handover", args=[handover.pk]),
            project=locked.project_id,
            named=True,
            now=now,
        )
    return handover


def _is_supervisor(user: Any) -> bool:
    return has_role(user, Role.SUPERVISOR, Role.MANAGER)


@transaction.atomic
def handover_acknowledge(*, handover: Handover, by: Any) -> Handover:
    """The incoming clerk has read the handover: it is frozen from now on.

    Only the clerk of the next shift may acknowledge it (anyone of the desk
    when the roster had no next shift), and only once.
    """
    locked = (
        Handover.objects.select_for_update(of=("self",))
        .select_related("next_shift")
        .get(pk=handover.pk)
    )
    if locked.status == HandoverStatus.ACKNOWLEDGED:
        raise ApplicationError(_("This handover has already been acknowledged."))
    check(locked, "handover", "acknowledge", by)
    if locked.next_shift is not None and locked.next_shift.clerk_id != by.pk:
        raise ApplicationError(_("Only the clerk of the next shift may acknowledge this handover."))
    if not can_access_project(by, locked.project_id):
        raise ApplicationError(fields={"project": [_("You do not work in this project.")]})
    locked.status = HandoverStatus.ACKNOWLEDGED
    locked.acknowledged_by = by
    locked.acknowledged_at = timezone.now()
    locked.save(update_fields=["status", "acknowledged_by", "acknowledged_at"])
    return locked


# --- Reviews ---------------------------------------------------------------------------


@transaction.atomic
def review_open(
    *, project: Project, kind: str, day: dt.date, by: Any, department: str = ""
) -> Review:
    """The review of a project's day or week, a department's day, or a spot check
    (made the first time it is asked for)."""
    if kind not in ReviewKind.values:
        raise ApplicationError(fields={"kind": [_("Choose the kind of review.")]})
    if not can_access_project(by, project.pk):
        raise ApplicationError(fields={"project": [_("You do not work in this project.")]})
    if kind == ReviewKind.DEPARTMENT:
        if department not in Department.values:
            raise ApplicationError(fields={"department": [_("Choose the department.")]})
    elif department:
        raise ApplicationError(fields={"department": [_("Only a department review has one.")]})
    starts_on, ends_on = review_period(kind, day)
    review, _created = Review.objects.get_or_create(
        project=project,
        kind=kind,
        department=department,
        starts_on=starts_on,
        defaults={"ends_on": ends_on},
    )
    return review


@transaction.atomic
def review_sign(*, review: Review, by: Any, comment: str) -> Review:
    """Sign a review with the comment (签阅意见): its figures are frozen as they are now."""
    locked = Review.objects.select_for_update().get(pk=review.pk)
    if locked.status == ReviewStatus.SIGNED:
        raise ApplicationError(_("This review is already signed."))
    check(locked, REVIEW_RECORD[locked.kind], "sign", by)
    if locked.kind == ReviewKind.DEPARTMENT and not has_role(
        by, Role.SUPERVISOR, Role.MANAGER, DEPARTMENT_ROLE.get(locked.department, "")
    ):
        raise ApplicationError(_("Only this department's head or a supervisor may sign."))
    if not can_access_project(by, locked.project_id):
        raise ApplicationError(fields={"project": [_("You do not work in this project.")]})
    comment = _text(comment, "comment")
    locked.figures = review_figures(
        project_id=locked.project_id,
        starts_on=locked.starts_on,
        ends_on=locked.ends_on,
        department=locked.department,
    )
    locked.comment = comment
    locked.status = ReviewStatus.SIGNED
    locked.signed_by = by
    locked.signed_at = timezone.now()
    locked.save(update_fields=["figures", "comment", "status", "signed_by", "signed_at"])
    return locked


# --- Incidents -------------------------------------------------------------------------


def _incident_url(incident: Incident) -> str:
    return reverse("desk:incident", args=[incident.pk])


@transaction.atomic
def incident_record(
    *,
    project: Project,
    by: Any,
    what: str,
    where: str,
    occurred_at: dt.datetime | None = None,
    entries: list[DutyLogEntry] | None = None,
    tickets: list[Ticket] | None = None,
) -> Incident:
    """Record an incident (突发事件); the manager and the supervisor are told at once."""
    if not can_access_project(by, project.pk):
        raise ApplicationError(fields={"project": [_("You do not work in this project.")]})
    require_acknowledged(project=project, by=by)
    now = timezone.now()
    what = _text(what, "what", max_length=200)
    where = _text(where, "where", max_length=200)
    occurred_at = _aware(occurred_at, "occurred_at") or now
    if occurred_at > now + dt.timedelta(minutes=5):
        raise ApplicationError(fields={"occurred_at": [_("This time is in the future.")]})
    for name, rows in (("entries", entries or []), ("tickets", tickets or [])):
        if any(row.project_id != project.pk for row in rows):
            raise ApplicationError(fields={name: [_("Not found in this project.")]})
    incident = Incident.objects.create(
        project=project, what=what, where=where, occurred_at=occurred_at, recorded_by=by
    )
    incident.entries.set(entries or [])
    incident.tickets.set(tickets or [])
    for role in (Role.MANAGER, Role.SUPERVISOR):
        for user in users_with_role(project=project.pk, role=role):
            notify(
                user=user,
                topic=TOPIC_EMERGENCY,
                title=_("Incident: %(what)s at %(where)s") % {"what": what, "where": where},
                url=_incident_url(incident),
                project=project.pk,
                is_emergency=True,
                named=True,
                now=now,
            )
    return incident


@transaction.atomic
def incident_step(
    *,
    incident: Incident,
    by: Any,
    kind: str,
    text: str = "",
    who: str = "",
    at: dt.datetime | None = None,
) -> IncidentStep:
    """Append a step of the handling: who was called, who arrived and when, what was done."""
    locked = Incident.objects.select_for_update().get(pk=incident.pk)
    check(locked, "incident", "step", by)
    if kind not in IncidentStepKind.values:
        raise ApplicationError(fields={"kind": [_("Choose the kind of step.")]})
    text = _text(text, "text", required=kind in (IncidentStepKind.ACTION, IncidentStepKind.NOTE))
    who = _text(
        who,
        "who",
        required=kind in (IncidentStepKind.CALLED, IncidentStepKind.ARRIVED),
        max_length=100,
    )
    now = timezone.now()
    at = _aware(at, "at") or now
    if at < locked.occurred_at or at > now + dt.timedelta(minutes=5):
        raise ApplicationError(fields={"at": [_("A step lies between the incident and now.")]})
    return IncidentStep.objects.create(incident=locked, kind=kind, at=at, who=who, text=text, by=by)


@transaction.atomic
def incident_link(*, incident: Incident, by: Any, serial: str) -> Ticket:
    """Link an order of the incident's project to the incident by its serial number (the
    emergency orders opened while handling it); taken as a step of the handling."""
    locked = Incident.objects.select_for_update().get(pk=incident.pk)
    check(locked, "incident", "step", by)
    serial = (serial or "").strip().upper()
    ticket = Ticket.objects.filter(project_id=locked.project_id, serial=serial).first()
    if ticket is None:
        raise ApplicationError(fields={"serial": [_("No work order with this number here.")]})
    if locked.tickets.filter(pk=ticket.pk).exists():
        raise ApplicationError(fields={"serial": [_("This work order is linked already.")]})
    locked.tickets.add(ticket)
    return ticket


@transaction.atomic
def incident_close(*, incident: Incident, by: Any, outcome: str) -> Incident:
    """The incident is over: the outcome is recorded and nothing is added afterwards."""
    locked = Incident.objects.select_for_update().get(pk=incident.pk)
    check(locked, "incident", "close", by)
    locked.outcome = _text(outcome, "outcome")
    locked.status = IncidentStatus.CLOSED
    locked.closed_at = timezone.now()
    locked.save(update_fields=["outcome", "status", "closed_at"])
    return locked


# --- Key follow-up and referral --------------------------------------------------------


@transaction.atomic
def tracking_open(
    *,
    project: Project,
    by: Any,
    matter: str,
    owner: Any,
    next_check_on: dt.date,
    household: Household | None = None,
    entry: DutyLogEntry | None = None,
    review: Review | None = None,
    referred_to: str = "",
) -> Tracking:
    """Put a matter under key follow-up with an owner and a next check date, or refer it (报请)."""
    if not can_access_project(by, project.pk):
        raise ApplicationError(fields={"project": [_("You do not work in this project.")]})
    errors: dict[str, list[str]] = {}
    if owner is None or not can_access_project(owner, project.pk):
        errors["owner"] = [_("The owner must work in this project.")]
    if next_check_on < timezone.localdate():
        errors["next_check_on"] = [_("The next check cannot be in the past.")]
    if referred_to and referred_to not in ReferredTo.values:
        errors["referred_to"] = [_("Choose who it is referred to.")]
    for name, row in (("household", household), ("entry", entry), ("review", review)):
        if row is not None and row.project_id != project.pk:
            errors[name] = [_("Not found in this project.")]
    if errors:
        raise ApplicationError(fields=errors)
    return Tracking.objects.create(
        project=project,
        matter=_text(matter, "matter", max_length=200),
        owner=owner,
        next_check_on=next_check_on,
        household=household,
        entry=entry,
        review=review,
        referred_to=referred_to,
        created_by=by,
    )


@transaction.atomic
def tracking_check(
    *, tracking: Tracking, by: Any, note: str, next_check_on: dt.date | None = None
) -> TrackingCheck:
    """Record a check of the matter and when to look again."""
    locked = Tracking.objects.select_for_update().get(pk=tracking.pk)
    check(locked, "tracking", "check", by)
    note = _text(note, "note")
    if next_check_on is not None and next_check_on < timezone.localdate():
        raise ApplicationError(
            fields={"next_check_on": [_("The next check cannot be in the past.")]}
        )
    done = TrackingCheck.objects.create(
        tracking=locked, at=timezone.now(), note=note, next_check_on=next_check_on, by=by
    )
    if next_check_on is not None:
        locked.next_check_on = next_check_on
        locked.save(update_fields=["next_check_on"])
    return done


@transaction.atomic
def tracking_instruct(*, tracking: Tracking, by: Any, instruction: str) -> Tracking:
    """The head of customer service or the manager records the instruction on a referred matter."""
    locked = Tracking.objects.select_for_update().get(pk=tracking.pk)
    check(locked, "tracking", "instruct", by)
    if locked.instructed_at is not None:
        raise ApplicationError(_("This matter already has its instruction."))
    locked.instruction = _text(instruction, "instruction")
    locked.instructed_by = by
    locked.instructed_at = timezone.now()
    locked.save(update_fields=["instruction", "instructed_by", "instructed_at"])
    return locked


@transaction.atomic
def tracking_close(*, tracking: Tracking, by: Any, note: str) -> Tracking:
    """End the follow-up with the last check's finding."""
    locked = Tracking.objects.select_for_update().get(pk=tracking.pk)
    check(locked, "tracking", "close", by)
    TrackingCheck.objects.create(
        tracking=locked, at=timezone.now(), note=_text(note, "note"), by=by
    )
    locked.status = TrackingStatus.CLOSED
    locked.closed_at = timezone.now()
    locked.save(update_fields=["status", "closed_at"])
    return locked


# --- Caller-ID pop -----------------------------------------------------------------------


def phone_key_hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


@transaction.atomic
def phone_line_set_key(*, project: Project, key: str) -> PhoneLine:
    """Give a project's phone system its key (stored only as a hash)."""
    if len(key) < 24:
        raise ApplicationError(fields={"key": [_("A key has at least 24 characters.")]})
    line, _created = PhoneLine.objects.update_or_create(
        project=project, defaults={"key_hash": phone_key_hash(key)}
    )
    return line


@transaction.atomic
def ring_record(*, key: str, number: str, extension: str) -> Ring:
    """The phone system reports a ring: the clerk of the extension is shown the caller.

    The key names the project (compared by its hash); an unknown key or an
    extension the project does not have is refused, and nothing is written.
    """
    line = PhoneLine.objects.filter(key_hash=phone_key_hash(key or "")).first()
    if line is None:
        raise ApplicationError(fields={"key": [_("Unknown phone system key.")]})
    digits = "".join(ch for ch in (number or "") if ch.isdigit())
    if not digits:
        raise ApplicationError(fields={"number": [_("Give the caller's number.")]})
    found = line.extensions.filter(number=(extension or "").strip()).first()
    if found is None:
        raise ApplicationError(fields={"extension": [_("Unknown extension.")]})
    return Ring.objects.create(
        project_id=line.project_id,
        number=digits[:20],
        extension=found.number,
        clerk_id=found.clerk_id,
        rang_at=timezone.now(),
    )


@transaction.atomic
def ring_answer(*, ring: Ring, by: Any) -> Ring:
    """The clerk takes the call on the page: the answer time is kept (once)."""
    locked = Ring.objects.select_for_update().get(pk=ring.pk)
    if locked.clerk_id != by.pk:
        raise ApplicationError(_("This call rang on another extension."))
    if locked.answered_at is None:
        locked.answered_at = timezone.now()
        locked.save(update_fields=["answered_at"])
    return locked


TOPIC_UNSIGNED = "desk.unsigned_day"


@transaction.atomic
def reviews_announce_unsigned(*, day: dt.date, now: dt.datetime | None = None) -> int:
    """Tell each project's supervisors that `day` was left unsigned (run the next morning).

    Safe to run twice, also twice at once (two beats, two workers): a supervisor
    already told about that day and project is not told again. Returns how many
    were notified.
    """
    now = now or timezone.now()
    signed = set(
        Review.objects.filter(
            kind=ReviewKind.DAILY, status=ReviewStatus.SIGNED, starts_on=day
        ).values_list("project_id", flat=True)
    )
    sent = 0
    for project in Project.objects.filter(is_active=True).exclude(pk__in=signed):
        sent += _announce_unsigned_day(project=project, day=day, now=now)
    return sent


@transaction.atomic
def _announce_unsigned_day(*, project: Project, day: dt.date, now: dt.datetime) -> int:
    # The project's row is the lock: a run at the same moment waits here, then finds the
    # notices this one wrote (NO KEY: rows that merely refer to the project are not held up).
    Project.objects.select_for_update(no_key=True).filter(pk=project.pk).first()
    url = reverse("desk:review", args=[project.pk, day.isoformat()])
    sent = 0
    for user in users_with_role(project=project.pk, role=Role.SUPERVISOR):
        if Notification.objects.filter(user=user, topic=TOPIC_UNSIGNED, url=url).exists():
            continue
        notice = notify(
            user=user,
            topic=TOPIC_UNSIGNED,
            title=_("The daily check of %(day)s is not signed (%(project)s)")
            % {"day": day.isoformat(), "project": project.name},
            url=url,
            project=project.pk,
            named=True,
            now=now,
        )
        sent += notice is not None
    return sent


# --- The morning's start ---------------------------------------------------------------


@transaction.atomic
def post_record(*, project: Project, by: Any, post: str, day: dt.date, text: str) -> PostRecord:
    """Enter a record of the lobby gate post or the monitoring center (security or the desk)."""
    if not can_access_project(by, project.pk):
        raise ApplicationError(fields={"project": [_("You do not work in this project.")]})
    if not has_role(by, Role.SECURITY, Role.DESK, Role.SUPERVISOR, Role.MANAGER):
        raise ApplicationError(_("Only security or the desk enter these records."))
    if post not in Post.values:
        raise ApplicationError(fields={"post": [_("Choose the post.")]})
    if day > timezone.localdate():
        raise ApplicationError(fields={"day": [_("This day has not come yet.")]})
    return PostRecord.objects.create(
        project=project, post=post, day=day, text=_text(text, "text"), recorded_by=by
    )


@transaction.atomic
def post_record_acknowledge(
    *, record: PostRecord, by: Any, entry: DutyLogEntry | None = None
) -> PostRecord:
    """The desk has read the record (once), and names the entry it took up, if any."""
    locked = PostRecord.objects.select_for_update().get(pk=record.pk)
    if not has_role(by, Role.DESK, Role.SUPERVISOR, Role.MANAGER):
        raise ApplicationError(_("Only the desk acknowledges these records."))
    if locked.acknowledged_at is not None:
        raise ApplicationError(_("This record has already been read."))
    if entry is not None and entry.project_id != locked.project_id:
        raise ApplicationError(fields={"entry": [_("Not found in this project.")]})
    locked.acknowledged_by = by
    locked.acknowledged_at = timezone.now()
    locked.entry = entry
    locked.save(update_fields=["acknowledged_by", "acknowledged_at", "entry"])
    return locked


@transaction.atomic
def exchange_record(
    *, project: Project, by: Any, butler: Any, when: str, passed_on: str
) -> Exchange:
    """Record the butler–desk exchange before or after work."""
    if not can_access_project(by, project.pk):
        raise ApplicationError(fields={"project": [_("You do not work in this project.")]})
    require_acknowledged(project=project, by=by)
    errors: dict[str, list[str]] = {}
    if when not in ExchangeTime.values:
        errors["when"] = [_("Say whether it was before or after work.")]
    if (
        butler is None
        or not has_role(butler, Role.BUTLER)
        or not can_access_project(butler, project.pk)
    ):
        errors["butler"] = [_("Choose a butler of this project.")]
    if errors:
        raise ApplicationError(fields=errors)
    return Exchange.objects.create(
        project=project,
        at=timezone.now(),
        when=when,
        butler=butler,
        clerk=by,
        passed_on=_text(passed_on, "passed_on"),
        recorded_by=by,
    )
