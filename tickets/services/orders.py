"""Orders of every kind: registration, fees, dispatch, the work, return, callback,
rework, void and close."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from frontdesk.core import deadlines as promises
from frontdesk.core.errors import ApplicationError
from frontdesk.core.models import Project
from frontdesk.core.roles import Role
from frontdesk.core.scoping import can_access_project
from residents.models import Building, Household

from ..choices import (
    COMMITMENT_KIND,
    DEFAULT_DEPARTMENT,
    PAID_BY_DEFAULT,
    ComplaintCategory,
    ComplaintReason,
    Department,
    Dissatisfied,
    Place,
    Priority,
    Rating,
    Satisfaction,
    Source,
    Temper,
    TicketKind,
    TicketStatus,
)
from ..models import (
    Callback,
    ComplaintDetail,
    PromiseSlip,
    ResidentRating,
    Ticket,
    TicketEvent,
)
from ..transitions import DEPARTMENT_ROLE, check, check_register, not_ready
from .commitments import (
    classify_for_project,
    commitment_data,
    commitment_dropped,
    commitment_kept,
    commitment_open,
)
from .common import (
    RETURN_FREE,
    RETURN_PAID,
    TOPIC_DISPATCHED,
    TOPIC_FOLLOW_UP,
    _aware,
    _choice,
    _drop_promises,
    _event,
    _full_clean,
    _kept,
    _lock,
    _member,
    _money,
    _open_promises,
    _promise,
    _registered_due,
    _required_text,
    _sync,
    _tell,
    _tell_role,
    _transition,
    end_of_working_day,
    next_serial,
)

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
    check_register(by)
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
    weighed = classify_for_project(
        project_id=project.pk, matter=matter, priority=priority, place=place
    )

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
        priority=weighed.priority,
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
    # Everything the order's deadlines read is read now: from the serial on, the counter
    # row is locked until commit, and other registrations of the project and kind wait.
    kinds = [COMMITMENT_KIND[weighed.weight]]
    if detail is not None:
        kinds += ["complaint.investigation", "complaint.answer"]
    terms = promises.terms_for(project, kinds)
    ticket.due_at = _registered_due(ticket, now, terms.calendar)
    # Last, after every check: the number is taken only for an order that will be saved.
    ticket.serial = next_serial(project_id=project.pk, kind=kind, year=timezone.localtime(now).year)
    ticket.save()
    data: dict[str, Any] = {"serial": ticket.serial}
    if rework_of is not None:
        data["rework_of"] = rework_of.serial
    if complaint_from is not None:
        data["complaint_from"] = complaint_from.serial
    data["weight"] = weighed.weight
    _event(ticket, action="register", by=by, from_status="", data=data, at=now)
    if weighed.priority != priority:
        # The desk sees on the timeline why the order jumped the queue.
        _event(
            ticket,
            action="emergency",
            by=by,
            note=weighed.word,
            data={"from": priority, "to": weighed.priority, "word": weighed.word},
            at=now,
        )
    commitment_open(ticket, weighed.weight, start=now, by=by, terms=terms)
    if detail is not None:
        # Same-day investigation, and the answer the resident is promised (three days).
        _promise(ticket, "complaint.investigation", start=now, responsible=by, terms=terms)
        answer = _promise(ticket, "complaint.answer", start=now, responsible=by, terms=terms)
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
        lacking = not_ready(t, "acknowledge_quote")
        if lacking is not None:
            raise ApplicationError(fields=lacking)
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
        lacking = not_ready(t, "dispatch")
        if lacking is not None:
            raise ApplicationError(fields=lacking)
        who = assignee
        data: dict[str, Any] = {"department": dept}
        if t.kind == TicketKind.COMPLAINT:
            if who is None and t.building is not None:
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
            if t.building is not None and t.building.butler_id is not None:
                data["butler_told"] = t.building.butler_id
        t.department = dept
        t.assignee = who
        t.dispatched_at = timezone.now()
        if who is not None:
            data["assignee"] = who.pk
            if t.appointment_at is not None and t.appointment_at > t.dispatched_at:
                # A named worker at an agreed time is the commitment to the resident.
                data["commitment"] = commitment_data(
                    what=t.matter,
                    by_when=t.appointment_at,
                    by_whom=who.get_full_name() or who.get_username(),
                    by_whom_user=who,
                )
        return data

    def after(t: Ticket) -> None:
        now = t.dispatched_at or timezone.now()
        if t.assignee is not None and t.appointment_at is not None and t.appointment_at > now:
            commitment_kept(t, by)
        if t.kind == TicketKind.COMPLAINT:
            # The butler replies to the desk within the project's hours (4 by default).
            reply = _promise(t, "complaint.butler_reply", start=now, responsible=t.assignee)
            ComplaintDetail.objects.filter(ticket=t).update(
                butler=t.assignee, butler_reply_due_at=reply.due_at
            )
            _tell(
                t,
                t.assignee,
                TOPIC_DISPATCHED,
                _("Complaint %(serial)s to reply to: %(matter)s")
                % {"serial": t.serial, "matter": t.matter},
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
        title = _("Work order %(serial)s: %(matter)s") % {"serial": t.serial, "matter": t.matter}
        if t.assignee is not None:
            _tell(t, t.assignee, TOPIC_DISPATCHED, title)
        else:
            _tell_role(t, DEPARTMENT_ROLE.get(t.department, Role.DESK), TOPIC_DISPATCHED, title)
        # The butler of the building is told.
        building = t.building
        if building is not None and building.butler_id not in (None, t.assignee_id):
            _tell(t, building.butler, TOPIC_DISPATCHED, title)

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

    return _transition(
        ticket=ticket,
        action="arrive",
        by=by,
        note=note,
        apply=apply,
        after=lambda t: commitment_dropped(t, _("The worker is on site.")),
    )


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
        title = _("Work order %(serial)s: %(matter)s") % {"serial": t.serial, "matter": t.matter}
        if t.assignee is not None:
            _tell(t, t.assignee, TOPIC_DISPATCHED, title)
        else:
            _tell_role(t, DEPARTMENT_ROLE.get(t.department, Role.DESK), TOPIC_DISPATCHED, title)

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

    def after(t: Ticket) -> None:
        # Whoever has the order hears that the resident is waiting.
        _tell(
            t,
            t.assignee,
            TOPIC_FOLLOW_UP,
            _("The resident called again about %(serial)s") % {"serial": t.serial},
            note,
        )

    return _transition(
        ticket=ticket, action="follow_up", by=by, note=note, apply=apply, after=after
    )


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
        t.done_by = by if getattr(by, "pk", None) else None
        return {
            "fee_charged": str(fee) if fee is not None else None,
            "material_cost": str(cost) if cost is not None else None,
        }

    def after(t: Ticket) -> None:
        _drop_promises(t, _("The work is done."), kinds=("warranty.progress_report",))
        commitment_dropped(t, _("The work is done."))

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
    """Open the one rework of `original` (locked by the caller).

    A second one is refused while the first stands (a voided one can be opened again);
    the database's unique constraint is the last guard against a race.
    """
    existing = (
        Ticket.objects.filter(rework_of=original)
        .exclude(status=TicketStatus.VOIDED)
        .values_list("serial", flat=True)
        .first()
    )
    if existing is not None:
        raise ApplicationError(
            fields={
                "rework": [
                    _("This order already has its rework %(serial)s.") % {"serial": existing}
                ]
            }
        )
    try:
        with transaction.atomic():
            fresh = _register_rework(original, by=by, matter=matter)
    except IntegrityError:
        raise ApplicationError(
            fields={"rework": [_("This order already has its rework.")]}
        ) from None
    _event(original, action="rework", by=by, data={"rework": fresh.serial})
    return fresh


def _register_rework(original: Ticket, *, by: Any, matter: str) -> Ticket:
    return ticket_register(
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


def _complaint_about(original: Ticket, *, by: Any, comment: str = "") -> Ticket:
    categories: dict[str, str] = {
        TicketKind.HOUSEKEEPING: ComplaintCategory.CLEANING,
        TicketKind.GREENING: ComplaintCategory.GREENING,
        TicketKind.REPAIR: ComplaintCategory.ENGINEERING,
    }
    category = categories.get(original.kind, ComplaintCategory.OTHER)
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
def tickets_record_print(*, tickets: Sequence[Ticket], by: Any) -> None:
    """Count one printing of each order of a print run, in a fixed number of queries
    whatever the number of orders (the day's run prints dozens at once)."""
    ids = [t.pk for t in tickets]
    Ticket.objects.filter(pk__in=ids).update(print_count=models.F("print_count") + 1)
    counts = dict(Ticket.objects.filter(pk__in=ids).values_list("pk", "print_count"))
    at = timezone.now()
    actor = by if getattr(by, "pk", None) else None
    events = []
    for ticket in tickets:
        ticket.print_count = counts[ticket.pk]
        events.append(
            TicketEvent(
                ticket=ticket,
                at=at,
                actor=actor,
                action="print",
                from_status=ticket.status,
                to_status=ticket.status,
                data={"copy": ticket.print_count},
            )
        )
    TicketEvent.objects.bulk_create(events)


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
