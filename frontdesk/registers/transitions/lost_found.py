"""Steps of a found item: registered, then returned to its owner or disposed of.

Anyone on the desk (and security, who find most things on patrol) registers; the desk
hands back; only the supervisor or the manager disposes of an item, and is recorded as
the one who approved.
"""

from django.utils.translation import gettext_lazy as _

from ..choices.lost_found import FoundStatus
from . import DESK, SECURITY, SUPERVISORS, Transition, add

FOUND = "found_item"

add(
    Transition(FOUND, "register", _("Register"), frozenset(), FoundStatus.WAITING, DESK | SECURITY),
    Transition(
        FOUND,
        "return",
        _("Return to the owner"),
        frozenset({FoundStatus.WAITING}),
        FoundStatus.RETURNED,
        DESK,
    ),
    Transition(
        FOUND,
        "dispose",
        _("Dispose of"),
        frozenset({FoundStatus.WAITING}),
        FoundStatus.DISPOSED,
        SUPERVISORS,
    ),
)
