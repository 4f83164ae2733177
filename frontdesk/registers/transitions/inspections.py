"""Steps of patrols and inspections: who may walk which kind of checklist, who opens a
rectification order the walker could not, and who keeps the checklists.

A run has no life of its own (it is recorded whole, once); the table says who may
record it. The building patrol is security's and the desk's, the cleaners' work is
inspected by the desk or the cleaning lead, the lobby's morning check and the desk
area's inspection are the desk's; the supervisor and the manager may walk any.
"""

from django.utils.translation import gettext_lazy as _

from frontdesk.core.roles import Role

from ..choices.inspections import ChecklistKind
from . import SUPERVISORS, Transition, add

RECORD = "inspection"
CHECKLIST = "checklist"
ACTIVE = "active"

WALKERS: dict[str, frozenset[str]] = {
    ChecklistKind.LOBBY: frozenset({Role.DESK}) | SUPERVISORS,
    ChecklistKind.CLEANING: frozenset({Role.DESK, Role.CLEANING}) | SUPERVISORS,
    ChecklistKind.PATROL: frozenset({Role.DESK, Role.SECURITY}) | SUPERVISORS,
    ChecklistKind.DESK_AREA: frozenset({Role.DESK}) | SUPERVISORS,
}


def walk_action(kind: str) -> str:
    return f"walk.{kind}"


add(
    *(
        Transition(RECORD, walk_action(kind), _("Record a walk"), frozenset(), "", roles)
        for kind, roles in WALKERS.items()
    ),
    # Opening an order is the desk's (tickets.transitions.REGISTER_ROLES); when the walker
    # may not, the failed items wait on the run's page for the desk.
    Transition(
        RECORD,
        "rectify",
        _("Open the rectification orders"),
        frozenset(),
        "",
        frozenset({Role.DESK}) | SUPERVISORS,
    ),
    Transition(CHECKLIST, "create", _("Create a checklist"), frozenset(), ACTIVE, SUPERVISORS),
    Transition(CHECKLIST, "retire", _("Retire"), frozenset({ACTIVE}), "retired", SUPERVISORS),
)
