"""Deposits held for households and their refunds, approved by the manager first."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from frontdesk.core.errors import ApplicationError
from residents.models import Decoration, Household

from .. import transitions
from ..choices import DepositKind, DepositStatus, PaymentMethod, ReceiptKind, RefundStatus
from ..models import Deposit, Refund
from ..money import ZERO, check_amount
from .common import receipt_issue


@transaction.atomic
def deposit_take(
    *,
    household: Household,
    kind: str,
    method: str,
    by: Any,
    amount: object = None,
    decoration: Decoration | None = None,
    description: str = "",
    now: dt.datetime | None = None,
) -> Deposit:
    """Take a deposit and give its receipt. A decoration deposit defaults to the amount the
    decoration application names."""
    transitions.check("deposit_take", by=by)
    errors: dict[str, list[str]] = {}
    if kind not in DepositKind.values:
        errors["kind"] = [_("Unknown kind of deposit.")]
    if method not in PaymentMethod.values:
        errors["method"] = [_("Unknown payment method.")]
    if decoration is not None and decoration.household_id != household.pk:
        errors["decoration"] = [_("This decoration is another household's.")]
    if kind == DepositKind.DECORATION and decoration is None:
        errors["decoration"] = [_("Name the decoration the deposit is for.")]
    if amount in (None, "") and decoration is not None:
        amount = decoration.deposit
    if errors:
        raise ApplicationError(fields=errors)
    value = check_amount(amount)
    now = now or timezone.now()
    deposit = Deposit.objects.create(
        project_id=household.project_id,
        household=household,
        kind=kind,
        decoration=decoration,
        description=description.strip(),
        amount=value,
        method=method,
        taken_by=by,
        taken_at=now,
    )
    receipt_issue(
        project=household.project,
        household=household,
        kind=ReceiptKind.DEPOSIT,
        amount=value,
        by=by,
        at=now,
        deposit=deposit,
    )
    return deposit


def deposit_refundable(deposit: Deposit) -> Any:
    """What of a deposit may still be asked back (requests not rejected count as taken)."""
    taken = (
        deposit.refunds.exclude(status=RefundStatus.REJECTED).aggregate(t=Sum("amount"))["t"]
        or ZERO
    )
    return deposit.amount - taken


@transaction.atomic
def refund_request(
    *,
    deposit: Deposit,
    amount: object,
    reason: str,
    method: str,
    by: Any,
    now: dt.datetime | None = None,
) -> Refund:
    """Ask for (part of) a deposit back; the money goes out only once the manager approves."""
    transitions.check("refund_request", by=by)
    deposit = Deposit.objects.select_for_update().get(pk=deposit.pk)
    value = check_amount(amount)
    errors: dict[str, list[str]] = {}
    if method not in PaymentMethod.values:
        errors["method"] = [_("Unknown payment method.")]
    if not reason.strip():
        errors["reason"] = [_("Say why the deposit is refunded.")]
    left = deposit_refundable(deposit)
    if value > left:
        errors["amount"] = [_("Only %(left)s of this deposit can be refunded.") % {"left": left}]
    if errors:
        raise ApplicationError(fields=errors)
    return Refund.objects.create(
        project_id=deposit.project_id,
        deposit=deposit,
        amount=value,
        reason=reason.strip(),
        method=method,
        requested_by=by,
        requested_at=now or timezone.now(),
    )


def _decide(refund: Refund, action: str, by: Any, note: str, now: dt.datetime | None) -> Refund:
    refund = Refund.objects.select_for_update().get(pk=refund.pk)
    step = transitions.check(action, by=by, status=refund.status)
    if refund.requested_by_id == by.pk:
        raise ApplicationError(_("Nobody approves or rejects their own refund."))
    refund.status = step.target or refund.status
    refund.decided_by = by
    refund.decided_at = now or timezone.now()
    refund.decision_note = note.strip()
    refund.save(update_fields=["status", "decided_by", "decided_at", "decision_note"])
    return refund


@transaction.atomic
def refund_approve(
    *, refund: Refund, by: Any, note: str = "", now: dt.datetime | None = None
) -> Refund:
    """The manager approves a refund (never their own request)."""
    return _decide(refund, "refund_approve", by, note, now)


@transaction.atomic
def refund_reject(*, refund: Refund, by: Any, note: str, now: dt.datetime | None = None) -> Refund:
    """The manager rejects a refund, saying why; its amount may be asked for again."""
    if not note.strip():
        raise ApplicationError(fields={"note": [_("Say why the refund is rejected.")]})
    return _decide(refund, "refund_reject", by, note, now)


@transaction.atomic
def refund_pay(*, refund: Refund, by: Any, now: dt.datetime | None = None) -> Refund:
    """The cashier pays an approved refund out, against a receipt; a deposit refunded in
    full is returned."""
    refund = Refund.objects.select_for_update().get(pk=refund.pk)
    transitions.check("refund_pay", by=by, status=refund.status)
    now = now or timezone.now()
    refund.status = RefundStatus.PAID
    refund.paid_by = by
    refund.paid_at = now
    refund.save(update_fields=["status", "paid_by", "paid_at"])
    deposit = Deposit.objects.select_for_update().get(pk=refund.deposit_id)
    paid_out = (
        deposit.refunds.filter(status=RefundStatus.PAID).aggregate(t=Sum("amount"))["t"] or ZERO
    )
    if paid_out >= deposit.amount:
        deposit.status = DepositStatus.RETURNED
        deposit.save(update_fields=["status"])
    receipt_issue(
        project=deposit.project,
        household=deposit.household,
        kind=ReceiptKind.REFUND,
        amount=refund.amount,
        by=by,
        at=now,
        refund=refund,
    )
    return refund
