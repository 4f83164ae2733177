"""Writes to work orders. Every change is checked, saved and recorded here.

All functions are keyword-only and atomic. Each validates everything before
it writes, so a refused request raises `ApplicationError` (or
`PermissionDenied` for a supervisor's action) and leaves nothing behind; the
serial number is taken last, just before the order is saved, so a refused
registration consumes none and the counter row stays locked as briefly as
possible. Each transition locks the order row, checks the table in
`tickets.transitions`, and appends a `TicketEvent`.

Functions that take a `ticket` update that instance in place and return it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from sequences import get_next_value

from frontdesk.core import deadlines as promises
from frontdesk.core.calendar import calendar_for
from frontdesk.core.errors import ApplicationError
from frontdesk.core.models import DeadlineState, Membership, Project
from frontdesk.core.roles import Role
from frontdesk.core.scoping import can_access_project
from residents.models import Building, Household

from .choices import (
    CONTRACT_KINDS,
    DEFAULT_DEPARTMENT,
    PAID_BY_DEFAULT,
    SERIAL_PREFIX,
    ComplaintCategory,
    ComplaintReason,
    Department,
    Dissatisfied,
    LiaisonStatus,
    Place,
    Priority,
    Rating,
    ReferredTo,
    Satisfaction,
    ScheduleType,
    Source,
    Temper,
    TicketKind,
    TicketStatus,
)
from .models import (
    Callback,
    ComplaintDetail,
    ContractVisit,
    LiaisonForm,
    MonthlyContract,
    PromiseSlip,
    ResidentRating,
    Ticket,
    TicketEvent,
    WarrantyRepair,
    WarrantyReport,
)
from .transitions import PREVIOUS, check

# --- Helpers -------------------------------------------------------------------------


def _choice(
    value: Any, choices: type[models.TextChoices], field: str, *, blank: bool = False
) -> str:
    value = "" if value is None else str(value)
    if blank and value == "":
        return value
    if value not in choices.values:
        raise ApplicationError(
            fields={field: [_("“%(value)s” is not a valid choice.") % {"value": value}]}
        )
    return value


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
    if timezone.is_naive(value):
        value = timezone.make_aware(value)
    return value


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


def _registered_due(ticket: Ticket, now: dt.datetime) -> dt.datetime:
    """When an order not yet dispatched is due back: the end of the working day of its
    appointment (or of now)."""
    moment = ticket.appointment_at if ticket.appointment_at and ticket.appointment_at > now else now
    return end_of_working_day(ticket.project_id, moment)


# --- Promises kept by the deadlines of frontdesk.core ------------------------------------
# Each promise of the process is a deadline on the order: opened by the step that makes
# it, met by the step that keeps it, in the same transaction. The sweep warns and
# escalates; the durations are the project's rules and working calendar.

DEPARTMENT_ROLE: dict[str, str] = {
    Department.ENGINEERING: Role.ENGINEERING,
    Department.CLEANING: Role.CLEANING,
    Department.GREENING: Role.GREENING,
    Department.SECURITY: Role.SECURITY,
    Department.CUSTOMER_SERVICE: Role.DESK,
}
RETURN_FREE = "order.return_free"
RETURN_PAID = "order.return_paid"


def _ticket_url(ticket: Ticket) -> str:
    try:
        return reverse("tickets:detail", args=[ticket.pk])
    except NoReverseMatch:
        return ""


def _promise(
    ticket: Ticket,
    kind: str,
    *,
    start: dt.datetime | None = None,
    responsible: Any = None,
    role: str = "",
    due_at: dt.datetime | None = None,
) -> Any:
    """Open the deadline of `kind` on the order. Call inside the step's transaction."""
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


# --- Registration -------------------------------------------------------------------


def _complaint_detail(data: Mapping[str, Any] | None) -> ComplaintDetail:
    data = dict(data or {})
    allowed = {"category", "reason", "temper", "resident_wants"}
    unknown = set(data) - allowed
    if unknown:
        raise ApplicationError(
            fields={f"complaint.{k}": [_("Unknown field.")] for k in sorted(unknown)}
        )
    errors: dict[str, list[str]] = {}
    for name, choices in (("category", ComplaintCategory), ("reason", ComplaintReason)):
        value = data.get(name) or ""
        if not value:
            errors[name] = [_("This field is required.")]
        elif value not in choices.values:
            errors[name] = [_("“%(value)s” is not a valid choice.") % {"value": value}]
    temper = data.get("temper") or Temper.RATIONAL
    if temper not in Temper.values:
        errors["temper"] = [_("“%(value)s” is not a valid choice.") % {"value": temper}]
    if errors:
        raise ApplicationError(fields=errors)
    return ComplaintDetail(
        category=data["category"],
        reason=data["reason"],
        temper=temper,
        resident_wants=(data.get("resident_wants") or "").strip(),
    )


