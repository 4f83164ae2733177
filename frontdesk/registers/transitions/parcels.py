"""Steps of mail and parcels.

    parcel   waiting --tell--> waiting (the household told, once)
             waiting --pickup--> collected (name + signature; ID checked for registered mail)
             waiting --return--> returned (to the sender, with the reason)

The area staff (the building's butler) collect for their buildings, so they may record
a pickup too; receiving is the desk's.
"""

from django.utils.translation import gettext_lazy as _

from frontdesk.core.roles import Role

from ..choices.parcels import ParcelStatus
from . import DESK, Transition, add

RECORD = "parcel"
WAITING = frozenset({ParcelStatus.WAITING})
# Who reads the mail register: the desk, the area staff, security at the gate.
READERS = DESK | frozenset({Role.BUTLER, Role.SECURITY})

add(
    Transition(RECORD, "receive", _("Receive"), frozenset({""}), ParcelStatus.WAITING, DESK),
    Transition(RECORD, "tell", _("Household told"), WAITING, "", DESK),
    Transition(
        RECORD,
        "pickup",
        _("Pick up"),
        WAITING,
        ParcelStatus.COLLECTED,
        DESK | frozenset({Role.BUTLER}),
    ),
    Transition(RECORD, "return", _("Return to sender"), WAITING, ParcelStatus.RETURNED, DESK),
)
