"""Deadlines that enforce themselves: services, the sweep, and selectors.

A caller (the tickets services) opens a deadline when the desk makes a
promise and meets it in the same transaction as the action that keeps it:

    deadline_open(subject=complaint, project=p, kind="complaint.butler_reply",
                  start=now, responsible=butler, url=...)
    deadline_meet(subject=complaint, kind="complaint.butler_reply", by=butler)

The due time comes from the project's rule for the kind (`DeadlineRule`, or
`DEFAULT_RULES` below) and its working-time calendar. Nothing is scheduled
per deadline: `deadline_sweep`, run every minute by Celery beat, reads the
deadlines whose next action has come (one partial index) and acts on each
stage (warning, breach, escalations) exactly once.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, models, transaction
from django.db.models import QuerySet
from django.utils import timezone, translation
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .calendar import WorkingCalendar, calendar_for, calendars_for
from .errors import ApplicationError
from .models import (
    Counting,
    Deadline,
    DeadlineEvent,
    DeadlineMode,
    DeadlinePause,
    DeadlinePolicy,
    DeadlineRule,
    DeadlineStage,
    DeadlineState,
    Notification,
    Project,
    StaffProfile,
)
from .notifications import Topic, channels_for, notification_build, users_with_role
from .roles import Role
from .scoping import scope

logger = logging.getLogger(__name__)

# --- Rules ----------------------------------------------------------------------------


@dataclass(frozen=True)
class RuleSpec:
    """How a kind of deadline is due: a duration, or the end of a working day."""

    label: str | Promise
    mode: str = DeadlineMode.DURATION
    minutes: int = 0
    days: int = 0
    counting: str = Counting.WALL
    escalate_after_minutes: int | None = None
    is_emergency: bool = False
    recurs: bool = False


# The defaults of DOMAIN.md; a project overrides any of them with a DeadlineRule row.
DEFAULT_RULES: dict[str, RuleSpec] = {
    "complaint.butler_reply": RuleSpec(
        gettext_lazy("Butler's reply to the desk"), minutes=4 * 60, counting=Counting.WORKING
    ),
    "complaint.investigation": RuleSpec(
        gettext_lazy("Complaint investigated and verified"),
        mode=DeadlineMode.END_OF_DAY,
        counting=Counting.WORKING,
    ),
    "complaint.answer": RuleSpec(
        gettext_lazy("Answer to the resident"), minutes=3 * 24 * 60, counting=Counting.WALL
    ),
    "matter.answer": RuleSpec(
        gettext_lazy("Promised answer"), minutes=3 * 24 * 60, counting=Counting.WALL
    ),
    "order.callback": RuleSpec(
        gettext_lazy("Callback"), mode=DeadlineMode.END_OF_DAY, counting=Counting.WORKING
    ),
    "order.return_free": RuleSpec(
        gettext_lazy("Free order returned to the desk"),
        mode=DeadlineMode.END_OF_DAY,
        counting=Counting.WORKING,
    ),
    "order.return_paid": RuleSpec(
        gettext_lazy("Paid order returned to the desk"), minutes=2 * 60, counting=Counting.WORKING
    ),
    "warranty.progress_report": RuleSpec(
        gettext_lazy("Warranty repair progress report"),
        mode=DeadlineMode.END_OF_DAY,
        counting=Counting.WORKING,
        recurs=True,
    ),
    "commitment.general": RuleSpec(
        gettext_lazy("Commitment to the resident (general matter)"), minutes=30
    ),
    "commitment.major": RuleSpec(
        gettext_lazy("Commitment to the resident (major matter)"), minutes=6 * 60
    ),
    "commitment.emergency": RuleSpec(
        gettext_lazy("Commitment to the resident (emergency)"),
        minutes=15,
        is_emergency=True,
        # Someone may be trapped: the chain hears of it minutes after the breach, not an hour.
        escalate_after_minutes=5,
    ),
}


@dataclass(frozen=True)
class Policy:
    warn_before_minutes: int = 30
    escalation_roles: tuple[str, ...] = (Role.SUPERVISOR, Role.MANAGER)
    escalate_after_minutes: int = 60


def policy_for(project: Project | int) -> Policy:
    project_id = project if isinstance(project, int) else project.pk
    row = DeadlinePolicy.objects.filter(project_id=project_id).first()
    if row is None:
        return Policy()
    return Policy(
        warn_before_minutes=row.warn_before_minutes,
        escalation_roles=_roles(row.escalation_roles),
        escalate_after_minutes=row.escalate_after_minutes,
    )


def rule_for(project: Project | int, kind: str) -> RuleSpec:
    """The project's rule for a kind of deadline (its own row, else the default)."""
    project_id = project if isinstance(project, int) else project.pk
    return _rule_spec(kind, DeadlineRule.objects.filter(project_id=project_id, kind=kind).first())


