"""Steps of an item release pass: issued at the desk, checked once at the gate, or voided."""

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from ..choices.passes import PassStatus, TemporaryPassStatus
from . import DESK, SECURITY, Transition, add

RELEASE_PASS = "release_pass"

add(
    # Before a pass exists: `may(by, RELEASE_PASS, "issue")`.
    Transition(RELEASE_PASS, "issue", _("Issue"), frozenset(), PassStatus.ISSUED, DESK),
    Transition(
        RELEASE_PASS,
        "verify",
        _("Check at the gate"),
        frozenset({PassStatus.ISSUED}),
        PassStatus.USED,
        SECURITY | DESK,
    ),
    Transition(
        RELEASE_PASS, "void", _("Void"), frozenset({PassStatus.ISSUED}), PassStatus.VOID, DESK
    ),
    # Printing keeps the status; a voided or used pass is not printed again.
    Transition(RELEASE_PASS, "print", _("Print"), frozenset({PassStatus.ISSUED}), "", DESK),
)

TEMPORARY_PASS = "temporary_pass"
CARD_WORK = "card_work"

add(
    Transition(TEMPORARY_PASS, "issue", _("Issue"), frozenset(), TemporaryPassStatus.OUT, DESK),
    Transition(
        TEMPORARY_PASS,
        "return",
        pgettext_lazy("temporary pass step", "Return"),
        frozenset({TemporaryPassStatus.OUT}),
        TemporaryPassStatus.RETURNED,
        DESK | SECURITY,
    ),
    Transition(
        TEMPORARY_PASS,
        "lose",
        _("Report lost"),
        frozenset({TemporaryPassStatus.OUT}),
        TemporaryPassStatus.LOST,
        DESK,
    ),
    # Card work is one entry per piece of work, recorded by the desk.
    Transition(CARD_WORK, "record", _("Record"), frozenset(), "", DESK),
)
