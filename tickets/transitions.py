"""The work order's state machine: the one table of what may happen when.

Services check every change here (`check`), pages draw their buttons from it
(`allowed_actions`) and the API answers 400 with its message when a change
is not allowed in the order's status, 403 when the user's role may not take
it. Nothing else decides whether an action is possible, or for whom.

Who does what follows the procedures: the desk registers, dispatches,
receives returns and calls back; the department the order is dispatched to
accepts, arrives and completes; the butler replies on complaints and signs
them off; the supervisor forces a close and marks complaints valid; voiding
is the desk's and the supervisor's. The supervisor and the manager may do
whatever the desk does. Nobody calls back their own work.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied
from django.utils.functional import Promise
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from frontdesk.core.errors import NON_FIELD, ApplicationError
from frontdesk.core.roles import Role, has_role

from .choices import CONTRACT_KINDS, OPEN_STATUSES, Department, TicketKind, TicketStatus

S = TicketStatus
ALL_KINDS = frozenset(TicketKind.values)
NOT_COMPLAINT = ALL_KINDS - {TicketKind.COMPLAINT}
COMPLAINT = frozenset({TicketKind.COMPLAINT})
WORKING = frozenset({S.DISPATCHED, S.ACCEPTED, S.ARRIVED})
BEFORE_DONE = frozenset({S.REGISTERED, *WORKING, S.PAUSED})
SUPERVISORS = frozenset({Role.SUPERVISOR, Role.MANAGER})
# The desk's steps; the supervisor and the manager may take them too.
DESK = frozenset({Role.DESK, *SUPERVISORS})
BUTLER = frozenset({Role.BUTLER})
NOBODY_ELSE: frozenset[str] = frozenset()
# Who may register an order (the desk takes every call and visit).
REGISTER_ROLES = DESK

# The worker role of each department: an order dispatched to cleaning is the cleaners'.
DEPARTMENT_ROLE: dict[str, str] = {
    Department.ENGINEERING: Role.ENGINEERING,
    Department.CLEANING: Role.CLEANING,
    Department.GREENING: Role.GREENING,
    Department.SECURITY: Role.SECURITY,
    Department.CUSTOMER_SERVICE: Role.DESK,
}

# The status a paused order goes back to is the one it was paused from.
PREVIOUS = "previous"


@dataclass(frozen=True)
class Transition:
    """One action: in which statuses, on which kinds, by whom, and the status it leads to.

    `target` None leaves the status as it is (a record added to the order).
    `roles` are the roles that may take it on any order; with `department`
    the workers of the order's department (a complaint's: the butlers) and
    the order's assignee may take it too.
    """

    action: str
    label: Promise
    sources: frozenset[str]
    target: str | None
    kinds: frozenset[str] = ALL_KINDS
    roles: frozenset[str] = NOBODY_ELSE
    department: bool = False

    @property
    def url_name(self) -> str:
        """The action's name in URLs: `acknowledge-quote`."""
        return self.action.replace("_", "-")


