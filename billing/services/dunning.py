"""Dunning (催缴): tell each building's butler which households of the building are in
arrears, so that the butler can follow them up in person."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from frontdesk.core.errors import ApplicationError
from frontdesk.core.models import Project
from frontdesk.core.notifications import notify
from residents.models import Building

from .. import transitions
from ..choices import OPEN_BILL_STATUSES
from ..models import Allocation, Bill

TOPIC = "billing.arrears"


@transaction.atomic
def dunning_notify(
    *, project: Project, by: Any, building: Building | None = None, today: dt.date | None = None
) -> int:
    """Notify the butler of each building (or of `building`) of its households in arrears;
    answers how many butlers were told. A building without a butler is skipped."""
    transitions.check("dunning_notify", by=by)
    today = today or timezone.localdate()
    bills = Bill.objects.filter(project=project, status__in=OPEN_BILL_STATUSES, due_on__lt=today)
    if building is not None:
        bills = bills.filter(household__unit__building=building)
    paid: dict[int, Decimal] = defaultdict(Decimal)
    for bill_id, amount in Allocation.objects.filter(bill__in=bills).values_list(
        "bill_id", "amount"
    ):
        paid[bill_id] += amount
    owed: dict[int, dict[str, Decimal]] = defaultdict(lambda: defaultdict(Decimal))
    for bill_id, building_id, unit, amount in bills.values_list(
        "pk", "household__unit__building_id", "household__unit__code", "amount"
    ):
        owed[building_id][unit] += amount - paid[bill_id]
    if not owed:
        raise ApplicationError(_("No household is in arrears."))
    told = 0
    url = reverse("billing:arrears")
    for each in Building.objects.filter(pk__in=list(owed)).select_related("butler"):
        if each.butler is None:
            continue
        units = {code: left for code, left in owed[each.pk].items() if left > 0}
        if not units:
            continue
        notify(
            user=each.butler,
            topic=TOPIC,
            title=_("%(building)s: %(count)s households in arrears, ¥%(total)s")
            % {"building": each, "count": len(units), "total": sum(units.values())},
            body="\n".join(f"{code}: ¥{left}" for code, left in sorted(units.items())),
            url=f"{url}?project={project.pk}&building={each.pk}",
            project=project,
            named=True,
        )
        told += 1
    return told
