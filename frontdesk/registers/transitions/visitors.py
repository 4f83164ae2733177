"""Steps of visitors and of messages and items left.

    visitor   (new) --register--> arrived, or expected (announced by the resident)
              expected --arrive--> arrived --leave--> left
              (an expected visitor not arrived by the end of the day has lapsed: read, not a step)
    message   waiting --tell--> told;  waiting|told --collect--> collected (signed, once)

Visitors are registered at the desk or at the gate (security); messages and items are
the desk's.
"""

from django.utils.translation import gettext_lazy as _

from frontdesk.core.roles import Role

from ..choices.visitors import MessageStatus, VisitorStatus
from . import DESK, SECURITY, Transition, add

VISITOR = "visitor"
MESSAGE = "message"
# Who reads the visitors register: the desk, security, the supervisor and manager, butlers.
READERS = DESK | SECURITY | frozenset({Role.BUTLER})

add(
    Transition(VISITOR, "register", _("Register"), frozenset({""}), "", DESK | SECURITY),
    Transition(
        VISITOR,
        "arrive",
        _("Mark arrived"),
        frozenset({VisitorStatus.EXPECTED}),
        VisitorStatus.ARRIVED,
        DESK | SECURITY,
    ),
    Transition(
        VISITOR,
        "leave",
        _("Mark left"),
        frozenset({VisitorStatus.ARRIVED}),
        VisitorStatus.LEFT,
        DESK | SECURITY,
    ),
    Transition(MESSAGE, "receive", _("Receive"), frozenset({""}), MessageStatus.WAITING, DESK),
    Transition(
        MESSAGE,
        "tell",
        _("Resident told"),
        frozenset({MessageStatus.WAITING}),
        MessageStatus.TOLD,
        DESK,
    ),
    Transition(
        MESSAGE,
        "collect",
        _("Pick up"),
        frozenset({MessageStatus.WAITING, MessageStatus.TOLD}),
        MessageStatus.COLLECTED,
        DESK,
    ),
)
