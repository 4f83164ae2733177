"""The work order's state machine: the one table of what may happen when.

Services check every change here (`check`), pages draw their buttons from it
(`allowed_actions`) and the API answers 400 with its message when a change
is not allowed. Nothing else decides whether an action is possible in a
status.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied
from django.utils.functional import Promise
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from frontdesk.core.errors import ApplicationError
from frontdesk.core.roles import Role, has_role

from .choices import OPEN_STATUSES, TicketKind, TicketStatus

S = TicketStatus
ALL_KINDS = frozenset(TicketKind.values)
NOT_COMPLAINT = ALL_KINDS - {TicketKind.COMPLAINT}
COMPLAINT = frozenset({TicketKind.COMPLAINT})
WORKING = frozenset({S.DISPATCHED, S.ACCEPTED, S.ARRIVED})
BEFORE_DONE = frozenset({S.REGISTERED, *WORKING, S.PAUSED})
SUPERVISORS = frozenset({Role.SUPERVISOR, Role.MANAGER})

# The status a paused order goes back to is the one it was paused from.
PREVIOUS = "previous"


@dataclass(frozen=True)
class Transition:
    """One action: in which statuses, on which kinds, by whom, and the status it leads to.

    `target` None leaves the status as it is (a record added to the order);
    `roles` None lets any staff member of the project do it.
    """

    action: str
    label: Promise
    sources: frozenset[str]
    target: str | None
    kinds: frozenset[str] = ALL_KINDS
    roles: frozenset[str] | None = None

    @property
    def url_name(self) -> str:
        """The action's name in URLs: `acknowledge-quote`."""
        return self.action.replace("_", "-")


TRANSITIONS: dict[str, Transition] = {
    t.action: t
    for t in [
        Transition("acknowledge_quote", _("Quote acknowledged"), frozenset({S.REGISTERED}), None),
        Transition(
            "price",
            _("Priced on site"),
            frozenset({S.REGISTERED}),
            None,
            frozenset({TicketKind.HOUSEKEEPING, TicketKind.GREENING}),
        ),
        Transition(
            "confirm_time",
            _("Time confirmed with the customer"),
            frozenset({S.REGISTERED, *WORKING, S.PAUSED}),
            None,
        ),
        # The quick commitment (快速响应): what will be done, by when, by whom.
        Transition("commit", _("Commitment given"), OPEN_STATUSES, None),
        Transition("dispatch", _("Dispatch"), frozenset({S.REGISTERED}), S.DISPATCHED),
        Transition("accept", _("Accept"), frozenset({S.DISPATCHED}), S.ACCEPTED, NOT_COMPLAINT),
        Transition(
            "arrive",
            _("Arrived on site"),
            frozenset({S.DISPATCHED, S.ACCEPTED}),
            S.ARRIVED,
            NOT_COMPLAINT,
        ),
        Transition("pause", _("Pause"), WORKING, S.PAUSED),
        Transition("resume", _("Resume"), frozenset({S.PAUSED}), PREVIOUS),
        Transition("transfer", _("Transfer"), frozenset({*WORKING, S.PAUSED}), S.DISPATCHED),
        Transition("follow_up", _("Follow-up call"), BEFORE_DONE, None),
        Transition(
            "complete", _("Work done"), frozenset({S.ACCEPTED, S.ARRIVED}), S.DONE, NOT_COMPLAINT
        ),
        Transition(
            "return", _("Returned to the desk"), frozenset({S.DONE}), S.RETURNED, NOT_COMPLAINT
        ),
        Transition("callback", _("Callback"), frozenset({S.RETURNED}), S.VISITED),
        Transition("close", _("Close"), frozenset({S.VISITED}), S.CLOSED, NOT_COMPLAINT),
        Transition("rework", _("Rework"), frozenset({S.VISITED, S.CLOSED}), None, NOT_COMPLAINT),
        Transition("void", _("Void"), OPEN_STATUSES, S.VOIDED),
        Transition("force_close", _("Forced close"), OPEN_STATUSES, S.CLOSED, roles=SUPERVISORS),
        Transition("promise_slip", _("Slipped promise told"), OPEN_STATUSES, None),
        Transition(
            "warranty_pass",
            _("Passed to the developer"),
            BEFORE_DONE,
            None,
            frozenset({TicketKind.REPAIR}),
        ),
        Transition(
            "warranty_report",
            _("Daily progress report"),
            frozenset({*WORKING, S.PAUSED}),
            None,
            frozenset({TicketKind.REPAIR}),
        ),
        # Complaints (受理投诉流程)
        Transition(
            "investigate",
            _("Investigated and verified"),
            frozenset({S.REGISTERED, S.DISPATCHED, S.ACCEPTED, S.PAUSED}),
            None,
            COMPLAINT,
        ),
        Transition(
            "butler_reply",
            _("Butler's reply"),
            frozenset({S.DISPATCHED, S.ACCEPTED}),
            S.ACCEPTED,
            COMPLAINT,
        ),
        Transition(
            "refer",
            _("Referred"),
            frozenset({S.REGISTERED, S.DISPATCHED, S.ACCEPTED, S.PAUSED}),
            None,
            COMPLAINT,
        ),
        Transition(
            "decide",
            _("Decision on the referral"),
            frozenset({S.REGISTERED, S.DISPATCHED, S.ACCEPTED, S.PAUSED}),
            None,
            COMPLAINT,
            SUPERVISORS,
        ),
        Transition(
            "answer", _("Answer given to the resident"), frozenset({S.ACCEPTED}), S.DONE, COMPLAINT
        ),
        Transition(
            "sign_off", _("Signed off by the butler"), frozenset({S.DONE}), S.RETURNED, COMPLAINT
        ),
        Transition(
            "confirm",
            _("Confirmed closed by the resident"),
            frozenset({S.VISITED}),
            S.CLOSED,
            COMPLAINT,
        ),
        Transition(
            "mark_valid",
            _("Marked valid or invalid"),
            frozenset({S.DONE, S.RETURNED, S.VISITED, S.CLOSED}),
            None,
            COMPLAINT,
            SUPERVISORS,
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


def check(ticket: Any, action: str, by: Any = None) -> Transition:
    """The transition for `action` on `ticket`, or ApplicationError saying why not.

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
    if transition.roles is not None and by is not None and not has_role(by, *transition.roles):
        raise PermissionDenied(
            gettext("Only a supervisor or the manager may do “%(action)s”.")
            % {"action": transition.label}
        )
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
        if t.roles is not None and by is not None and not has_role(by, *t.roles):
            continue
        found.append(t)
    return found
