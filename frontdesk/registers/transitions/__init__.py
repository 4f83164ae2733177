"""The lives of the registers' records: one table of allowed steps, with who may take each.

Each register adds its steps from `transitions/<register>.py` with `add(...)`;
services check every step here (`check`), pages draw their buttons from it
(`allowed`), and the API answers 400 with the message of a refused step.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext

from frontdesk.core.errors import ApplicationError
from frontdesk.core.roles import Role, has_role

DESK = frozenset({Role.DESK, Role.SUPERVISOR, Role.MANAGER})
SUPERVISORS = frozenset({Role.SUPERVISOR, Role.MANAGER})
SECURITY = frozenset({Role.SECURITY})
DEPARTMENTS = frozenset(
    {Role.ENGINEERING, Role.CLEANING, Role.GREENING, Role.SECURITY, Role.CASHIER, Role.BUTLER}
)


@dataclass(frozen=True)
class Transition:
    """One step of a record: from which statuses, to which ("" keeps it), and who may take it."""

    record: str
    action: str
    label: Promise
    sources: frozenset[str]
    target: str
    roles: frozenset[str]


TRANSITIONS: dict[tuple[str, str], Transition] = {}


def add(*transitions: Transition) -> None:
    for t in transitions:
        TRANSITIONS[(t.record, t.action)] = t


def _status_label(record: Any) -> str:
    display = getattr(record, "get_status_display", None)
    return str(display()) if display else str(record.status)


def check(record: Any, name: str, action: str, by: Any) -> Transition:
    """The step `action` of `record` (of kind `name`), or ApplicationError saying why not.

    Call with the record's row locked inside the step's transaction.
    """
    transition = TRANSITIONS[(name, action)]
    if not has_role(by, *transition.roles):
        raise ApplicationError(
            gettext("Your role may not do “%(action)s”.") % {"action": transition.label}
        )
    if record.status not in transition.sources:
        raise ApplicationError(
            gettext("This record is “%(status)s”: it cannot be given “%(action)s”.")
            % {"status": _status_label(record), "action": transition.label}
        )
    return transition


def may(by: Any, name: str, action: str) -> bool:
    """Whether `by`'s roles allow the step at all (before a record exists, e.g. issuing)."""
    return has_role(by, *TRANSITIONS[(name, action)].roles)


def allowed(record: Any, name: str, by: Any) -> list[str]:
    """The actions open to `by` on `record` now (for the page's buttons)."""
    return [
        t.action
        for (record_name, _action), t in TRANSITIONS.items()
        if record_name == name and record.status in t.sources and has_role(by, *t.roles)
    ]