@transaction.atomic
def ticket_register(
    *,
    project: Project,
    kind: str,
    matter: str,
    by: Any,
    household: Household | None = None,
    building: Building | None = None,
    place: str = "",
    location: str = "",
    reporter_name: str = "",
    reporter_phone: str = "",
    description: str = "",
    source: str = Source.PHONE,
    priority: str = Priority.NORMAL,
    appointment_at: dt.datetime | None = None,
    address_confirmed: bool = False,
    time_confirmed: bool = False,
    department: str | None = None,
    paid: bool | None = None,
    is_hourly: bool = False,
    fee_quote: Decimal | None = None,
    complaint: Mapping[str, Any] | None = None,
    rework_of: Ticket | None = None,
    complaint_from: Ticket | None = None,
) -> Ticket:
    """Register an order about a household, or a public place with its reporter.

    `complaint` carries a complaint's category, reason, temper and what the
    resident wants. `time_confirmed` says the service time was agreed with
    the customer on this call (housekeeping and greening need it before they
    are dispatched).
    """
    kind = _choice(kind, TicketKind, "kind")
    if not can_access_project(by, project.pk):
        raise ApplicationError(fields={"project": [_("You do not work in this project.")]})
    matter = _required_text(matter, "matter", max_length=200)
    source = _choice(source, Source, "source")
    priority = _choice(priority, Priority, "priority")
    place = _choice(place, Place, "place", blank=True)
    appointment_at = _aware(appointment_at, "appointment_at")
    department = _choice(
        DEFAULT_DEPARTMENT[kind] if department is None else department,
        Department,
        "department",
        blank=True,
    )
    fee_quote = _money(fee_quote, "fee_quote")
    if household is not None:
        if household.project_id != project.pk:
            raise ApplicationError(
                fields={"household": [_("This household is not in this project.")]}
            )
        if building is not None and building.pk != household.unit.building_id:
            raise ApplicationError(
                fields={"building": [_("The household lives in another building.")]}
            )
        building = household.unit.building
        place = ""
    else:
        if not place:
            raise ApplicationError(
                fields={
                    "household": [_("Choose a household, or a public place with who reported it.")],
                    "place": [_("Choose the public place.")],
                }
            )
        if not (reporter_name or "").strip() and not (reporter_phone or "").strip():
            raise ApplicationError(fields={"reporter_name": [_("Write who reported it.")]})
        if building is not None and building.project_id != project.pk:
            raise ApplicationError(
                fields={"building": [_("This building is not in this project.")]}
            )
    for name, linked in (("rework_of", rework_of), ("complaint_from", complaint_from)):
        if linked is not None and linked.project_id != project.pk:
            raise ApplicationError(fields={name: [_("This order is not in this project.")]})
    detail = _complaint_detail(complaint) if kind == TicketKind.COMPLAINT else None
    if complaint and kind != TicketKind.COMPLAINT:
        raise ApplicationError(fields={"complaint": [_("Only a complaint has these details.")]})
    if paid is None:
        paid = kind in PAID_BY_DEFAULT
    if kind == TicketKind.COMPLAINT and paid:
        raise ApplicationError(fields={"paid": [_("A complaint is not a paid service.")]})

    now = timezone.now()
    ticket = Ticket(
        project=project,
        kind=kind,
        household=household,
        building=building,
        place=place,
        location=(location or "").strip(),
        reporter_name=(reporter_name or "").strip(),
        reporter_phone=(reporter_phone or "").strip(),
        matter=matter,
        description=description or "",
        source=source,
        priority=priority,
        appointment_at=appointment_at,
        address_confirmed=bool(address_confirmed),
        confirmed_time_at=now if time_confirmed else None,
        department=department,
        paid=bool(paid),
        is_hourly=bool(is_hourly),
        fee_quote=fee_quote,
        rework_of=rework_of,
        complaint_from=complaint_from,
        created_by=by,
        serial="pending",
    )
    _full_clean(
        ticket,
        exclude=[
            "serial",
            "created_by",
            "project",
            "household",
            "building",
            "rework_of",
            "complaint_from",
        ],
    )
    ticket.created_at = now
    ticket.due_at = _registered_due(ticket, now)
    # Last, after every check: the number is taken only for an order that will be saved.
    ticket.serial = next_serial(project_id=project.pk, kind=kind, year=timezone.localtime(now).year)
    ticket.save()
    data: dict[str, Any] = {"serial": ticket.serial}
    if rework_of is not None:
        data["rework_of"] = rework_of.serial
    if complaint_from is not None:
        data["complaint_from"] = complaint_from.serial
    _event(ticket, action="register", by=by, from_status="", data=data, at=now)
    if detail is not None:
        # Same-day investigation, and the answer the resident is promised (three days).
        _promise(ticket, "complaint.investigation", start=now, responsible=by)
        answer = _promise(ticket, "complaint.answer", start=now, responsible=by)
        ticket.due_at = answer.due_at
        ticket.save(update_fields=["due_at"])
        detail.ticket = ticket
        detail.answer_due_at = answer.due_at
        detail.save()
    return ticket


# --- Fees, pricing and time ---------------------------------------------------------------


@transaction.atomic
def ticket_quote_acknowledge(
    *, ticket: Ticket, by: Any, fee_quote: Any = None, note: str = ""
) -> Ticket:
    """The resident acknowledges the quoted fee of a paid order (before it is dispatched)."""

    def apply(t: Ticket) -> dict[str, Any]:
        if not t.paid:
            raise ApplicationError(
                fields={"fee_quote": [_("This order is free: there is no fee to acknowledge.")]}
            )
        quote = _money(fee_quote, "fee_quote")
        if quote is not None:
            t.fee_quote = quote
        if t.fee_quote is None:
            raise ApplicationError(fields={"fee_quote": [_("Quote the fee first.")]})
        t.fee_acknowledged_at = timezone.now()
        return {"fee_quote": str(t.fee_quote)}

    return _transition(ticket=ticket, action="acknowledge_quote", by=by, note=note, apply=apply)


@transaction.atomic
def ticket_price(*, ticket: Ticket, price: Any, by: Any, lead: Any, note: str = "") -> Ticket:
    """The butler (`by`) and the area lead price a new customer's job on site, with the customer.

    The customer agrees the price there, so it counts as acknowledged.
    """

    def apply(t: Ticket) -> dict[str, Any]:
        if t.is_hourly:
            raise ApplicationError(fields={"price": [_("Hourly cleaning is not priced on site.")]})
        amount = _money(price, "price", required=True)
        if lead is None:
            raise ApplicationError(fields={"lead": [_("Name the area lead who priced it.")]})
        _member(lead, t.project_id, "lead")
        now = timezone.now()
        t.fee_quote = amount
        t.priced_at = now
        t.priced_by = by
        t.priced_with = lead
        t.paid = True
        t.fee_acknowledged_at = now
        return {"price": str(amount), "lead": lead.pk}

    return _transition(ticket=ticket, action="price", by=by, note=note, apply=apply)


