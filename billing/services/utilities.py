"""Utilities paid on a resident's behalf (代收代缴): money held for the utility, not income.

Where a project does not bill energy itself, the desk takes the resident's
money for the water, power, gas, cable TV or telephone company; the cashier
pays it over to the company, or reverses a wrong collection before that. Each
step is in the transition table with its roles.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from frontdesk.core.errors import ApplicationError
from frontdesk.core.scoping import can_access_project
from residents.models import Household

from .. import transitions
from ..choices import ENERGY_UTILITIES, PaymentMethod, UtilityKind, UtilityPaymentStatus
from ..models import BillingSettings, UtilityPayment
from ..money import check_amount


def _bills_energy(project_id: int) -> bool:
    found = (
        BillingSettings.objects.filter(project_id=project_id)
        .values_list("bills_energy", flat=True)
        .first()
    )
    return True if found is None else found


@transaction.atomic
def utility_collect(
    *,
    household: Household,
    utility: str,
    account_number: str,
    amount: object,
    method: str,
    by: Any,
    note: str = "",
    now: dt.datetime | None = None,
) -> UtilityPayment:
    """Take a resident's money for a utility; it is held for the utility until paid over."""
    transitions.check("utility_collect", by=by)
    errors: dict[str, list[str]] = {}
    if not can_access_project(by, household.project_id):
        errors["household"] = [_("Not found in your projects.")]
    if utility not in UtilityKind.values:
        errors["utility"] = [_("Unknown utility.")]
    elif utility in ENERGY_UTILITIES and _bills_energy(household.project_id):
        errors["utility"] = [
            _("This project bills water, electricity and gas itself: they go on its bills.")
        ]
    account_number = (account_number or "").strip()
    if not account_number or len(account_number) > 40:
        errors["account_number"] = [
            _("Give the household's account number with the utility (up to 40 characters).")
        ]
    if method not in PaymentMethod.values:
        errors["method"] = [_("Unknown payment method.")]
    note = (note or "").strip()
    if len(note) > 200:
        errors["note"] = [_("At most 200 characters.")]
    try:
        value = check_amount(amount)
    except ApplicationError as error:
        errors.update(error.fields)
    if errors:
        raise ApplicationError(fields=errors)
    return UtilityPayment.objects.create(
        project_id=household.project_id,
        household=household,
        utility=utility,
        account_number=account_number,
        amount=value,
        method=method,
        note=note,
        collected_by=by,
        collected_at=now or timezone.now(),
    )


def _locked(payment: UtilityPayment) -> UtilityPayment:
    return UtilityPayment.objects.select_for_update().get(pk=payment.pk)


@transaction.atomic
def utility_pay_over(
    *,
    payment: UtilityPayment,
    by: Any,
    reference: str,
    paid_on: dt.date,
    now: dt.datetime | None = None,
) -> UtilityPayment:
    """Record that the cashier paid the held money over to the utility (with its receipt)."""
    payment = _locked(payment)
    if not can_access_project(by, payment.project_id):
        raise ApplicationError(fields={"payment": [_("Not found in your projects.")]})
    transitions.check("utility_pay_over", by=by, status=payment.status)
    now = now or timezone.now()
    errors: dict[str, list[str]] = {}
    reference = (reference or "").strip()
    if not reference or len(reference) > 64:
        errors["reference"] = [_("Give the utility's receipt number (up to 64 characters).")]
    if paid_on > timezone.localdate(now):
        errors["paid_on"] = [_("The date is in the future.")]
    elif paid_on < timezone.localdate(payment.collected_at):
        errors["paid_on"] = [_("The money was collected after this date.")]
    if errors:
        raise ApplicationError(fields=errors)
    payment.status = UtilityPaymentStatus.PAID_OVER
    payment.utility_reference = reference
    payment.paid_over_on = paid_on
    payment.paid_over_by = by
    payment.paid_over_at = now
    payment.save(
        update_fields=[
            "status",
            "utility_reference",
            "paid_over_on",
            "paid_over_by",
            "paid_over_at",
        ]
    )
    return payment


@transaction.atomic
def utility_reverse(
    *, payment: UtilityPayment, by: Any, reason: str, now: dt.datetime | None = None
) -> UtilityPayment:
    """Reverse a wrong collection before it is paid over; the row stays, marked reversed."""
    payment = _locked(payment)
    if not can_access_project(by, payment.project_id):
        raise ApplicationError(fields={"payment": [_("Not found in your projects.")]})
    transitions.check("utility_reverse", by=by, status=payment.status)
    reason = (reason or "").strip()
    if not reason or len(reason) > 200:
        raise ApplicationError(fields={"reason": [_("Give the reason (up to 200 characters).")]})
    payment.status = UtilityPaymentStatus.REVERSED
    payment.reverse_reason = reason
    payment.reversed_by = by
    payment.reversed_at = now or timezone.now()
    payment.save(update_fields=["status", "reverse_reason", "reversed_by", "reversed_at"])
    return payment