TRANSITIONS: dict[str, Transition] = {
    t.action: t
    for t in [
        Transition(
            "acknowledge_quote",
            _("Quote acknowledged"),
            frozenset({S.REGISTERED}),
            None,
            roles=DESK,
        ),
        # The butler and the area lead price a new customer's job on site.
        Transition(
            "price",
            _("Priced on site"),
            frozenset({S.REGISTERED}),
            None,
            frozenset({TicketKind.HOUSEKEEPING, TicketKind.GREENING}),
            roles=BUTLER | SUPERVISORS,
            department=True,
        ),
        # The desk confirms the time with the customer; the cleaning lead agrees an hourly one.
        Transition(
            "confirm_time",
            _("Time confirmed with the customer"),
            frozenset({S.REGISTERED, *WORKING, S.PAUSED}),
            None,
            roles=DESK | BUTLER,
            department=True,
        ),
        # The quick commitment (快速响应): what will be done, by when, by whom.
        Transition("commit", _("Commitment given"), OPEN_STATUSES, None, roles=DESK | BUTLER),
        Transition("dispatch", _("Dispatch"), frozenset({S.REGISTERED}), S.DISPATCHED, roles=DESK),
        Transition(
            "accept",
            _("Accept"),
            frozenset({S.DISPATCHED}),
            S.ACCEPTED,
            NOT_COMPLAINT,
            department=True,
        ),
        Transition(
            "arrive",
            _("Arrived on site"),
            frozenset({S.DISPATCHED, S.ACCEPTED}),
            S.ARRIVED,
            NOT_COMPLAINT,
            department=True,
        ),
        # Waiting for parts (the worker) or for the resident (the desk).
        Transition("pause", _("Pause"), WORKING, S.PAUSED, roles=DESK, department=True),
        Transition(
            "resume", _("Resume"), frozenset({S.PAUSED}), PREVIOUS, roles=DESK, department=True
        ),
        Transition(
            "transfer",
            _("Transfer"),
            frozenset({*WORKING, S.PAUSED}),
            S.DISPATCHED,
            roles=DESK,
            department=True,
        ),
        # The resident calls the desk (or the butler) again.
        Transition("follow_up", _("Follow-up call"), BEFORE_DONE, None, roles=DESK | BUTLER),
        Transition(
            "complete",
            _("Work done"),
            frozenset({S.ACCEPTED, S.ARRIVED}),
            S.DONE,
            NOT_COMPLAINT,
            department=True,
        ),
        # The desk receives the order back (返单).
        Transition(
            "return",
            _("Returned to the desk"),
            frozenset({S.DONE}),
            S.RETURNED,
            NOT_COMPLAINT,
            roles=DESK,
        ),
        # The desk calls back, never the one who did the work (see `check`).
        Transition("callback", _("Callback"), frozenset({S.RETURNED}), S.VISITED, roles=DESK),
        Transition(
            "close", _("Close"), frozenset({S.VISITED}), S.CLOSED, NOT_COMPLAINT, roles=DESK
        ),
        Transition(
            "rework",
            _("Rework"),
            frozenset({S.VISITED, S.CLOSED}),
            None,
            NOT_COMPLAINT,
            roles=DESK,
        ),
        Transition("void", _("Void"), OPEN_STATUSES, S.VOIDED, roles=DESK),
        Transition("force_close", _("Forced close"), OPEN_STATUSES, S.CLOSED, roles=SUPERVISORS),
        # A promise that slips is told to the resident by whoever made it.
        Transition(
            "promise_slip", _("Slipped promise told"), OPEN_STATUSES, None, roles=DESK | BUTLER
        ),
        # The property company's liaison passes a warranty defect to the developer.
        Transition(
            "warranty_pass",
            _("Passed to the developer"),
            BEFORE_DONE,
            None,
            frozenset({TicketKind.REPAIR}),
            roles=DESK,
            department=True,
        ),
        Transition(
            "warranty_report",
            _("Daily progress report"),
            frozenset({*WORKING, S.PAUSED}),
            None,
            frozenset({TicketKind.REPAIR}),
            roles=DESK,
            department=True,
        ),
        # Complaints (受理投诉流程)
        Transition(
            "investigate",
            _("Investigated and verified"),
            frozenset({S.REGISTERED, S.DISPATCHED, S.ACCEPTED, S.PAUSED}),
            None,
            COMPLAINT,
            roles=DESK | BUTLER,
        ),
        Transition(
            "butler_reply",
            _("Butler's reply"),
            frozenset({S.DISPATCHED, S.ACCEPTED}),
            S.ACCEPTED,
            COMPLAINT,
            department=True,
        ),
        Transition(
            "refer",
            _("Referred"),
            frozenset({S.REGISTERED, S.DISPATCHED, S.ACCEPTED, S.PAUSED}),
            None,
            COMPLAINT,
            roles=DESK | BUTLER,
        ),
        Transition(
            "decide",
            _("Decision on the referral"),
            frozenset({S.REGISTERED, S.DISPATCHED, S.ACCEPTED, S.PAUSED}),
            None,
            COMPLAINT,
            roles=SUPERVISORS,
        ),
        # The butler coordinates the answer the resident gets and signs the register.
        Transition(
            "answer",
            _("Answer given to the resident"),
            frozenset({S.ACCEPTED}),
            S.DONE,
            COMPLAINT,
            roles=DESK,
            department=True,
        ),
        Transition(
            "sign_off",
            _("Signed off by the butler"),
            frozenset({S.DONE}),
            S.RETURNED,
            COMPLAINT,
            department=True,
        ),
        # The resident confirms the matter closed on the desk's callback.
        Transition(
            "confirm",
            _("Confirmed closed by the resident"),
            frozenset({S.VISITED}),
            S.CLOSED,
            COMPLAINT,
            roles=DESK,
        ),
        Transition(
            "mark_valid",
            _("Marked valid or invalid"),
            frozenset({S.DONE, S.RETURNED, S.VISITED, S.CLOSED}),
            None,
            COMPLAINT,
            roles=SUPERVISORS,
        ),
    ]
}

