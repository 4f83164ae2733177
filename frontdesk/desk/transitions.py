"""The lives of the desk's records: one table of allowed steps, with who may take each.

Services check every step here (`check`), pages draw their buttons from it
(`allowed`) and the API answers 400 with its message when a step is refused.

    duty-log entry   pending --answer--> answered;  pending|answered --correct--> corrected;
                     any --comment--> (the supervisor's comment in the weekly review)
    shift            planned --close--> closed (its handover is written)
    handover         awaiting --acknowledge--> acknowledged (frozen)
    review           open --sign--> signed (frozen); a department review is signed by the
                     department or a supervisor, a spot check by the manager
    incident         open --step--> open;  open --close--> closed
    key follow-up    open --check|instruct--> open;  open --close--> closed
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from frontdesk.core.errors import ApplicationError
from frontdesk.core.roles import Role, has_role

from .choices import (
    EntryStatus,
    HandoverStatus,
    IncidentStatus,
    ReviewStatus,
    ShiftStatus,
    TrackingStatus,
)

DESK = frozenset({Role.DESK, Role.SUPERVISOR, Role.MANAGER})
REVIEWERS = frozenset({Role.SUPERVISOR, Role.MANAGER})
SECURITY = frozenset({Role.SECURITY})
DEPARTMENT_HEADS = frozenset({Role.ENGINEERING, Role.CLEANING, Role.GREENING, Role.SECURITY})

# The transition table's record name of each kind of review: who signs depends on the kind.
REVIEW_RECORD = {
    "daily": "review",
    "weekly": "review",
    "department": "department_review",
    "spot": "spot_check",
}


@dataclass(frozen=True)
class Transition:
    """One step of a record: from which statuses, to which, and the roles that may take it."""

    record: str
    action: str
    label: Promise
    sources: frozenset[str]
    target: str
    roles: frozenset[str]


TRANSITIONS: dict[tuple[str, str], Transition] = {
    (t.record, t.action): t
    for t in [
        Transition(
            "entry",
            "answer",
            _("Answer given"),
            frozenset({EntryStatus.PENDING}),
            EntryStatus.ANSWERED,
            DESK,
        ),
        Transition(
            "entry",
            "follow_up",
            _("Follow-up"),
            frozenset({EntryStatus.PENDING, EntryStatus.ANSWERED}),
            "",
            DESK,
        ),
        Transition(
            "entry",
            "open_order",
            _("Open an order"),
            frozenset({EntryStatus.PENDING, EntryStatus.ANSWERED}),
            "",
            DESK,
        ),
        Transition(
            "entry",
            "correct",
            _("Correct"),
            frozenset({EntryStatus.PENDING, EntryStatus.ANSWERED}),
            EntryStatus.CORRECTED,
            DESK,
        ),
        Transition(
            "entry",
            "comment",
            _("Supervisor's comment"),
            frozenset({EntryStatus.PENDING, EntryStatus.ANSWERED, EntryStatus.CORRECTED}),
            "",
            REVIEWERS,
        ),
        Transition(
            "shift",
            "close",
            _("Close the shift"),
            frozenset({ShiftStatus.PLANNED}),
            ShiftStatus.CLOSED,
            DESK,
        ),
        Transition(
            "handover",
            "acknowledge",
            _("Acknowledge the handover"),
            frozenset({HandoverStatus.AWAITING}),
            HandoverStatus.ACKNOWLEDGED,
            DESK,
        ),
        Transition(
            "review",
            "sign",
            _("Sign"),
            frozenset({ReviewStatus.OPEN}),
            ReviewStatus.SIGNED,
            REVIEWERS,
        ),
        Transition(
            "department_review",
            "sign",
            _("Sign"),
            frozenset({ReviewStatus.OPEN}),
            ReviewStatus.SIGNED,
            DEPARTMENT_HEADS | REVIEWERS,
        ),
        Transition(
            "spot_check",
            "sign",
            _("Record the spot check"),
            frozenset({ReviewStatus.OPEN}),
            ReviewStatus.SIGNED,
            frozenset({Role.MANAGER}),
        ),
        Transition(
            "incident",
            "step",
            _("Step of the handling"),
            frozenset({IncidentStatus.OPEN}),
            IncidentStatus.OPEN,
            DESK | SECURITY,
        ),
        Transition(
            "incident",
            "close",
            _("Close the incident"),
            frozenset({IncidentStatus.OPEN}),
            IncidentStatus.CLOSED,
            DESK | SECURITY,
        ),
        Transition(
            "tracking",
            "check",
            _("Check"),
            frozenset({TrackingStatus.OPEN}),
            TrackingStatus.OPEN,
            DESK | frozenset({Role.BUTLER}),
        ),
        Transition(
            "tracking",
            "instruct",
            _("Instruction"),
            frozenset({TrackingStatus.OPEN}),
            TrackingStatus.OPEN,
            REVIEWERS,
        ),
        Transition(
            "tracking",
            "close",
            _("End the follow-up"),
            frozenset({TrackingStatus.OPEN}),
            TrackingStatus.CLOSED,
            DESK | frozenset({Role.BUTLER}),
        ),
    ]
}


def _status_label(record: Any) -> str:
    display = getattr(record, "get_status_display", None)
    return str(display()) if display else str(record.status)


def check(record: Any, name: str, action: str, by: Any) -> Transition:
    """The step `action` of `record` (of kind `name`), or ApplicationError saying why not.

    Call with the record's row locked inside the step's transaction.
    """
    transition = TRANSITIONS[(name, action)]
    if record.status not in transition.sources:
        raise ApplicationError(
            gettext("This record is “%(status)s”: it cannot be given “%(action)s”.")
            % {"status": _status_label(record), "action": transition.label}
        )
    if not has_role(by, *transition.roles):
        # A refusal the user can read and correct (a 400 in the API), like every other one.
        raise ApplicationError(
            gettext("Your role may not do “%(action)s”.") % {"action": transition.label}
        )
    return transition


def allowed(record: Any, name: str, by: Any) -> list[str]:
    """The actions open to `by` on `record` now (for the page's buttons)."""
    return [
        t.action
        for (record_name, _action), t in TRANSITIONS.items()
        if record_name == name and record.status in t.sources and has_role(by, *t.roles)
    ]