def _rule_spec(kind: str, row: DeadlineRule | None) -> RuleSpec:
    """A project's rule row for `kind` as a spec (the default where it has none)."""
    default = DEFAULT_RULES.get(kind)
    if row is None:
        if default is None:
            raise ApplicationError(
                fields={"kind": [_("No deadline rule for “%(kind)s”.") % {"kind": kind}]}
            )
        return default
    return RuleSpec(
        label=default.label if default else kind,
        mode=row.mode,
        minutes=row.minutes,
        days=row.days,
        counting=row.counting,
        escalate_after_minutes=row.escalate_after_minutes,
        is_emergency=row.is_emergency,
        recurs=row.recurs,
    )


@dataclass(frozen=True)
class Terms:
    """What opening deadlines in a project reads: the rules of some kinds, the policy and the
    working calendar. A step that numbers what it opens (a serial taken under a lock until
    commit) reads them first, so that the lock is held only while rows are written."""

    project_id: int
    rules: Mapping[str, RuleSpec]
    policy: Policy
    calendar: WorkingCalendar


def terms_for(project: Project | int, kinds: Iterable[str]) -> Terms:
    """The terms of deadlines of `kinds` in a project: five queries, whatever the kinds."""
    project_id = project if isinstance(project, int) else project.pk
    kinds = list(dict.fromkeys(kinds))
    rows = {
        row.kind: row for row in DeadlineRule.objects.filter(project_id=project_id, kind__in=kinds)
    }
    return Terms(
        project_id=project_id,
        rules={kind: _rule_spec(kind, rows.get(kind)) for kind in kinds},
        policy=policy_for(project_id),
        calendar=calendar_for(project_id),
    )


def kind_label(kind: str) -> str:
    rule = DEFAULT_RULES.get(kind)
    return str(rule.label) if rule else kind


def _roles(text: str) -> tuple[str, ...]:
    return tuple(r.strip() for r in text.split(",") if r.strip())


def compute_due(*, rule: RuleSpec, start: dt.datetime, calendar: WorkingCalendar) -> dt.datetime:
    """When a deadline of `rule` started at `start` is due."""
    if rule.mode == DeadlineMode.END_OF_DAY:
        return calendar.end_of_working_day(start, days=rule.days)
    duration = dt.timedelta(minutes=rule.minutes)
    if rule.counting == Counting.WORKING:
        return calendar.add_working(start, duration)
    return start + duration


# --- Stages ---------------------------------------------------------------------------
# A deadline's stages happen in this order: 1 the warning (optional), 2 the
# breach, 3.. one per role of the escalation chain. `Deadline.stage` is the
# last one acted on; `next_action_at` the time of the next one.

_WARNING, _OVERDUE = 1, 2
_ESCALATIONS = [DeadlineStage.ESCALATION_1, DeadlineStage.ESCALATION_2, DeadlineStage.ESCALATION_3]
_STAGE_TOPIC = {_WARNING: Topic.DEADLINE_DUE_SOON, _OVERDUE: Topic.DEADLINE_OVERDUE}


def _listed(items: Iterable[str]) -> str:
    """Names in a row, with the list separator of the active language."""
    separator = "、" if (translation.get_language() or "").startswith("zh") else ", "
    return separator.join(items)


@dataclass(frozen=True)
class Stage:
    number: int
    code: str
    at: dt.datetime
    role: str = ""


