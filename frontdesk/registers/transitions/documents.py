"""Steps of an incoming document: registered at the desk, instructed by the manager,
signed for by each department named.

Only the manager writes the instruction (批示): the procedure hands the document
"first to the service-center manager" (seed 004, 4.7.2); the supervisor is told
nothing extra and may not instruct in the manager's place. A receipt is recorded
by someone of the department, or by the desk on its behalf with the name of who
signed the paper (see `services.documents.document_acknowledge`).
"""

from django.utils.translation import gettext_lazy as _

from frontdesk.core.roles import Role

from ..choices.documents import DocumentStatus
from . import DEPARTMENTS, DESK, Transition, add

RECORD = "document"
REGISTERED = DocumentStatus.REGISTERED.value

add(
    Transition(RECORD, "register", _("Register"), frozenset(), REGISTERED, DESK),
    Transition(
        RECORD,
        "instruct",
        _("Write the instruction"),
        frozenset({REGISTERED}),
        "",  # distributed, or done when no department is named (the service decides)
        frozenset({Role.MANAGER}),
    ),
    Transition(
        RECORD,
        "acknowledge",
        _("Sign for the document"),
        frozenset({DocumentStatus.DISTRIBUTED.value}),
        "",
        DEPARTMENTS | DESK,
    ),
    Transition(
        RECORD,
        "correct",
        _("Correct"),
        frozenset({REGISTERED}),
        DocumentStatus.VOIDED.value,
        frozenset({Role.DESK, Role.SUPERVISOR}),
    ),
    Transition(
        RECORD,
        "void",
        _("Void"),
        frozenset({REGISTERED}),
        DocumentStatus.VOIDED.value,
        frozenset({Role.DESK, Role.SUPERVISOR}),
    ),
)
