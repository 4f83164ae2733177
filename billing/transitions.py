"""Who may do what to fees: the one table of steps, their statuses and their roles.

Services check every step here (`check`), pages draw their buttons from it
(`allowed`) and the API answers 400 (wrong status) or 403 (wrong role) with
its message. The cashier (收银员) takes payments and pays refunds out; the desk
takes payments only after hours, and hands that money to the cashier; the
manager approves refunds and grants credit notes; nobody approves their own
refund (checked by the service and a constraint).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied
from django.utils.functional import Promise
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from frontdesk.core.errors import ApplicationError
from frontdesk.core.roles import Role, has_role

from .choices import (
    BillStatus,
    HandoverStatus,
    PaymentStatus,
    RefundStatus,
    UtilityPaymentStatus,
)

CASHIER = frozenset({Role.CASHIER})
CASHIER_OR_DESK = frozenset({Role.CASHIER, Role.DESK})
CASHIER_OR_MANAGER = frozenset({Role.CASHIER, Role.MANAGER})
MANAGER = frozenset({Role.MANAGER})
DESK = frozenset({Role.DESK})
READERS = frozenset({Role.CASHIER, Role.MANAGER, Role.DESK, Role.SUPERVISOR, Role.BUTLER})
ANY = frozenset({"*"})


@dataclass(frozen=True)
class Step:
    """One step: on which record, from which statuses (ANY: no status), to which, by whom."""

    action: str
    label: Promise
    record: str
    sources: frozenset[str]
    target: str | None
    roles: frozenset[str]


STEPS: dict[str, Step] = {
    s.action: s
    for s in [
        Step(
            "standard_create",
            _("Enter a charge standard"),
            "standard",
            ANY,
            None,
            CASHIER_OR_MANAGER,
        ),
        Step(
            "reading_record",
            _("Record a meter reading"),
            "reading",
            ANY,
            None,
            frozenset({Role.CASHIER, Role.DESK, Role.ENGINEERING, Role.MANAGER}),
        ),
        Step(
            "bill_run",
            _("Run the monthly bills"),
            "bill",
            ANY,
            BillStatus.ISSUED,
            CASHIER_OR_MANAGER,
        ),
        Step("payment_take", _("Take a payment"), "payment", ANY, PaymentStatus.VALID, CASHIER),
        Step(
            "payment_take_after_hours",
            _("Take a payment after hours"),
            "payment",
            ANY,
            PaymentStatus.VALID,
            frozenset({Role.CASHIER, Role.DESK}),
        ),
        Step(
            "payment_reverse",
            _("Reverse a payment"),
            "payment",
            frozenset({PaymentStatus.VALID}),
            PaymentStatus.REVERSED,
            CASHIER_OR_MANAGER,
        ),
        Step("credit_grant", _("Grant a credit note"), "credit", ANY, None, MANAGER),
        Step(
            "receipt_print",
            _("Print a receipt"),
            "receipt",
            ANY,
            None,
            frozenset({Role.CASHIER, Role.DESK, Role.MANAGER}),
        ),
        Step(
            "deposit_take",
            _("Take a deposit"),
            "deposit",
            ANY,
            None,
            frozenset({Role.CASHIER, Role.DESK}),
        ),
        Step(
            "refund_request",
            _("Request a refund"),
            "refund",
            ANY,
            RefundStatus.REQUESTED,
            frozenset({Role.CASHIER, Role.DESK}),
        ),
        Step(
            "refund_approve",
            _("Approve a refund"),
            "refund",
            frozenset({RefundStatus.REQUESTED}),
            RefundStatus.APPROVED,
            MANAGER,
        ),
        Step(
            "refund_reject",
            _("Reject a refund"),
            "refund",
            frozenset({RefundStatus.REQUESTED}),
            RefundStatus.REJECTED,
            MANAGER,
        ),
        Step(
            "refund_pay",
            _("Pay out a refund"),
            "refund",
            frozenset({RefundStatus.APPROVED}),
            RefundStatus.PAID,
            CASHIER,
        ),
        Step(
            "handover_hand",
            _("Hand after-hours money to the cashier"),
            "handover",
            ANY,
            HandoverStatus.HANDED,
            DESK,
        ),
        Step(
            "handover_receive",
            _("Receive and sign the handover"),
            "handover",
            frozenset({HandoverStatus.HANDED}),
            HandoverStatus.RECEIVED,
            CASHIER,
        ),
        Step("expenditure_record", _("Record an expenditure"), "expenditure", ANY, None, CASHIER),
        Step(
            "charge_confirm",
            _("Confirm an order's charge and material cost"),
            "confirmation",
            ANY,
            None,
            CASHIER_OR_MANAGER,
        ),
        Step(
            "dunning_notify",
            _("Tell the butlers of the arrears"),
            "bill",
            ANY,
            None,
            CASHIER_OR_MANAGER,
        ),
        Step(
            "aircon_overtime_record",
            _("Record overtime air-conditioning"),
            "aircon",
            ANY,
            None,
            CASHIER_OR_DESK,
        ),
        Step(
            "utility_collect",
            _("Collect money for a utility"),
            "utility",
            ANY,
            UtilityPaymentStatus.COLLECTED,
            CASHIER_OR_DESK,
        ),
        Step(
            "utility_pay_over",
            _("Pay over to the utility"),
            "utility",
            frozenset({UtilityPaymentStatus.COLLECTED}),
            UtilityPaymentStatus.PAID_OVER,
            CASHIER,
        ),
        Step(
            "utility_reverse",
            _("Reverse a utility collection"),
            "utility",
            frozenset({UtilityPaymentStatus.COLLECTED}),
            UtilityPaymentStatus.REVERSED,
            CASHIER,
        ),
    ]
}


def _role_names(roles: frozenset[str]) -> str:
    return gettext(", ").join(str(Role(r).label) for r in sorted(roles))


def may(user: Any, action: str) -> bool:
    """Whether `user`'s roles allow `action` (status aside), for buttons and permissions."""
    return has_role(user, *STEPS[action].roles)


def check(action: str, *, by: Any, status: str | None = None) -> Step:
    """The step for `action`, or PermissionDenied (role) / ApplicationError (status).

    Call inside the step's transaction with the record locked.
    """
    step = STEPS[action]
    if not has_role(by, *step.roles):
        raise PermissionDenied(
            gettext("Only these roles may “%(action)s”: %(roles)s.")
            % {"action": step.label, "roles": _role_names(step.roles)}
        )
    if step.sources != ANY and status not in step.sources:
        raise ApplicationError(
            gettext("“%(action)s” is not possible in this status.") % {"action": step.label}
        )
    return step


def allowed(user: Any, record: str, status: str | None) -> list[Step]:
    """The steps `user` may take now on a record in `status` (for buttons)."""
    return [
        s
        for s in STEPS.values()
        if s.record == record
        and (s.sources == ANY or status in s.sources)
        and has_role(user, *s.roles)
    ]