@transaction.atomic
def ticket_confirm_time(*, ticket: Ticket, appointment_at: Any, by: Any, note: str = "") -> Ticket:
    """The service time, agreed with the customer on the phone."""

    def apply(t: Ticket) -> dict[str, Any]:
        when = _aware(appointment_at, "appointment_at")
        if when is None:
            raise ApplicationError(fields={"appointment_at": [_("This field is required.")]})
        t.appointment_at = when
        t.confirmed_time_at = timezone.now()
        if t.status == TicketStatus.REGISTERED and t.kind != TicketKind.COMPLAINT:
            t.due_at = _registered_due(t, t.confirmed_time_at)
        return {"appointment_at": when.isoformat()}

    return _transition(ticket=ticket, action="confirm_time", by=by, note=note, apply=apply)


# --- Dispatch and work ---------------------------------------------------------------------


def _assignee_checks(t: Ticket, assignee: Any) -> None:
    if assignee is not None:
        _member(assignee, t.project_id, "assignee")


@transaction.atomic
def ticket_dispatch(
    *, ticket: Ticket, by: Any, department: str | None = None, assignee: Any = None, note: str = ""
) -> Ticket:
    """Send the order to a department (and a worker), or a complaint to the building's butler.

    A paid order is refused until its quote is acknowledged; housekeeping and
    greening until the time is confirmed with the customer and, for a new
    customer's job that is not hourly, until it is priced on site.
    """

    def apply(t: Ticket) -> dict[str, Any]:
        dept = _choice(
            t.department if department is None else department,
            Department,
            "department",
            blank=t.kind == TicketKind.COMPLAINT,
        )
        if t.kind in CONTRACT_KINDS:
            if t.confirmed_time_at is None:
                raise ApplicationError(
                    fields={
                        "appointment_at": [_("Confirm the service time with the customer first.")]
                    }
                )
            is_visit = ContractVisit.objects.filter(ticket=t).exists()
            if t.paid and not t.is_hourly and not is_visit and t.priced_at is None:
                raise ApplicationError(
                    fields={
                        "price": [_("The butler and the area lead price the job on site first.")]
                    }
                )
        if t.paid and t.fee_acknowledged_at is None:
            raise ApplicationError(
                fields={
                    "fee_quote": [
                        _("A paid order is dispatched only once the resident acknowledges the fee.")
                    ]
                }
            )
        who = assignee
        data: dict[str, Any] = {"department": dept}
        if t.kind == TicketKind.COMPLAINT:
            if who is None and t.building_id is not None:
                who = t.building.butler
            if who is None:
                raise ApplicationError(
                    fields={"assignee": [_("Name the butler who takes this complaint.")]}
                )
            _assignee_checks(t, who)
            data["butler"] = who.pk
        else:
            if not dept:
                raise ApplicationError(fields={"department": [_("This field is required.")]})
            _assignee_checks(t, who)
            # The butler of the building is told (DOMAIN: "the butler of the building is told").
            if t.building_id is not None and t.building.butler_id is not None:
                data["butler_told"] = t.building.butler_id
        t.department = dept
        t.assignee = who
        t.dispatched_at = timezone.now()
        if who is not None:
            data["assignee"] = who.pk
        return data

    def after(t: Ticket) -> None:
        now = t.dispatched_at or timezone.now()
        if t.kind == TicketKind.COMPLAINT:
            # The butler replies to the desk within the project's hours (4 by default).
            reply = _promise(t, "complaint.butler_reply", start=now, responsible=t.assignee)
            ComplaintDetail.objects.filter(ticket=t).update(
                butler=t.assignee, butler_reply_due_at=reply.due_at
            )
            return
        # Back at the desk by the end of the working day of the work (a paid order: promptly).
        start = t.appointment_at if t.appointment_at and t.appointment_at > now else now
        back = _promise(
            t,
            RETURN_PAID if t.paid else RETURN_FREE,
            start=start,
            responsible=t.assignee,
            role=DEPARTMENT_ROLE.get(t.department, Role.DESK),
        )
        t.due_at = back.due_at

    return _transition(ticket=ticket, action="dispatch", by=by, note=note, apply=apply, after=after)


@transaction.atomic
def ticket_accept(*, ticket: Ticket, by: Any, note: str = "") -> Ticket:
    """The department's lead or worker takes the order (and becomes its assignee if none)."""

    def apply(t: Ticket) -> None:
        t.accepted_at = timezone.now()
        if t.assignee_id is None:
            t.assignee = by

    return _transition(ticket=ticket, action="accept", by=by, note=note, apply=apply)


@transaction.atomic
def ticket_arrive(*, ticket: Ticket, by: Any, at: Any = None, note: str = "") -> Ticket:
    """The worker's arrival on site (快速到达): the desk can tell the resident."""

    def apply(t: Ticket) -> None:
        when = _aware(at, "at") or timezone.now()
        if t.dispatched_at and when < t.dispatched_at:
            raise ApplicationError(fields={"at": [_("The arrival cannot be before the dispatch.")]})
        if when > timezone.now() + dt.timedelta(minutes=5):
            raise ApplicationError(fields={"at": [_("The arrival cannot be in the future.")]})
        t.arrived_at = when
        if t.accepted_at is None:
            t.accepted_at = when
        if t.assignee_id is None:
            t.assignee = by

    return _transition(ticket=ticket, action="arrive", by=by, note=note, apply=apply)


@transaction.atomic
def ticket_pause(*, ticket: Ticket, reason: str, by: Any) -> Ticket:
    """Pause with a reason (waiting for parts, for the resident)."""

    def apply(t: Ticket) -> None:
        t.pause_reason = _required_text(reason, "reason", max_length=200)
        t.paused_from = t.status

    def after(t: Ticket) -> None:
        # The clocks stop while the order waits (for parts, for the resident).
        for deadline in _open_promises(t):
            if deadline.paused_at is None:
                promises.deadline_pause(subject=t, kind=deadline.kind, reason=t.pause_reason, by=by)

    return _transition(
        ticket=ticket, action="pause", by=by, note=reason or "", apply=apply, after=after
    )


