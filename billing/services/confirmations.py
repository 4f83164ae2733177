"""The cashier's confirmation of what paid orders charged and cost (核实有偿服务收入与成本)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from frontdesk.core.errors import ApplicationError
from frontdesk.core.scoping import can_access_project
from tickets.choices import TicketStatus
from tickets.models import Ticket

from .. import transitions
from ..models import ChargeConfirmation
from ..money import check_amount


@transaction.atomic
def charge_confirm(
    *,
    ticket: Ticket,
    fee_charged: object,
    material_cost: object,
    by: Any,
    note: str = "",
    now: dt.datetime | None = None,
) -> ChargeConfirmation:
    """Confirm a finished paid order's charge and material cost, or correct the last
    confirmation with a new one (a correction needs a note saying why).

    The order's row is locked, so two cashiers confirming at once write one after the other
    and the second supersedes the first: an order never has two current confirmations.
    """
    transitions.check("charge_confirm", by=by)
    if not can_access_project(by, ticket.project_id):
        raise ApplicationError(fields={"ticket": [_("Not found in your projects.")]})
    locked = Ticket.objects.select_for_update(of=("self",)).get(pk=ticket.pk)
    if not locked.paid or locked.done_at is None or locked.status == TicketStatus.VOIDED:
        raise ApplicationError(
            fields={"ticket": [_("Only a finished paid order has a charge to confirm.")]}
        )
    errors: dict[str, list[str]] = {}
    amounts = {}
    for field, value in (("fee_charged", fee_charged), ("material_cost", material_cost)):
        try:
            amounts[field] = check_amount(value, field=field, allow_zero=True)
        except ApplicationError as error:
            errors.update(error.fields)
    last = (
        ChargeConfirmation.objects.filter(ticket=locked, superseded_by__isnull=True)
        .order_by("-id")
        .first()
    )
    note = note.strip()
    if last is not None and not note:
        errors["note"] = [_("Say why the confirmed figures are corrected.")]
    if errors:
        raise ApplicationError(fields=errors)
    if last is not None and (last.fee_charged, last.material_cost) == (
        amounts["fee_charged"],
        amounts["material_cost"],
    ):
        raise ApplicationError(fields={"fee_charged": [_("These figures are confirmed already.")]})
    return ChargeConfirmation.objects.create(
        project_id=locked.project_id,
        ticket=locked,
        fee_charged=amounts["fee_charged"],
        material_cost=amounts["material_cost"],
        supersedes=last,
        note=note,
        confirmed_by=by,
        confirmed_at=now or timezone.now(),
    )
