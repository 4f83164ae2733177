"""Payments, credit notes and reversals: the household's money, allocated to its bills."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import F, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from frontdesk.core.errors import ApplicationError
from residents.models import Household

from .. import transitions
from ..choices import OPEN_BILL_STATUSES, BillStatus, PaymentMethod, PaymentStatus, ReceiptKind
from ..models import Allocation, Bill, Credit, Payment, Receipt, Reversal
from ..money import ZERO, check_amount
from .common import (
    allocate,
    bill_paid_amounts,
    lock_household,
    open_bills,
    receipt_issue,
    save_statuses,
)


def _chosen_bills(
    household: Household, bills: Sequence[Bill | int], field: str = "bills"
) -> list[Bill]:
    ids = [b.pk if isinstance(b, Bill) else int(b) for b in bills]
    if len(set(ids)) != len(ids):
        raise ApplicationError(fields={field: [_("A bill is named twice.")]})
    found = {
        b.pk: b
        for b in Bill.objects.select_for_update().filter(pk__in=ids).select_related("household")
    }
    errors = []
    for pk in ids:
        bill = found.get(pk)
        if bill is None or bill.project_id != household.project_id:
            errors.append(_("Bill %(id)s is not a bill of this project.") % {"id": pk})
        elif bill.household_id != household.pk:
            errors.append(_("Bill %(id)s is another household's.") % {"id": pk})
        elif bill.status == BillStatus.DRAFT:
            errors.append(_("Bill %(id)s is a draft and cannot be paid yet.") % {"id": pk})
        elif bill.status not in OPEN_BILL_STATUSES:
            errors.append(_("Bill %(id)s is already paid.") % {"id": pk})
    if errors:
        raise ApplicationError(fields={field: errors})
    return sorted((found[pk] for pk in ids), key=lambda b: (b.period, b.pk))


@transaction.atomic
def payment_take(
    *,
    household: Household,
    amount: object,
    method: str,
    taken_by: Any,
    bills: Sequence[Bill | int] | None = None,
    split: Mapping[int, object] | None = None,
    after_hours: bool = False,
    reference: str = "",
    note: str = "",
    now: dt.datetime | None = None,
) -> Payment:
    """Take a payment and give its receipt.

    It settles `bills` in order (all the household's open bills, oldest first,
    when none are named), or the amounts of `split` (bill id → amount); a bill
    may be paid in part; what is left over is held as the household's credit
    and settles its next bill. The desk takes payments only after hours.
    """
    transitions.check("payment_take_after_hours" if after_hours else "payment_take", by=taken_by)
    value = check_amount(amount)
    if method not in PaymentMethod.values:
        raise ApplicationError(fields={"method": [_("Unknown payment method.")]})
    now = now or timezone.now()
    household = lock_household(household)
    wanted: dict[int, Decimal] | None = None
    if split:
        wanted = {int(pk): check_amount(part, field="split") for pk, part in split.items()}
        chosen = _chosen_bills(household, list(wanted), field="split")
        if sum(wanted.values(), ZERO) > value:
            raise ApplicationError(
                fields={"split": [_("The parts add up to more than the amount paid.")]}
            )
    elif bills:
        chosen = _chosen_bills(household, bills)
    else:
        chosen = open_bills(household)
    paid = bill_paid_amounts(b.pk for b in chosen)
    if wanted is not None:
        for bill in chosen:
            if wanted[bill.pk] > bill.amount - paid.get(bill.pk, ZERO):
                raise ApplicationError(
                    fields={
                        "split": [
                            _("Bill %(id)s has only %(left)s left to pay.")
                            % {"id": bill.pk, "left": bill.amount - paid.get(bill.pk, ZERO)}
                        ]
                    }
                )
    payment = Payment.objects.create(
        project_id=household.project_id,
        household=household,
        amount=value,
        method=method,
        after_hours=after_hours,
        taken_by=taken_by,
        taken_at=now,
        reference=reference.strip(),
        note=note.strip(),
    )
    allocate(source=payment, available=value, bills=chosen, paid=paid, at=now, wanted=wanted)
    receipt_issue(
        project=household.project,
        household=household,
        kind=ReceiptKind.PAYMENT,
        amount=value,
        by=taken_by,
        at=now,
        payment=payment,
    )
    return payment


@transaction.atomic
def payment_reverse(
    *, payment: Payment, by: Any, reason: str, now: dt.datetime | None = None
) -> Reversal:
    """Reverse a wrong payment by a new entry: its allocations are undone by negative ones,
    its bills reopen, and the payment and its receipt stay, marked reversed."""
    now = now or timezone.now()
    lock_household(payment.household)
    payment = Payment.objects.select_for_update().get(pk=payment.pk)
    transitions.check("payment_reverse", by=by, status=payment.status)
    if not reason.strip():
        raise ApplicationError(fields={"reason": [_("Say why the payment is reversed.")]})
    reversal = Reversal.objects.create(
        project_id=payment.project_id,
        household_id=payment.household_id,
        payment=payment,
        amount=payment.amount,
        reason=reason.strip(),
        reversed_by=by,
        reversed_at=now,
    )
    net = (
        Allocation.objects.filter(payment=payment)
        .values("bill_id")
        .annotate(total=Sum("amount"))
        .filter(total__gt=0)
    )
    Allocation.objects.bulk_create(
        Allocation(
            bill_id=row["bill_id"], payment=payment, reversal=reversal, amount=-row["total"], at=now
        )
        for row in net
    )
    payment.status = PaymentStatus.REVERSED
    payment.save(update_fields=["status"])
    bills = list(Bill.objects.select_for_update().filter(pk__in=[r["bill_id"] for r in net]))
    paid = bill_paid_amounts(b.pk for b in bills)
    save_statuses(bills, paid)
    return reversal


@transaction.atomic
def credit_grant(
    *,
    household: Household,
    amount: object,
    reason: str,
    by: Any,
    now: dt.datetime | None = None,
) -> Credit:
    """Grant a credit note (减免): it settles open bills oldest first; the rest is held."""
    transitions.check("credit_grant", by=by)
    value = check_amount(amount)
    if not reason.strip():
        raise ApplicationError(fields={"reason": [_("Say why the credit is granted.")]})
    now = now or timezone.now()
    household = lock_household(household)
    credit = Credit.objects.create(
        project_id=household.project_id,
        household=household,
        amount=value,
        reason=reason.strip(),
        granted_by=by,
        granted_at=now,
    )
    bills = open_bills(household)
    allocate(
        source=credit,
        available=value,
        bills=bills,
        paid=bill_paid_amounts(b.pk for b in bills),
        at=now,
    )
    return credit


@transaction.atomic
def receipt_print(*, receipt: Receipt, by: Any) -> Receipt:
    """Count a print of the receipt; every print after the first says it is a reprint."""
    transitions.check("receipt_print", by=by)
    Receipt.objects.filter(pk=receipt.pk).update(print_count=F("print_count") + 1)
    receipt.refresh_from_db(fields=["print_count"])
    return receipt