def stages_of(deadline: Deadline, calendar: WorkingCalendar) -> list[Stage]:
    stages = []
    if deadline.warn_at is not None:
        stages.append(Stage(_WARNING, DeadlineStage.WARNING, deadline.warn_at))
    stages.append(Stage(_OVERDUE, DeadlineStage.OVERDUE, deadline.due_at))
    step = dt.timedelta(minutes=deadline.escalate_after_minutes)
    for index, role in enumerate(_roles(deadline.escalation_roles)[: len(_ESCALATIONS)]):
        # An emergency escalates at any hour; other matters wait for working time.
        if deadline.counting == Counting.WORKING and not deadline.is_emergency:
            at = calendar.add_working(deadline.due_at, step * (index + 1))
        else:
            at = deadline.due_at + step * (index + 1)
        stages.append(Stage(_OVERDUE + 1 + index, _ESCALATIONS[index], at, role))
    return stages


def _next_action(deadline: Deadline, calendar: WorkingCalendar) -> dt.datetime | None:
    if deadline.state != DeadlineState.OPEN or deadline.paused_at is not None:
        return None
    pending = [s.at for s in stages_of(deadline, calendar) if s.number > deadline.stage]
    return min(pending) if pending else None


# --- Services -------------------------------------------------------------------------


def _subject_key(subject: models.Model) -> tuple[ContentType, int]:
    if subject.pk is None:
        raise ApplicationError(_("A deadline needs a saved subject."))
    return ContentType.objects.get_for_model(subject, for_concrete_model=False), int(subject.pk)


@transaction.atomic
def deadline_open(
    *,
    subject: models.Model,
    project: Project,
    kind: str,
    start: dt.datetime | None = None,
    responsible: Any = None,
    responsible_role: str = "",
    due_at: dt.datetime | None = None,
    is_emergency: bool | None = None,
    url: str = "",
    label: str = "",
    terms: Terms | None = None,
    new_subject: bool = False,
) -> Deadline:
    """Open the deadline of `kind` for `subject`, due by the project's rule and calendar.

    `due_at` overrides the rule (a time promised to the resident); `is_emergency`
    overrides the rule's flag (emergency notifications go out at any hour).
    Opening a kind that is already open for the subject returns the open one
    unchanged, so a caller that runs twice opens it once. `terms` (read before
    with `terms_for`) spares reading the rule, policy and calendar again, and
    `new_subject` the look for an open one, for a subject saved in this step.
    """
    subject_type, subject_id = _subject_key(subject)
    if not new_subject:
        existing = Deadline.objects.filter(
            subject_type=subject_type, subject_id=subject_id, kind=kind, state=DeadlineState.OPEN
        ).first()
        if existing is not None:
            return existing
    if responsible is None and not responsible_role:
        raise ApplicationError(fields={"responsible": [_("Name a person or a role responsible.")]})
    if terms is not None and terms.project_id == project.pk and kind in terms.rules:
        rule, policy, calendar = terms.rules[kind], terms.policy, terms.calendar
    else:
        rule = rule_for(project, kind)
        policy = policy_for(project)
        calendar = calendar_for(project)
    start = start or timezone.now()
    if timezone.is_naive(start) or (due_at is not None and timezone.is_naive(due_at)):
        raise ApplicationError(_("Deadlines take timezone-aware times."))
    due = due_at or compute_due(rule=rule, start=start, calendar=calendar)
    if due < start:
        raise ApplicationError(fields={"due_at": [_("The due time is before the start.")]})
    warn = (
        due - dt.timedelta(minutes=policy.warn_before_minutes)
        if policy.warn_before_minutes
        else None
    )
    deadline = Deadline(
        project=project,
        kind=kind,
        subject_type=subject_type,
        subject_id=subject_id,
        subject_label=(label or str(subject))[:200],
        url=url,
        responsible=responsible,
        responsible_role=responsible_role,
        counting=rule.counting,
        is_emergency=rule.is_emergency if is_emergency is None else is_emergency,
        recurs=rule.recurs,
        start_at=start,
        due_at=due,
        # No warning for a deadline opened already inside its warning window.
        warn_at=warn if warn is not None and warn > start else None,
        escalation_roles=",".join(policy.escalation_roles),
        escalate_after_minutes=(
            rule.escalate_after_minutes
            if rule.escalate_after_minutes is not None
            else policy.escalate_after_minutes
        ),
    )
    deadline.next_action_at = _next_action(deadline, calendar)
    try:
        with transaction.atomic():
            deadline.save()
    except IntegrityError:
        # Opened by a concurrent caller between our check and our insert.
        return Deadline.objects.get(
            subject_type=subject_type, subject_id=subject_id, kind=kind, state=DeadlineState.OPEN
        )
    return deadline