# Events that are not transitions but appear on the timeline.
EVENT_LABELS: dict[str, Promise] = {
    "register": pgettext_lazy("work order event", "Registered"),
    "print": _("Printed"),
    "rate": _("Rated by the resident"),
    "liaison": _("Liaison form"),
    "late_reason": _("Reason it is not back at the desk"),
    "emergency": _("Raised to emergency by the words of the matter"),
}


def action_label(action: str) -> Promise | str:
    if action in TRANSITIONS:
        return TRANSITIONS[action].label
    return EVENT_LABELS.get(action, action)


def _status_label(status: str) -> str:
    return str(TicketStatus(status).label) if status in TicketStatus.values else status


def department_roles(ticket: Any) -> frozenset[str]:
    """The worker roles of the order's department (a complaint's department is its butler)."""
    if ticket.kind == TicketKind.COMPLAINT:
        return BUTLER
    role = DEPARTMENT_ROLE.get(ticket.department or "")
    return frozenset({role}) if role else NOBODY_ELSE


def _did_the_work(ticket: Any, by: Any) -> bool:
    """`by` did the order's work: its assignee, or who recorded the work done."""
    pk = getattr(by, "pk", None)
    return pk is not None and pk in {ticket.assignee_id, ticket.done_by_id}


def refusal(ticket: Any, transition: Transition, by: Any) -> str | None:
    """Why `by` may not take `transition` on `ticket` whatever its status, or None if they may.

    `by` None is the system itself (a scheduled job), which the table does not restrict.
    """
    if by is None:
        return None
    if transition.action == "callback" and _did_the_work(ticket, by):
        return gettext(
            "You did the work on this order: a colleague at the desk calls the resident back."
        )
    if has_role(by, *transition.roles):
        return None
    if transition.department:
        if has_role(by, *department_roles(ticket)):
            return None
        if getattr(by, "pk", None) is not None and by.pk == ticket.assignee_id:
            return None
    return gettext("Your role may not do “%(action)s” on this order.") % {
        "action": transition.label
    }


def check_role(ticket: Any, action: str, by: Any) -> None:
    """PermissionDenied if `by` may not take `action` on `ticket` at all (whatever its status).

    Pages and the API call it before reading the request's body, so that a step of someone
    else's is refused as such (403) rather than for a missing field; the service checks again.
    """
    refused = refusal(ticket, TRANSITIONS[action], by)
    if refused is not None:
        raise PermissionDenied(refused)


def check_register(by: Any) -> None:
    """PermissionDenied unless `by` may register orders (the desk, the supervisor, the manager)."""
    if by is not None and not has_role(by, *REGISTER_ROLES):
        raise PermissionDenied(gettext("Your role may not register work orders."))


def can_register(by: Any) -> bool:
    return by is not None and has_role(by, *REGISTER_ROLES)