@transaction.atomic
def ticket_resume(*, ticket: Ticket, by: Any, note: str = "") -> Ticket:
    """Take a paused order up again where it stopped."""

    def apply(t: Ticket) -> None:
        t.pause_reason = ""

    def after(t: Ticket) -> None:
        for deadline in _open_promises(t):
            if deadline.paused_at is not None:
                moved = promises.deadline_resume(subject=t, kind=deadline.kind, by=by)
                if moved.kind in {RETURN_FREE, RETURN_PAID, "complaint.answer"}:
                    t.due_at = moved.due_at

    return _transition(ticket=ticket, action="resume", by=by, note=note, apply=apply, after=after)


@transaction.atomic
def ticket_transfer(
    *, ticket: Ticket, by: Any, reason: str, department: str | None = None, assignee: Any = None
) -> Ticket:
    """Hand the order to another worker or department; it waits to be accepted again."""

    def apply(t: Ticket) -> dict[str, Any]:
        text = _required_text(reason, "reason", max_length=200)
        dept = _choice(
            t.department if department is None else department,
            Department,
            "department",
            blank=t.kind == TicketKind.COMPLAINT,
        )
        if dept == t.department and (assignee is None or assignee.pk == t.assignee_id):
            raise ApplicationError(fields={"assignee": [_("Choose another worker or department.")]})
        _assignee_checks(t, assignee)
        data = {
            "from_department": t.department,
            "from_assignee": t.assignee_id,
            "department": dept,
            "assignee": getattr(assignee, "pk", None),
            "reason": text,
        }
        t.department = dept
        t.assignee = assignee
        t.dispatched_at = timezone.now()
        t.accepted_at = None
        t.arrived_at = None
        t.paused_from = ""
        t.pause_reason = ""
        if t.kind == TicketKind.COMPLAINT and assignee is not None:
            ComplaintDetail.objects.filter(ticket=t).update(butler=assignee)
        return data

    def after(t: Ticket) -> None:
        # The promise stays as it was made; the person it waits on changes, and a paused
        # clock runs again (the order is dispatched anew).
        for deadline in _open_promises(t):
            if deadline.kind not in {RETURN_FREE, RETURN_PAID, "complaint.butler_reply"}:
                continue
            if deadline.paused_at is not None:
                deadline = promises.deadline_resume(subject=t, kind=deadline.kind, by=by)
            promises.deadline_cancel(subject=t, kind=deadline.kind, reason=_("Transferred."))
            moved = _promise(
                t,
                deadline.kind,
                start=deadline.start_at,
                due_at=deadline.due_at,
                responsible=t.assignee,
                role=DEPARTMENT_ROLE.get(t.department, Role.DESK),
            )
            if moved.kind != "complaint.butler_reply":
                t.due_at = moved.due_at

    return _transition(
        ticket=ticket, action="transfer", by=by, note=reason or "", apply=apply, after=after
    )


@transaction.atomic
def ticket_follow_up(*, ticket: Ticket, by: Any, note: str = "") -> Ticket:
    """A resident's follow-up call (催单): counted, and a normal order becomes urgent."""

    def apply(t: Ticket) -> dict[str, Any]:
        t.follow_up_count += 1
        raised = t.priority == Priority.NORMAL
        if raised:
            t.priority = Priority.URGENT
        return {"count": t.follow_up_count, "priority": t.priority}

    return _transition(ticket=ticket, action="follow_up", by=by, note=note, apply=apply)


@transaction.atomic
def ticket_complete(
    *,
    ticket: Ticket,
    by: Any,
    result: str = "",
    fee_charged: Any = None,
    material_cost: Any = None,
) -> Ticket:
    """The work is done. A paid order records the fee charged, which the cashier takes up."""

    def apply(t: Ticket) -> dict[str, Any]:
        fee = _money(fee_charged, "fee_charged", required=t.paid)
        cost = _money(material_cost, "material_cost")
        t.result = (result or "").strip()
        t.fee_charged = fee
        t.material_cost = cost
        t.done_at = timezone.now()
        return {
            "fee_charged": str(fee) if fee is not None else None,
            "material_cost": str(cost) if cost is not None else None,
        }

    def after(t: Ticket) -> None:
        _drop_promises(t, _("The work is done."), kinds=("warranty.progress_report",))

    return _transition(
        ticket=ticket, action="complete", by=by, note=result or "", apply=apply, after=after
    )


def return_deadline(ticket: Ticket) -> dt.datetime:
    """When the order must be back at the desk: its return deadline (opened at dispatch,
    moved by pauses), else the end of the working day of the work."""
    if ticket.due_at is not None:
        return ticket.due_at
    moment = ticket.dispatched_at or ticket.created_at or timezone.now()
    if ticket.appointment_at and ticket.appointment_at > moment:
        moment = ticket.appointment_at
    return end_of_working_day(ticket.project_id, moment)


@transaction.atomic
def ticket_return(*, ticket: Ticket, by: Any, late_reason: str = "", note: str = "") -> Ticket:
    """The order comes back to the desk (返单). A free order back after the end of the
    working day needs the reason it is late."""

    def apply(t: Ticket) -> dict[str, Any]:
        now = timezone.now()
        late = not t.paid and now > return_deadline(t)
        reason = (late_reason or "").strip()
        if late and not reason:
            raise ApplicationError(
                fields={
                    "late_reason": [
                        _("This order is back after the end of the working day: say why.")
                    ]
                }
            )
        t.returned_at = now
        t.return_late_reason = reason[:200] if late else ""
        return {"late": late}

    def after(t: Ticket) -> None:
        _kept(t, RETURN_PAID if t.paid else RETURN_FREE, by)
        # The desk calls back everything finished today.
        _promise(t, "order.callback", role=Role.DESK)

    return _transition(
        ticket=ticket,
        action="return",
        by=by,
        note=note or late_reason or "",
        apply=apply,
        after=after,
    )


