"""Monthly housekeeping and greening contracts (包月) and the orders of their visits."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from frontdesk.core.errors import ApplicationError
from frontdesk.core.scoping import can_access_project
from residents.models import Household

from ..choices import (
    CONTRACT_KINDS,
    ScheduleType,
    TicketKind,
)
from ..models import (
    ContractVisit,
    MonthlyContract,
    Ticket,
)
from .common import (
    _aware,
    _choice,
    _full_clean,
    _money,
    _required_text,
)
from .orders import ticket_register

# --- Monthly contracts -----------------------------------------------------------------------


@transaction.atomic
def contract_create(
    *,
    household: Household,
    kind: str,
    service: str,
    schedule_type: str,
    schedule_days: list[int],
    price: Any,
    starts_on: dt.date,
    by: Any,
    ends_on: dt.date | None = None,
    visit_time: dt.time | None = None,
) -> MonthlyContract:
    """Register a monthly housekeeping or greening contract (包月) and its schedule."""
    if not can_access_project(by, household.project_id):
        raise ApplicationError(fields={"household": [_("This household is not in your projects.")]})
    kind = _choice(kind, TicketKind, "kind")
    if kind not in CONTRACT_KINDS:
        raise ApplicationError(
            fields={"kind": [_("Only housekeeping and greening are contracted monthly.")]}
        )
    schedule_type = _choice(schedule_type, ScheduleType, "schedule_type")
    try:
        days = sorted({int(d) for d in schedule_days})
    except (TypeError, ValueError):
        raise ApplicationError(fields={"schedule_days": [_("List the days as numbers.")]}) from None
    top = 7 if schedule_type == ScheduleType.WEEKDAYS else 31
    if not days or days[0] < 1 or days[-1] > top:
        raise ApplicationError(
            fields={"schedule_days": [_("Days run from 1 to %(n)d.") % {"n": top}]}
        )
    amount = _money(price, "price", required=True)
    assert amount is not None  # required=True refuses a missing price
    if ends_on is not None and ends_on < starts_on:
        raise ApplicationError(fields={"ends_on": [_("The contract ends before it starts.")]})
    contract = MonthlyContract(
        project_id=household.project_id,
        household=household,
        kind=kind,
        service=_required_text(service, "service", max_length=200),
        schedule_type=schedule_type,
        schedule_days=days,
        price=amount,
        starts_on=starts_on,
        ends_on=ends_on,
        visit_time=visit_time,
        created_by=by,
    )
    _full_clean(contract, exclude=["project", "household", "created_by"])
    contract.save()
    return contract


@transaction.atomic
def contract_open_visit(
    *,
    contract: MonthlyContract,
    date: dt.date,
    appointment_at: Any,
    by: Any,
    matter: str = "",
    department: str | None = None,
) -> Ticket:
    """Open a due visit's order after confirming its time with the customer
    (旧客户由受理人逐次开单). The visit is covered by the monthly price."""
    if not contract.is_running_on(date):
        raise ApplicationError(fields={"date": [_("The contract does not run on this day.")]})
    if date not in contract.due_dates(date.year, date.month):
        raise ApplicationError(fields={"date": [_("No visit is due on this day.")]})
    when = _aware(appointment_at, "appointment_at")
    if when is None:
        raise ApplicationError(
            fields={"appointment_at": [_("Confirm the time with the customer.")]}
        )
    visit, _created = ContractVisit.objects.select_for_update().get_or_create(
        contract=contract, date=date
    )
    if visit.ticket_id is not None:
        raise ApplicationError(
            fields={
                "date": [
                    _("This visit's order is already open: %(serial)s.")
                    % {"serial": visit.ticket.serial if visit.ticket else ""}
                ]
            }
        )
    try:
        with transaction.atomic():
            ticket = ticket_register(
                project=contract.household.project,
                kind=contract.kind,
                by=by,
                matter=(matter or contract.service)[:200],
                household=contract.household,
                appointment_at=when,
                address_confirmed=True,
                time_confirmed=True,
                department=department,
                paid=False,
            )
    except IntegrityError as error:  # pragma: no cover - guarded by the lock above
        raise ApplicationError(fields={"date": [_("This visit is already open.")]}) from error
    visit.ticket = ticket
    visit.save(update_fields=["ticket"])
    return ticket
