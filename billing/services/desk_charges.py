"""One-off charges taken at the desk (证件办理: a card replaced, a temporary pass ...).

The desk records the charge when it does the work; the household's next bill
run puts it on a line exactly once (see `bill_run`).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from frontdesk.core.errors import ApplicationError
from frontdesk.core.models import Project
from frontdesk.core.scoping import can_access_project
from residents.models import Household

from ..choices import DeskChargeKind
from ..models import DeskCharge
from ..money import check_amount


@transaction.atomic
def desk_charge_record(
    *,
    project: Project,
    household: Household,
    kind: str,
    description: str,
    amount: object,
    by: Any,
    charged_on: dt.date | None = None,
) -> DeskCharge:
    """Record a charge for `household`'s next bill; the caller checks who may do the work."""
    errors: dict[str, list[str]] = {}
    if household.project_id != project.pk:
        errors["household"] = [_("This household is not in the project.")]
    elif not can_access_project(by, project.pk):
        errors["project"] = [_("You do not work in this project.")]
    if kind not in DeskChargeKind.values:
        errors["kind"] = [_("Unknown kind of desk charge.")]
    description = (description or "").strip()
    if not description or len(description) > 200:
        errors["description"] = [_("Describe the charge (up to 200 characters).")]
    if errors:
        raise ApplicationError(fields=errors)
    value = check_amount(amount)
    return DeskCharge.objects.create(
        project=project,
        household=household,
        kind=kind,
        description=description,
        amount=value,
        charged_on=charged_on or timezone.localdate(),
        created_by=by,
    )