# --- Callback, rework, close ---------------------------------------------------------------


@transaction.atomic
def ticket_callback(
    *,
    ticket: Ticket,
    by: Any,
    reached: bool = True,
    satisfaction: str = "",
    attitude: str = "",
    quality: str = "",
    improper_charge: bool = False,
    improper_charge_note: str = "",
    comment: str = "",
    follow_up: str = "",
) -> Callback:
    """The desk's callback (回访). A call that does not reach the resident is recorded and
    leaves the order waiting. "Not satisfied" with `follow_up` opens a linked rework
    order or a linked complaint."""
    locked = _lock(ticket)
    check(locked, "callback", by)
    if reached:
        satisfaction = _choice(satisfaction, Satisfaction, "satisfaction")
    else:
        satisfaction = _choice(satisfaction, Satisfaction, "satisfaction", blank=True)
        if satisfaction:
            raise ApplicationError(fields={"satisfaction": [_("The resident was not reached.")]})
    attitude = _choice(attitude, Rating, "attitude", blank=True)
    quality = _choice(quality, Rating, "quality", blank=True)
    follow_up = _choice(follow_up, Dissatisfied, "follow_up", blank=True)
    if follow_up and satisfaction != Satisfaction.NOT_SATISFIED:
        raise ApplicationError(
            fields={"follow_up": [_("Only a dissatisfied resident gets rework or a complaint.")]}
        )
    if follow_up == Dissatisfied.REWORK and locked.kind == TicketKind.COMPLAINT:
        raise ApplicationError(
            fields={"follow_up": [_("A complaint is not reworked; open another complaint.")]}
        )
    if improper_charge and not (improper_charge_note or "").strip():
        raise ApplicationError(fields={"improper_charge_note": [_("Say what the worker charged.")]})
    now = timezone.now()
    callback = Callback(
        ticket=locked,
        at=now,
        by=by,
        reached=bool(reached),
        attitude=attitude,
        quality=quality,
        improper_charge=bool(improper_charge),
        improper_charge_note=(improper_charge_note or "").strip()[:200],
        satisfaction=satisfaction,
        comment=comment or "",
        follow_up=follow_up,
    )
    before = locked.status
    if reached:
        locked.status = TicketStatus.VISITED
        locked.visited_at = now
        locked.save()
        _kept(locked, "order.callback", by)
    callback.save()
    _event(
        locked,
        action="callback",
        by=by,
        from_status=before,
        note=comment or "",
        data={
            "reached": bool(reached),
            "satisfaction": satisfaction,
            "improper_charge": bool(improper_charge),
        },
    )
    if follow_up == Dissatisfied.REWORK:
        callback.follow_up_ticket = _rework(locked, by=by, matter=comment)
    elif follow_up == Dissatisfied.COMPLAINT:
        callback.follow_up_ticket = _complaint_about(locked, by=by, comment=comment)
    if callback.follow_up_ticket_id is not None:
        callback.save(update_fields=["follow_up_ticket"])
    _sync(ticket, locked)
    return callback


def _rework(original: Ticket, *, by: Any, matter: str = "") -> Ticket:
    fresh = ticket_register(
        project=original.project,
        kind=original.kind,
        by=by,
        matter=(matter or "").strip()[:200]
        or (_("Rework: %(matter)s") % {"matter": original.matter})[:200],
        household=original.household,
        building=original.building,
        place=original.place,
        location=original.location,
        reporter_name=original.reporter_name,
        reporter_phone=original.reporter_phone,
        description=original.description,
        priority=Priority.URGENT,
        department=original.department,
        paid=False,
        time_confirmed=original.confirmed_time_at is not None,
        rework_of=original,
    )
    _event(original, action="rework", by=by, data={"rework": fresh.serial})
    return fresh


def _complaint_about(original: Ticket, *, by: Any, comment: str = "") -> Ticket:
    category = {
        TicketKind.HOUSEKEEPING: ComplaintCategory.CLEANING,
        TicketKind.GREENING: ComplaintCategory.GREENING,
        TicketKind.REPAIR: ComplaintCategory.ENGINEERING,
    }.get(original.kind, ComplaintCategory.OTHER)
    return ticket_register(
        project=original.project,
        kind=TicketKind.COMPLAINT,
        by=by,
        matter=_("Not satisfied with %(serial)s") % {"serial": original.serial},
        description=comment or "",
        household=original.household,
        building=original.building,
        place=original.place,
        location=original.location,
        reporter_name=original.reporter_name,
        reporter_phone=original.reporter_phone,
        paid=False,
        complaint_from=original,
        complaint={
            "category": category,
            "reason": ComplaintReason.SERVICE_QUALITY,
            "temper": Temper.DISAPPOINTED,
            "resident_wants": comment or "",
        },
    )


@transaction.atomic
def ticket_rework(*, ticket: Ticket, by: Any, matter: str = "") -> Ticket:
    """Open a rework order linked to this one (the resident was not satisfied). Returns it."""
    locked = _lock(ticket)
    check(locked, "rework", by)
    return _rework(locked, by=by, matter=matter)


@transaction.atomic
def ticket_close(*, ticket: Ticket, by: Any, note: str = "") -> Ticket:
    """Close an order after its callback."""

    def apply(t: Ticket) -> None:
        t.closed_at = timezone.now()

    return _transition(
        ticket=ticket,
        action="close",
        by=by,
        note=note,
        apply=apply,
        after=lambda t: _drop_promises(t, _("The order is closed.")),
    )