def _open_deadline(subject: models.Model, kind: str) -> Deadline | None:
    subject_type, subject_id = _subject_key(subject)
    return (
        Deadline.objects.select_for_update()
        .filter(
            subject_type=subject_type, subject_id=subject_id, kind=kind, state=DeadlineState.OPEN
        )
        .first()
    )


@transaction.atomic
def deadline_meet(
    *, subject: models.Model, kind: str, by: Any = None, at: dt.datetime | None = None
) -> Deadline | None:
    """Close the open deadline of `kind` for `subject`: the promise is kept.

    Call inside the transaction of the action that keeps it; from then on the
    sweep never touches it. Returns None when there is nothing open (already
    met, or never opened). A recurring deadline (the warranty progress report)
    opens its successor, due at the end of the next working day.
    """
    deadline = _open_deadline(subject, kind)
    if deadline is None:
        return None
    at = at or timezone.now()
    _close_pause(deadline, at=at, by=by)
    deadline.state = DeadlineState.MET
    deadline.met_at = at
    deadline.met_by = by if getattr(by, "pk", None) else None
    deadline.paused_at = None
    deadline.next_action_at = None
    deadline.save(update_fields=["state", "met_at", "met_by", "paused_at", "next_action_at"])
    if deadline.recurs:
        # The met row stays as that day's record; the next working day's report is due next.
        _open_successor(deadline, start=at, calendar=calendar_for(deadline.project_id))
    return deadline


def _open_successor(
    previous: Deadline, *, start: dt.datetime, calendar: WorkingCalendar
) -> Deadline:
    due = calendar.end_of_working_day(max(previous.due_at, start) + dt.timedelta(seconds=1))
    policy = policy_for(previous.project_id)
    warn = (
        due - dt.timedelta(minutes=policy.warn_before_minutes)
        if policy.warn_before_minutes
        else None
    )
    successor = Deadline(
        project_id=previous.project_id,
        kind=previous.kind,
        subject_type_id=previous.subject_type_id,
        subject_id=previous.subject_id,
        subject_label=previous.subject_label,
        url=previous.url,
        responsible_id=previous.responsible_id,
        responsible_role=previous.responsible_role,
        counting=previous.counting,
        is_emergency=previous.is_emergency,
        recurs=True,
        start_at=start,
        due_at=due,
        warn_at=warn if warn is not None and warn > start else None,
        escalation_roles=previous.escalation_roles,
        escalate_after_minutes=previous.escalate_after_minutes,
    )
    successor.next_action_at = _next_action(successor, calendar)
    successor.save()
    return successor


@transaction.atomic
def deadline_reassign(
    *, subject: models.Model, kind: str, responsible: Any = None, responsible_role: str = ""
) -> Deadline | None:
    """Hand an open deadline to another person (or role): an order transferred to a new worker.

    The promise keeps its due time, its pause and what the sweep has already
    done, so a breach already notified is not notified again. Returns None
    when nothing of `kind` is open.
    """
    if responsible is None and not responsible_role:
        raise ApplicationError(fields={"responsible": [_("Name a person or a role responsible.")]})
    deadline = _open_deadline(subject, kind)
    if deadline is None:
        return None
    deadline.responsible = responsible
    deadline.responsible_role = responsible_role
    deadline.save(update_fields=["responsible", "responsible_role"])
    return deadline


@transaction.atomic
def deadline_cancel(
    *, subject: models.Model, kind: str, reason: str, at: dt.datetime | None = None
) -> Deadline | None:
    """Stop watching a promise that no longer stands (the order was voided, the warranty done)."""
    if not reason.strip():
        raise ApplicationError(fields={"reason": [_("Give the reason for cancelling.")]})
    deadline = _open_deadline(subject, kind)
    if deadline is None:
        return None
    at = at or timezone.now()
    _close_pause(deadline, at=at, by=None)
    deadline.state = DeadlineState.CANCELLED
    deadline.cancelled_at = at
    deadline.cancel_reason = reason.strip()[:200]
    deadline.paused_at = None
    deadline.next_action_at = None
    deadline.save(
        update_fields=["state", "cancelled_at", "cancel_reason", "paused_at", "next_action_at"]
    )
    return deadline


