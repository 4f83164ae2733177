"""Warranty repairs (返修): passed to the developer through a liaison who reports daily."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from frontdesk.core.errors import ApplicationError

from ..models import (
    Ticket,
    WarrantyRepair,
    WarrantyReport,
)
from ..transitions import check
from .common import (
    _event,
    _kept,
    _lock,
    _member,
    _promise,
    _required_text,
)

# --- Warranty repairs -------------------------------------------------------------------


@transaction.atomic
def warranty_pass(
    *, ticket: Ticket, contractor: str, liaison: Any, by: Any, contractor_contact: str = ""
) -> WarrantyRepair:
    """Pass a repair to the developer's or contractor's engineering department (返修)
    through the company's named liaison."""
    locked = _lock(ticket)
    check(locked, "warranty_pass", by)
    name = _required_text(contractor, "contractor", max_length=100)
    if liaison is None:
        raise ApplicationError(fields={"liaison": [_("Name the liaison.")]})
    _member(liaison, locked.project_id, "liaison")
    if WarrantyRepair.objects.filter(ticket=locked).exists():
        raise ApplicationError(
            fields={"contractor": [_("This repair is already with the developer.")]}
        )
    warranty = WarrantyRepair.objects.create(
        ticket=locked,
        contractor=name,
        contractor_contact=(contractor_contact or "").strip()[:100],
        liaison=liaison,
        passed_at=timezone.now(),
    )
    _event(locked, action="warranty_pass", by=by, data={"contractor": name, "liaison": liaison.pk})
    # The liaison reports progress every working day until the repair is done.
    _promise(locked, "warranty.progress_report", responsible=liaison)
    return warranty


@transaction.atomic
def warranty_report(
    *, ticket: Ticket, progress: str, by: Any, date: dt.date | None = None
) -> WarrantyReport:
    """The liaison's progress report of the day (one a day, until the repair is done)."""
    locked = _lock(ticket)
    check(locked, "warranty_report", by)
    warranty = WarrantyRepair.objects.filter(ticket=locked).first()
    if warranty is None:
        raise ApplicationError(_("This repair is not a warranty repair."))
    day = date or timezone.localdate()
    if not isinstance(day, dt.date) or isinstance(day, dt.datetime):
        raise ApplicationError(fields={"date": [_("Enter a valid date.")]})
    if day > timezone.localdate():
        raise ApplicationError(fields={"date": [_("The report cannot be for a day to come.")]})
    text = _required_text(progress, "progress")
    if WarrantyReport.objects.filter(warranty=warranty, date=day).exists():
        raise ApplicationError(fields={"date": [_("There is already a report for this day.")]})
    report = WarrantyReport.objects.create(warranty=warranty, date=day, progress=text, by=by)
    _kept(locked, "warranty.progress_report", by)
    _event(locked, action="warranty_report", by=by, note=text, data={"date": day.isoformat()})
    return report