@transaction.atomic
def ticket_void(*, ticket: Ticket, reason: str, by: Any) -> Ticket:
    """Void a wrong order: it keeps its serial, shows struck through, and records who and why."""

    def apply(t: Ticket) -> None:
        t.void_reason = _required_text(reason, "reason", max_length=200)
        t.voided_at = timezone.now()
        t.voided_by = by

    return _transition(
        ticket=ticket,
        action="void",
        by=by,
        note=reason or "",
        apply=apply,
        after=lambda t: _drop_promises(t, _("The order was voided.")),
    )


@transaction.atomic
def ticket_force_close(*, ticket: Ticket, reason: str, by: Any) -> Ticket:
    """A supervisor closes an order that cannot go the normal way, with the reason."""

    def apply(t: Ticket) -> None:
        t.close_reason = _required_text(reason, "reason", max_length=200)
        t.closed_at = timezone.now()

    return _transition(
        ticket=ticket,
        action="force_close",
        by=by,
        note=reason or "",
        apply=apply,
        after=lambda t: _drop_promises(t, _("The order was closed by a supervisor.")),
    )


@transaction.atomic
def ticket_promise_slip(
    *, ticket: Ticket, reason: str, remedy: str, by: Any, told_resident_at: Any = None
) -> PromiseSlip:
    """A promise that cannot be kept, told to the resident at once with reason and remedy."""
    locked = _lock(ticket)
    check(locked, "promise_slip", by)
    reason = _required_text(reason, "reason")
    remedy = _required_text(remedy, "remedy")
    told = _aware(told_resident_at, "told_resident_at") or timezone.now()
    slip = PromiseSlip.objects.create(
        ticket=locked, reason=reason, remedy=remedy, told_resident_at=told, by=by
    )
    _event(locked, action="promise_slip", by=by, note=reason, data={"remedy": remedy})
    return slip


complaint_promise_slip = ticket_promise_slip


@transaction.atomic
def ticket_record_print(*, ticket: Ticket, by: Any) -> int:
    """Count one printing of the three copies; returns the new count (1 = the original)."""
    Ticket.objects.filter(pk=ticket.pk).update(print_count=models.F("print_count") + 1)
    count = Ticket.objects.filter(pk=ticket.pk).values_list("print_count", flat=True).get()
    ticket.print_count = count
    _event(ticket, action="print", by=by, data={"copy": count})
    return count


@transaction.atomic
def resident_rate(*, ticket: Ticket, satisfaction: str, comment: str = "") -> ResidentRating:
    """The resident's own rating from the signed link on their copy (one per order)."""
    locked = _lock(ticket)
    satisfaction = _choice(satisfaction, Satisfaction, "satisfaction")
    if locked.status == TicketStatus.VOIDED:
        raise ApplicationError(_("This order was voided."))
    if locked.status not in {
        TicketStatus.DONE,
        TicketStatus.RETURNED,
        TicketStatus.VISITED,
        TicketStatus.CLOSED,
    }:
        raise ApplicationError(_("The work is not done yet: rate it when it is."))
    if ResidentRating.objects.filter(ticket=locked).exists():
        raise ApplicationError(_("This order has already been rated. Thank you."))
    rating = ResidentRating.objects.create(
        ticket=locked, at=timezone.now(), satisfaction=satisfaction, comment=(comment or "").strip()
    )
    _event(locked, action="rate", by=None, data={"satisfaction": satisfaction})
    return rating


# --- Complaints -----------------------------------------------------------------------


@transaction.atomic
def complaint_investigate(*, ticket: Ticket, findings: str, by: Any) -> Ticket:
    """The same-day investigation and verification (当天调查、核实)."""

    def apply(t: Ticket) -> None:
        detail = t.complaint
        detail.findings = _required_text(findings, "findings")
        detail.investigated_at = timezone.now()
        detail.save(update_fields=["findings", "investigated_at"])

    return _transition(
        ticket=ticket,
        action="investigate",
        by=by,
        note=findings or "",
        apply=apply,
        after=lambda t: _kept(t, "complaint.investigation", by),
    )


@transaction.atomic
def complaint_butler_reply(*, ticket: Ticket, reply: str, by: Any) -> Ticket:
    """The butler's reply to the desk (due within the project's hours of the hand-over)."""

    def apply(t: Ticket) -> dict[str, Any]:
        detail = t.complaint
        detail.butler_reply = _required_text(reply, "reply")
        now = timezone.now()
        detail.butler_replied_at = now
        detail.save(update_fields=["butler_reply", "butler_replied_at"])
        if t.accepted_at is None:
            t.accepted_at = now
        late = detail.butler_reply_due_at is not None and now > detail.butler_reply_due_at
        return {"late": late}

    return _transition(
        ticket=ticket,
        action="butler_reply",
        by=by,
        note=reply or "",
        apply=apply,
        after=lambda t: _kept(t, "complaint.butler_reply", by),
    )


@transaction.atomic
def complaint_answer(*, ticket: Ticket, answer: str, by: Any) -> Ticket:
    """The answer given to the resident."""

    def apply(t: Ticket) -> dict[str, Any]:
        detail = t.complaint
        detail.answer = _required_text(answer, "answer")
        now = timezone.now()
        detail.answered_at = now
        detail.save(update_fields=["answer", "answered_at"])
        t.done_at = now
        return {"late": detail.answer_due_at is not None and now > detail.answer_due_at}

    return _transition(
        ticket=ticket,
        action="answer",
        by=by,
        note=answer or "",
        apply=apply,
        after=lambda t: _kept(t, "complaint.answer", by),
    )


@transaction.atomic
def complaint_sign_off(*, ticket: Ticket, by: Any, note: str = "") -> Ticket:
    """The butler signs the register: the complaint is handled and back with the desk."""

    def apply(t: Ticket) -> None:
        now = timezone.now()
        t.complaint.butler_signed_off_at = now
        t.complaint.save(update_fields=["butler_signed_off_at"])
        t.returned_at = now

    return _transition(
        ticket=ticket,
        action="sign_off",
        by=by,
        note=note,
        apply=apply,
        after=lambda t: _promise(t, "order.callback", role=Role.DESK),
    )