@transaction.atomic
def deadline_pause(
    *, subject: models.Model, kind: str, reason: str, by: Any = None, at: dt.datetime | None = None
) -> Deadline:
    """Stop the clock of an open deadline (waiting for the resident, for parts), with the reason."""
    if not reason.strip():
        raise ApplicationError(fields={"reason": [_("Give the reason for pausing.")]})
    deadline = _open_deadline(subject, kind)
    if deadline is None:
        raise ApplicationError(_("There is no open deadline to pause."))
    if deadline.paused_at is not None:
        raise ApplicationError(_("This deadline is already paused."))
    at = at or timezone.now()
    DeadlinePause.objects.create(
        deadline=deadline,
        reason=reason.strip()[:200],
        paused_at=at,
        paused_by=by if getattr(by, "pk", None) else None,
    )
    deadline.paused_at = at
    deadline.next_action_at = None
    deadline.save(update_fields=["paused_at", "next_action_at"])
    return deadline


@transaction.atomic
def deadline_resume(
    *, subject: models.Model, kind: str, by: Any = None, at: dt.datetime | None = None
) -> Deadline:
    """Restart the clock: the due time moves later by the time the deadline stood still.

    A working-time deadline moves by the working time that passed while it was
    paused (a pause over a weekend costs the weekend nothing); a wall-clock
    one by the wall-clock time.
    """
    deadline = _open_deadline(subject, kind)
    if deadline is None or deadline.paused_at is None:
        raise ApplicationError(_("There is no paused deadline to resume."))
    at = at or timezone.now()
    calendar = calendar_for(deadline.project_id)
    paused_at = deadline.paused_at
    if deadline.counting == Counting.WORKING and paused_at < deadline.due_at:
        remaining = calendar.working_between(paused_at, deadline.due_at)
        new_due = calendar.add_working(calendar.next_working_moment(max(at, paused_at)), remaining)
    else:
        new_due = deadline.due_at + max(at - paused_at, dt.timedelta(0))
    shift = new_due - deadline.due_at
    deadline.due_at = new_due
    if deadline.warn_at is not None:
        deadline.warn_at += shift
    _close_pause(deadline, at=at, by=by)
    deadline.paused_at = None
    deadline.next_action_at = _next_action(deadline, calendar)
    deadline.save(update_fields=["due_at", "warn_at", "paused_at", "next_action_at"])
    return deadline


def _close_pause(deadline: Deadline, *, at: dt.datetime, by: Any) -> None:
    if deadline.paused_at is None:
        return
    DeadlinePause.objects.filter(deadline=deadline, resumed_at__isnull=True).update(
        resumed_at=at, resumed_by=by if getattr(by, "pk", None) else None
    )


# --- The sweep ------------------------------------------------------------------------


@dataclass
class SweepResult:
    deadlines: int = 0
    events: int = 0
    notifications: int = 0


def deadline_sweep(*, now: dt.datetime | None = None, batch: int = 200) -> SweepResult:
    """Act on every deadline whose next stage has come: warn, mark overdue, escalate.

    Reads only open deadlines with `next_action_at <= now` (the partial index
    core_deadline_sweep), so its cost follows the number of deadlines due, not
    the size of the table. Each batch runs in one transaction and locks its
    rows with SKIP LOCKED: two sweeps running at once take different rows, and
    a row acted on has its `next_action_at` moved on before the lock is
    released. The unique (deadline, stage) event row is the last guard: a
    stage is acted on, and notified, exactly once.

    Everything due since the last run is acted on, so a sweep after a worker
    or beat outage catches up; a warning whose deadline has already passed is
    skipped (the breach notice says more).
    """
    now = now or timezone.now()
    result = SweepResult()
    calendars: dict[int, WorkingCalendar] = {}
    people = _People()
    while True:
        with transaction.atomic():
            rows = list(
                Deadline.objects.select_for_update(skip_locked=True, of=("self",))
                .filter(
                    state=DeadlineState.OPEN, next_action_at__isnull=False, next_action_at__lte=now
                )
                .select_related("responsible", "project")
                .order_by("next_action_at", "id")[:batch]
            )
            if rows:
                missing = {d.project_id for d in rows} - calendars.keys()
                if missing:
                    calendars.update(calendars_for(missing))
                _act(rows, now=now, calendars=calendars, result=result, people=people)
            result.deadlines += len(rows)
        if len(rows) < batch:
            return result


