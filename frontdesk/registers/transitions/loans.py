"""Steps of a key or file loan: lent, then returned once.

The desk lends and takes back; so do the supervisor and the manager. At night the desk
is closed and the security post keeps the key board, so security may lend and take back
keys too (a household file stays with the desk: the service refuses it to security).
"""

from django.utils.translation import gettext_lazy as _

from ..choices.loans import LoanStatus
from . import DESK, SECURITY, Transition, add

LOAN = "loan"
KEY_KEEPERS = DESK | SECURITY

add(
    Transition(LOAN, "lend", _("Lend"), frozenset(), LoanStatus.OUT, KEY_KEEPERS),
    Transition(
        LOAN,
        "return",
        _("Take back"),
        frozenset({LoanStatus.OUT}),
        LoanStatus.RETURNED,
        KEY_KEEPERS,
    ),
)