@transaction.atomic
def complaint_confirm(*, ticket: Ticket, by: Any, note: str = "") -> Ticket:
    """The resident confirms the matter closed (闭环)."""

    def apply(t: Ticket) -> None:
        now = timezone.now()
        t.complaint.resident_confirmed_at = now
        t.complaint.save(update_fields=["resident_confirmed_at"])
        t.closed_at = now

    return _transition(
        ticket=ticket,
        action="confirm",
        by=by,
        note=note,
        apply=apply,
        after=lambda t: _drop_promises(t, _("The resident confirmed the matter closed.")),
    )


@transaction.atomic
def complaint_refer(*, ticket: Ticket, referred_to: str, note: str, by: Any) -> Ticket:
    """Refer a hard case (报请) to the head of customer service or the service-center manager."""

    def apply(t: Ticket) -> dict[str, Any]:
        to = _choice(referred_to, ReferredTo, "referred_to")
        detail = t.complaint
        detail.referred_to = to
        detail.referred_at = timezone.now()
        detail.referral_note = _required_text(note, "note")
        detail.save(update_fields=["referred_to", "referred_at", "referral_note"])
        return {"referred_to": to}

    return _transition(ticket=ticket, action="refer", by=by, note=note or "", apply=apply)


@transaction.atomic
def complaint_decide(
    *, ticket: Ticket, decision: str, by: Any, close_tracking: bool = False
) -> Ticket:
    """The decision on a referred complaint, and whether it is under close tracking (重点跟踪)."""

    def apply(t: Ticket) -> dict[str, Any]:
        detail = t.complaint
        if not detail.referred_to:
            raise ApplicationError(
                fields={"decision": [_("This complaint has not been referred.")]}
            )
        detail.decision = _required_text(decision, "decision")
        detail.decided_at = timezone.now()
        detail.decided_by = by
        detail.close_tracking = bool(close_tracking)
        detail.save(update_fields=["decision", "decided_at", "decided_by", "close_tracking"])
        return {"close_tracking": bool(close_tracking)}

    return _transition(ticket=ticket, action="decide", by=by, note=decision or "", apply=apply)


@transaction.atomic
def complaint_mark_valid(
    *, ticket: Ticket, valid: bool, by: Any, cause: str = "", lesson: str = "", change: str = ""
) -> Ticket:
    """The supervisor marks the complaint valid or not and records cause, lesson and change."""

    def apply(t: Ticket) -> dict[str, Any]:
        if not isinstance(valid, bool):
            raise ApplicationError(fields={"valid": [_("Say whether the complaint is valid.")]})
        detail = t.complaint
        if valid and not (cause or "").strip():
            raise ApplicationError(fields={"cause": [_("A valid complaint needs its cause.")]})
        detail.valid = valid
        detail.cause = (cause or "").strip()
        detail.lesson = (lesson or "").strip()
        detail.change = (change or "").strip()
        detail.marked_at = timezone.now()
        detail.marked_by = by
        detail.save(update_fields=["valid", "cause", "lesson", "change", "marked_at", "marked_by"])
        return {"valid": valid}

    return _transition(ticket=ticket, action="mark_valid", by=by, note=cause or "", apply=apply)


# --- Warranty repairs -------------------------------------------------------------------


@transaction.atomic
def warranty_pass(
    *, ticket: Ticket, contractor: str, liaison: Any, by: Any, contractor_contact: str = ""
) -> WarrantyRepair:
    """Pass a repair to the developer's or contractor's engineering department (返修)
    through the company's named liaison."""
    locked = _lock(ticket)
    check(locked, "warranty_pass", by)
    name = _required_text(contractor, "contractor", max_length=100)
    if liaison is None:
        raise ApplicationError(fields={"liaison": [_("Name the liaison.")]})
    _member(liaison, locked.project_id, "liaison")
    if WarrantyRepair.objects.filter(ticket=locked).exists():
        raise ApplicationError(
            fields={"contractor": [_("This repair is already with the developer.")]}
        )
    warranty = WarrantyRepair.objects.create(
        ticket=locked,
        contractor=name,
        contractor_contact=(contractor_contact or "").strip()[:100],
        liaison=liaison,
        passed_at=timezone.now(),
    )
    _event(locked, action="warranty_pass", by=by, data={"contractor": name, "liaison": liaison.pk})
    # The liaison reports progress every working day until the repair is done.
    _promise(locked, "warranty.progress_report", responsible=liaison)
    return warranty


@transaction.atomic
def warranty_report(
    *, ticket: Ticket, progress: str, by: Any, date: dt.date | None = None
) -> WarrantyReport:
    """The liaison's progress report of the day (one a day, until the repair is done)."""
    locked = _lock(ticket)
    check(locked, "warranty_report", by)
    warranty = WarrantyRepair.objects.filter(ticket=locked).first()
    if warranty is None:
        raise ApplicationError(_("This repair is not a warranty repair."))
    day = date or timezone.localdate()
    if not isinstance(day, dt.date) or isinstance(day, dt.datetime):
        raise ApplicationError(fields={"date": [_("Enter a valid date.")]})
    if day > timezone.localdate():
        raise ApplicationError(fields={"date": [_("The report cannot be for a day to come.")]})
    text = _required_text(progress, "progress")
    if WarrantyReport.objects.filter(warranty=warranty, date=day).exists():
        raise ApplicationError(fields={"date": [_("There is already a report for this day.")]})
    report = WarrantyReport.objects.create(warranty=warranty, date=day, progress=text, by=by)
    _kept(locked, "warranty.progress_report", by)
    _event(locked, action="warranty_report", by=by, note=text, data={"date": day.isoformat()})
    return report


# --- Liaison forms ---------------------------------------------------------------------