@dataclass(frozen=True)
class PlannedStage:
    """A stage the sweep would act on, as of a moment: for a dry run."""

    deadline: Deadline
    stage: Stage


def deadline_sweep_plan(
    *, now: dt.datetime | None = None, project: Project | None = None
) -> list[PlannedStage]:
    """The stages a sweep at `now` would act on, without acting (a dry run).

    It reads what the sweep reads and applies the same skips (a stage already
    acted on, a warning whose deadline has passed), so a changed rule or a
    catch-up after downtime can be checked before it notifies anyone.
    """
    now = now or timezone.now()
    deadlines = (
        Deadline.objects.filter(
            state=DeadlineState.OPEN, next_action_at__isnull=False, next_action_at__lte=now
        )
        .select_related("responsible", "project")
        .order_by("next_action_at", "id")
    )
    if project is not None:
        deadlines = deadlines.filter(project=project)
    calendars: dict[int, WorkingCalendar] = {}
    planned = []
    for deadline in deadlines:
        if deadline.project_id not in calendars:
            calendars[deadline.project_id] = calendar_for(deadline.project_id)
        for stage in stages_of(deadline, calendars[deadline.project_id]):
            if stage.number <= deadline.stage or stage.at > now:
                continue
            if stage.number == _WARNING and deadline.due_at <= now:
                continue
            planned.append(PlannedStage(deadline, stage))
    return planned


def _act(
    rows: list[Deadline],
    *,
    now: dt.datetime,
    calendars: dict[int, WorkingCalendar],
    result: SweepResult,
    people: _People,
) -> None:
    """Act on the stages that have come of a batch of locked deadlines, in a fixed number of
    queries whatever the batch's size: the stages already acted on (one read), who to tell
    (read once per run), then every notice, every event row and every deadline written in
    one statement each.

    Call inside the sweep's transaction, with the rows locked. A stage whose event row
    exists already (acted on by an overlapping sweep before we got the lock) is passed
    over without notifying anyone; the unique (deadline, stage) event is the last guard:
    should a row appear all the same, the batch rolls back whole and the next sweep acts.
    """
    acted = set(DeadlineEvent.objects.filter(deadline__in=rows).values_list("deadline_id", "stage"))
    planned: list[tuple[Deadline, Stage]] = []
    for deadline in rows:
        calendar = calendars[deadline.project_id]
        for stage in stages_of(deadline, calendar):
            if stage.number <= deadline.stage or stage.at > now:
                continue
            deadline.stage = stage.number
            if stage.number == _WARNING and deadline.due_at <= now:
                continue
            if stage.number == _OVERDUE:
                deadline.marked_overdue_at = now
            if (deadline.pk, stage.code) in acted:
                continue
            planned.append((deadline, stage))
        deadline.next_action_at = _next_action(deadline, calendar)
    people.load(
        groups={
            (d.project_id, s.role or d.responsible_role)
            for d, s in planned
            if s.role or d.responsible is None
        },
        users=[d.responsible for d, s in planned if d.responsible is not None],
    )
    notices: list[Any] = []
    events = []
    for deadline, stage in planned:
        built = _notify_stage(
            deadline, stage, now=now, calendar=calendars[deadline.project_id], people=people
        )
        notices.extend(built)
        events.append(
            DeadlineEvent(
                deadline=deadline,
                stage=stage.code,
                scheduled_at=stage.at,
                acted_at=now,
                notified=len(built),
            )
        )
    Notification.objects.bulk_create(notices)
    DeadlineEvent.objects.bulk_create(events)
    Deadline.objects.bulk_update(rows, ["stage", "marked_overdue_at", "next_action_at"])
    result.events += len(events)
    result.notifications += len(notices)