def check(ticket: Any, action: str, by: Any = None) -> Transition:
    """The transition for `action` on `ticket`, or ApplicationError saying why not (the
    order's kind or status), or PermissionDenied (the user may not take it).

    Call with the order locked (select_for_update) inside the change's transaction.
    """
    transition = TRANSITIONS[action]
    if ticket.kind not in transition.kinds:
        raise ApplicationError(
            gettext("“%(action)s” does not apply to a %(kind)s order.")
            % {"action": transition.label, "kind": TicketKind(ticket.kind).label}
        )
    if ticket.status not in transition.sources:
        raise ApplicationError(
            gettext("This order is “%(status)s”: it cannot be given “%(action)s”.")
            % {"status": _status_label(ticket.status), "action": transition.label}
        )
    refused = refusal(ticket, transition, by)
    if refused is not None:
        raise PermissionDenied(refused)
    return transition


def allowed_actions(
    ticket: Any, by: Any = None, actions: Iterable[str] | None = None
) -> list[Transition]:
    """The actions open to `by` on `ticket` now, in the table's order (for buttons)."""
    names = list(actions) if actions is not None else list(TRANSITIONS)
    found = []
    for name in names:
        t = TRANSITIONS[name]
        if ticket.kind not in t.kinds or ticket.status not in t.sources:
            continue
        if refusal(ticket, t, by) is not None:
            continue
        if not_ready(ticket, name) is not None:
            continue
        found.append(t)
    return found


# --- What the order itself still lacks ---------------------------------------------------
# Beyond the status and the role, some steps wait for something recorded on the order
# (a paid order is dispatched once the resident acknowledged the fee). The services
# refuse them with these messages, and `allowed_actions` does not offer them.


def _visit(ticket: Any) -> bool:
    from .models import ContractVisit

    return ContractVisit.objects.filter(ticket_id=ticket.pk).exists()


def _has_warranty(ticket: Any) -> bool:
    from .models import WarrantyRepair

    cached = getattr(ticket, "_state", None)
    if cached is not None and "warranty" in cached.fields_cache:
        return cached.fields_cache["warranty"] is not None
    return WarrantyRepair.objects.filter(ticket_id=ticket.pk).exists()


def _has_rework(ticket: Any) -> bool:
    from .models import Ticket

    return Ticket.objects.filter(rework_of_id=ticket.pk).exclude(status=S.VOIDED).exists()


def not_ready(ticket: Any, action: str) -> dict[str, list[str]] | None:
    """What `ticket` lacks before `action` can be taken, as field messages, or None.

    Only what is recorded on the order counts here (not the request's body).
    """
    if action == "acknowledge_quote":
        if not ticket.paid:
            return {"fee_quote": [gettext("This order is free: there is no fee to acknowledge.")]}
        if ticket.fee_acknowledged_at is not None:
            return {"fee_quote": [gettext("The resident has already acknowledged the fee.")]}
    elif action == "price":
        if ticket.is_hourly:
            return {"price": [gettext("Hourly cleaning is not priced on site.")]}
    elif action == "dispatch":
        if ticket.kind in CONTRACT_KINDS:
            if ticket.confirmed_time_at is None:
                return {
                    "appointment_at": [gettext("Confirm the service time with the customer first.")]
                }
            if (
                ticket.paid
                and not ticket.is_hourly
                and ticket.priced_at is None
                and not _visit(ticket)
            ):
                return {
                    "price": [gettext("The butler and the area lead price the job on site first.")]
                }
        if ticket.paid and ticket.fee_acknowledged_at is None:
            return {
                "fee_quote": [
                    gettext(
                        "A paid order is dispatched only once the resident acknowledges the fee."
                    )
                ]
            }
    elif action == "rework":
        if _has_rework(ticket):
            return {"rework": [gettext("This order already has its rework.")]}
    elif action == "warranty_pass":
        if _has_warranty(ticket):
            return {"contractor": [gettext("This repair is already with the developer.")]}
    elif action == "warranty_report":
        if not _has_warranty(ticket):
            return {NON_FIELD: [gettext("This repair is not a warranty repair.")]}
    return None