@transaction.atomic
def liaison_create(
    *,
    project: Project,
    from_department: str,
    to_department: str,
    matter: str,
    by: Any,
    ticket: Ticket | None = None,
) -> LiaisonForm:
    """Write a numbered liaison form (工作联系单) to another department."""
    if not can_access_project(by, project.pk):
        raise ApplicationError(fields={"project": [_("You do not work in this project.")]})
    source = _choice(from_department, Department, "from_department")
    target = _choice(to_department, Department, "to_department")
    if source == target:
        raise ApplicationError(fields={"to_department": [_("Write to another department.")]})
    text = _required_text(matter, "matter")
    if ticket is not None and ticket.project_id != project.pk:
        raise ApplicationError(fields={"ticket": [_("This order is not in this project.")]})
    form = LiaisonForm(
        project=project,
        from_department=source,
        to_department=target,
        matter=text,
        ticket=ticket,
        created_by=by,
    )
    form.number = next_liaison_number(project_id=project.pk, year=timezone.localdate().year)
    form.save()
    if ticket is not None:
        _event(
            ticket, action="liaison", by=by, note=text, data={"number": form.number, "to": target}
        )
    return form


@transaction.atomic
def liaison_answer(*, form: LiaisonForm, reply: str, by: Any) -> LiaisonForm:
    """The other department's reply."""
    locked = LiaisonForm.objects.select_for_update().get(pk=form.pk)
    if locked.status != LiaisonStatus.OPEN:
        raise ApplicationError(_("This liaison form has already been answered."))
    locked.reply = _required_text(reply, "reply")
    locked.replied_at = timezone.now()
    locked.replied_by = by
    locked.status = LiaisonStatus.ANSWERED
    locked.save()
    form.__dict__.update(
        {f.attname: getattr(locked, f.attname) for f in LiaisonForm._meta.concrete_fields}
    )
    return form


@transaction.atomic
def liaison_close(*, form: LiaisonForm, by: Any) -> LiaisonForm:
    """Close an answered liaison form."""
    locked = LiaisonForm.objects.select_for_update().get(pk=form.pk)
    if locked.status != LiaisonStatus.ANSWERED:
        raise ApplicationError(_("Only an answered liaison form can be closed."))
    locked.status = LiaisonStatus.CLOSED
    locked.closed_at = timezone.now()
    locked.save()
    form.__dict__.update(
        {f.attname: getattr(locked, f.attname) for f in LiaisonForm._meta.concrete_fields}
    )
    return form


# --- Monthly contracts -----------------------------------------------------------------------


@transaction.atomic
def contract_create(
    *,
    household: Household,
    kind: str,
    service: str,
    schedule_type: str,
    schedule_days: list[int],
    price: Any,
    starts_on: dt.date,
    by: Any,
    ends_on: dt.date | None = None,
    visit_time: dt.time | None = None,
) -> MonthlyContract:
    """Register a monthly housekeeping or greening contract (包月) and its schedule."""
    if not can_access_project(by, household.project_id):
        raise ApplicationError(fields={"household": [_("This household is not in your projects.")]})
    kind = _choice(kind, TicketKind, "kind")
    if kind not in CONTRACT_KINDS:
        raise ApplicationError(
            fields={"kind": [_("Only housekeeping and greening are contracted monthly.")]}
        )
    schedule_type = _choice(schedule_type, ScheduleType, "schedule_type")
    try:
        days = sorted({int(d) for d in schedule_days})
    except (TypeError, ValueError):
        raise ApplicationError(fields={"schedule_days": [_("List the days as numbers.")]}) from None
    top = 7 if schedule_type == ScheduleType.WEEKDAYS else 31
    if not days or days[0] < 1 or days[-1] > top:
        raise ApplicationError(
            fields={"schedule_days": [_("Days run from 1 to %(n)d.") % {"n": top}]}
        )
    amount = _money(price, "price", required=True)
    if ends_on is not None and ends_on < starts_on:
        raise ApplicationError(fields={"ends_on": [_("The contract ends before it starts.")]})
    contract = MonthlyContract(
        project_id=household.project_id,
        household=household,
        kind=kind,
        service=_required_text(service, "service", max_length=200),
        schedule_type=schedule_type,
        schedule_days=days,
        price=amount,
        starts_on=starts_on,
        ends_on=ends_on,
        visit_time=visit_time,
        created_by=by,
    )
    _full_clean(contract, exclude=["project", "household", "created_by"])
    contract.save()
    return contract


@transaction.atomic
def contract_open_visit(
    *,
    contract: MonthlyContract,
    date: dt.date,
    appointment_at: Any,
    by: Any,
    matter: str = "",
    department: str | None = None,
) -> Ticket:
    """Open a due visit's order after confirming its time with the customer
    (旧客户由受理人逐次开单). The visit is covered by the monthly price."""
    if not contract.is_running_on(date):
        raise ApplicationError(fields={"date": [_("The contract does not run on this day.")]})
    if date not in contract.due_dates(date.year, date.month):
        raise ApplicationError(fields={"date": [_("No visit is due on this day.")]})
    when = _aware(appointment_at, "appointment_at")
    if when is None:
        raise ApplicationError(
            fields={"appointment_at": [_("Confirm the time with the customer.")]}
        )
    visit, _created = ContractVisit.objects.select_for_update().get_or_create(
        contract=contract, date=date
    )
    if visit.ticket_id is not None:
        raise ApplicationError(
            fields={
                "date": [
                    _("This visit's order is already open: %(serial)s.")
                    % {"serial": visit.ticket.serial}
                ]
            }
        )
    try:
        with transaction.atomic():
            ticket = ticket_register(
                project=contract.household.project,
                kind=contract.kind,
                by=by,
                matter=(matter or contract.service)[:200],
                household=contract.household,
                appointment_at=when,
                address_confirmed=True,
                time_confirmed=True,
                department=department,
                paid=False,
            )
    except IntegrityError as error:  # pragma: no cover - guarded by the lock above
        raise ApplicationError(fields={"date": [_("This visit is already open.")]}) from error
    visit.ticket = ticket
    visit.save(update_fields=["ticket"])
    return ticket