class _People:
    """Who a sweep notifies, read once per run: the staff holding a role in a project, each
    user's roles and language. A sweep acting on a hundred deadlines of one project reads
    its supervisors once, not a hundred times."""

    def __init__(self) -> None:
        self._with_role: dict[tuple[int, str], list[Any]] = {}
        self._roles: dict[int, frozenset[str]] = {}
        self._languages: dict[int, str] = {}

    def load(self, *, groups: set[tuple[int, str]], users: list[Any]) -> None:
        """Read, in a fixed few queries, the holders of each (project, role) and the roles
        and language of every one of them and of `users` (a batch's responsible people)."""
        groups = {g for g in groups if g not in self._with_role and g[1]}
        found: dict[tuple[int, str], set[int]] = {g: set() for g in groups}
        if groups:
            triples = (
                get_user_model()
                .objects.filter(
                    is_active=True,
                    groups__name__in={role for _p, role in groups},
                    memberships__project_id__in={project for project, _r in groups},
                )
                .values_list("pk", "memberships__project_id", "groups__name")
            )
            for pk, project_id, role in triples:
                if (project_id, role) in found:
                    found[(project_id, role)].add(pk)
            holders = get_user_model().objects.in_bulk({pk for ids in found.values() for pk in ids})
            for group, ids in found.items():
                self._with_role[group] = [holders[pk] for pk in sorted(ids)]
            users = [*users, *holders.values()]
        self._learn(users)

    def with_role(self, project_id: int, role: str) -> list[Any]:
        key = (project_id, role)
        if key not in self._with_role:
            users = list(users_with_role(project=project_id, role=role))
            self._with_role[key] = users
            self._learn(users)
        return self._with_role[key]

    def roles(self, user: Any) -> frozenset[str]:
        if user.pk not in self._roles:
            self._learn([user])
        return self._roles[user.pk]

    def language(self, user: Any) -> str:
        if user.pk not in self._languages:
            self._learn([user])
        return self._languages[user.pk] or settings.LANGUAGE_CODE

    def _learn(self, users: list[Any]) -> None:
        ids = [u.pk for u in users if u.pk not in self._roles]
        if not ids:
            return
        roles: dict[int, set[str]] = {pk: set() for pk in ids}
        membership = get_user_model().groups.through.objects.filter(user_id__in=ids)
        for user_id, name in membership.values_list("user_id", "group__name"):
            roles[user_id].add(name)
        languages = dict(
            StaffProfile.objects.filter(user_id__in=ids).values_list("user_id", "language")
        )
        for pk in ids:
            self._roles[pk] = frozenset(roles[pk])
            self._languages[pk] = languages.get(pk, "")


def _stage_text(deadline: Deadline, stage: Stage, told: str, then: str) -> tuple[str, str, str]:
    """(topic, title, body) of a stage's notice, in the active language.

    The body ends by saying who this stage tells (and when, if after hours) and who is
    told next if the matter stays undone, so nobody assumes the chain already knows.
    """
    local_due = timezone.localtime(deadline.due_at).strftime("%Y-%m-%d %H:%M")
    values = {
        "what": kind_label(deadline.kind),
        "subject": deadline.subject_label,
        "due": local_due,
    }
    chain = _("Told: %(told)s.") % {"told": told} if told else ""
    if then:
        chain += (" " if chain else "") + _("If still not done: %(then)s.") % {"then": then}
    if stage.number == _WARNING:
        return (
            Topic.DEADLINE_DUE_SOON,
            _("Due soon: %(what)s — %(subject)s") % values,
            _("%(what)s for %(subject)s is due at %(due)s.") % values,
        )
    if stage.number == _OVERDUE:
        return (
            Topic.DEADLINE_OVERDUE,
            _("Overdue: %(what)s — %(subject)s") % values,
            _("%(what)s for %(subject)s was due at %(due)s and is not done.") % values
            + (" " + chain if chain else ""),
        )
    person = deadline.responsible
    values["who"] = (
        (person.get_full_name() or person.username) if person else deadline.responsible_role
    )
    return (
        Topic.DEADLINE_ESCALATED,
        _("Escalated: %(what)s — %(subject)s") % values,
        _(
            "%(what)s for %(subject)s was due at %(due)s and is still not done "
            "(responsible: %(who)s)."
        )
        % values
        + (" " + chain if chain else ""),
    )


def _when(deadline: Deadline, at: dt.datetime, calendar: WorkingCalendar) -> dt.datetime:
    """When a notice of the deadline made at `at` reaches the bell (emergencies: at once)."""
    return at if deadline.is_emergency else calendar.next_working_moment(at)


