"""Steps of valuables in custody: received, a delegate named (any number of times), returned
once. The desk, the supervisor and the manager take them all."""

from django.utils.translation import gettext_lazy as _

from ..choices.custody import CustodyStatus
from . import DESK, Transition, add

CUSTODY = "custody"

add(
    Transition(CUSTODY, "receive", _("Receive"), frozenset(), CustodyStatus.HELD, DESK),
    Transition(
        CUSTODY,
        "delegate",
        _("Name a delegate"),
        frozenset({CustodyStatus.HELD}),
        "",
        DESK,
    ),
    Transition(
        CUSTODY,
        "return",
        _("Hand back"),
        frozenset({CustodyStatus.HELD}),
        CustodyStatus.RETURNED,
        DESK,
    ),
    Transition(
        CUSTODY,
        "print",
        _("Print the custody receipt"),
        frozenset({CustodyStatus.HELD, CustodyStatus.RETURNED}),
        "",
        DESK,
    ),
)
