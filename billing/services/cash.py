"""The desk's after-hours money handed to the cashier, and the cashier's expenditure."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from frontdesk.core.errors import ApplicationError
from frontdesk.core.models import Project

from .. import transitions
from ..choices import ExpenditureCategory, HandoverStatus, PaymentMethod, PaymentStatus
from ..models import CashHandover, CashHandoverLine, Expenditure, Payment
from ..money import ZERO, check_amount


def handover_expected(*, project: Project, by: Any) -> dict[str, Decimal]:
    """What the records say `by` took after hours and has not handed over, per method."""
    rows = (
        Payment.objects.filter(
            project=project,
            taken_by=by,
            after_hours=True,
            handover__isnull=True,
            status=PaymentStatus.VALID,
        )
        .values("method")
        .annotate(total=Sum("amount"))
    )
    return {row["method"]: row["total"] for row in rows}


@transaction.atomic
def handover_hand(
    *,
    project: Project,
    by: Any,
    counted: Mapping[str, object],
    explanation: str = "",
    now: dt.datetime | None = None,
) -> CashHandover:
    """Hand what `by` took after hours to the cashier: per method, the records' total and
    what was counted; a difference must be explained. The payments join the handover."""
    transitions.check("handover_hand", by=by)
    payments = Payment.objects.select_for_update().filter(
        project=project,
        taken_by=by,
        after_hours=True,
        handover__isnull=True,
        status=PaymentStatus.VALID,
    )
    list(payments)  # lock them
    expected = handover_expected(project=project, by=by)
    counts: dict[str, Decimal] = {}
    for method, value in counted.items():
        if method not in PaymentMethod.values:
            raise ApplicationError(fields={"counted": [_("Unknown payment method.")]})
        counts[method] = check_amount(value, field="counted", allow_zero=True)
    methods = sorted(set(expected) | {m for m, v in counts.items() if v})
    if not methods:
        raise ApplicationError(_("There is nothing to hand over."))
    differs = any(counts.get(m, ZERO) != expected.get(m, ZERO) for m in methods)
    if differs and not explanation.strip():
        raise ApplicationError(
            fields={"explanation": [_("The count differs from the records: explain why.")]}
        )
    handover = CashHandover.objects.create(
        project=project, handed_by=by, handed_at=now or timezone.now(), explanation=explanation
    )
    CashHandoverLine.objects.bulk_create(
        CashHandoverLine(
            handover=handover,
            method=m,
            expected=expected.get(m, ZERO),
            counted=counts.get(m, ZERO),
        )
        for m in methods
    )
    payments.update(handover=handover)
    return handover


@transaction.atomic
def handover_receive(
    *, handover: CashHandover, by: Any, now: dt.datetime | None = None
) -> CashHandover:
    """The cashier signs for the money (never the person who handed it over)."""
    handover = CashHandover.objects.select_for_update().get(pk=handover.pk)
    transitions.check("handover_receive", by=by, status=handover.status)
    if handover.handed_by_id == by.pk:
        raise ApplicationError(_("The cashier who receives is not the one who hands over."))
    handover.status = HandoverStatus.RECEIVED
    handover.received_by = by
    handover.received_at = now or timezone.now()
    handover.save(update_fields=["status", "received_by", "received_at"])
    return handover


@transaction.atomic
def expenditure_record(
    *,
    project: Project,
    category: str,
    amount: object,
    spent_on: dt.date,
    description: str,
    by: Any,
) -> Expenditure:
    """Record a cost of the project for the income and expenditure statement."""
    transitions.check("expenditure_record", by=by)
    errors: dict[str, list[str]] = {}
    if category not in ExpenditureCategory.values:
        errors["category"] = [_("Unknown category.")]
    if not description.strip():
        errors["description"] = [_("Say what the money was spent on.")]
    if errors:
        raise ApplicationError(fields=errors)
    return Expenditure.objects.create(
        project=project,
        category=category,
        amount=check_amount(amount),
        spent_on=spent_on,
        description=description.strip(),
        recorded_by=by,
    )