def _told_and_then(
    deadline: Deadline,
    stage: Stage,
    recipients: list[Any],
    *,
    now: dt.datetime,
    calendar: WorkingCalendar,
) -> tuple[str, str]:
    """Who this stage tells (with the hour, when it waits for working time), and the
    escalations still to come with their hour. In the active language."""
    names = _listed(u.get_full_name() or u.username for u in recipients)
    role = str(Role(stage.role).label) if stage.role in Role.values else stage.role
    told = f"{role} {names}".strip() if stage.role else names
    deliver = _when(deadline, now, calendar)
    if told and deliver > now:
        told += " " + _("(at %(at)s, when working time starts)") % {
            "at": timezone.localtime(deliver).strftime("%m-%d %H:%M")
        }
    then = []
    for later in stages_of(deadline, calendar):
        if later.number > stage.number and later.role:
            label = str(Role(later.role).label) if later.role in Role.values else later.role
            at = timezone.localtime(_when(deadline, later.at, calendar)).strftime("%m-%d %H:%M")
            then.append(f"{label} {at}")
    return (told if stage.number >= _OVERDUE else ""), _listed(then)


def _notify_stage(
    deadline: Deadline,
    stage: Stage,
    *,
    now: dt.datetime,
    calendar: WorkingCalendar,
    people: _People,
) -> list[Any]:
    """The notices of a stage to who it concerns, each in their own language (not saved:
    the sweep saves a batch's notices at once)."""
    recipients: list[tuple[Any, bool]]
    if stage.role:
        recipients = [(u, False) for u in people.with_role(deadline.project_id, stage.role)]
    elif deadline.responsible is not None:
        recipients = [(deadline.responsible, True)]
    else:
        recipients = [
            (u, True) for u in people.with_role(deadline.project_id, deadline.responsible_role)
        ]
    topic_of_stage = _STAGE_TOPIC.get(stage.number, Topic.DEADLINE_ESCALATED)
    told_users = [
        u
        for u, named in recipients
        if channels_for(roles=people.roles(u), topic=topic_of_stage, named=named)
    ]
    built = []
    for user, named in recipients:
        with translation.override(people.language(user)):
            told, then = _told_and_then(deadline, stage, told_users, now=now, calendar=calendar)
            topic, title, body = _stage_text(deadline, stage, told, then)
        notification = notification_build(
            user=user,
            topic=topic,
            title=title,
            body=body,
            url=deadline.url,
            project=deadline.project_id,
            is_emergency=deadline.is_emergency,
            named=named,
            now=now,
            calendar=calendar,
            roles=people.roles(user),
        )
        if notification is not None:
            built.append(notification)
    return built


# --- Selectors ------------------------------------------------------------------------


def deadlines_of(subject: models.Model) -> QuerySet[Deadline]:
    """Every deadline of one subject (open, met and cancelled), earliest due first."""
    subject_type, subject_id = _subject_key(subject)
    return Deadline.objects.filter(subject_type=subject_type, subject_id=subject_id).order_by(
        "due_at", "id"
    )


def deadlines_for_subjects(
    model: type[models.Model], ids: Iterable[int]
) -> dict[int, list[Deadline]]:
    """The deadlines of many subjects of one model in one query, by subject id (for list pages)."""
    subject_type = ContentType.objects.get_for_model(model, for_concrete_model=False)
    grouped: dict[int, list[Deadline]] = {}
    for deadline in Deadline.objects.filter(
        subject_type=subject_type, subject_id__in=list(ids)
    ).order_by("due_at", "id"):
        grouped.setdefault(deadline.subject_id, []).append(deadline)
    return grouped


def deadline_list(
    *,
    user: Any,
    kind: str | None = None,
    overdue: bool | None = None,
    now: dt.datetime | None = None,
) -> QuerySet[Deadline]:
    """Open deadlines of the user's projects, earliest due first.

    `overdue=True` narrows to the broken promises, `False` to the others.
    """
    now = now or timezone.now()
    qs = scope(Deadline.objects.filter(state=DeadlineState.OPEN), user).select_related(
        "responsible", "project"
    )
    if kind:
        qs = qs.filter(kind=kind)
    if overdue is True:
        qs = qs.filter(paused_at__isnull=True, due_at__lte=now)
    elif overdue is False:
        qs = qs.exclude(paused_at__isnull=True, due_at__lte=now)
    return qs.order_by("due_at", "id")
