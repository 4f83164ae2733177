"""Writes of the valuables in custody register: receive, name a delegate, hand back, print.

A deposit takes its receipt number (JC-2026-0001) last, after every check, inside its
transaction: a refused or rolled-back deposit gives its number back, so the numbers of a
project's year have no gap. Handing back needs the receipt number the owner keeps and a
collector who is the owner or a delegate they named; the deposit's row is locked, so of
two clerks handing back at once one does and the other is told.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.files.base import File
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from sequences import get_next_value

from frontdesk.core.errors import ApplicationError
from frontdesk.core.models import Project
from frontdesk.core.scoping import can_access_project
from frontdesk.desk.services import require_acknowledged
from residents.choices import IdType
from residents.models import Household

from ..choices.custody import MAX_PHOTOS, RECEIPT_PREFIX, Collector, CustodyStatus
from ..models.custody import CustodyDelegate, CustodyPhoto, Deposit
from ..transitions import check, may
from ..transitions.custody import CUSTODY
from . import _fields

_LAST4 = re.compile(r"^[0-9A-Za-z]{4}$")


def next_receipt_number(*, project_id: int, year: int) -> str:
    """The next receipt number of a project and year: JC-2026-0001.

    Call inside the deposit's transaction, after every check: the counter row stays
    locked until commit and a rollback gives the number back.
    """
    value = get_next_value(f"custody:{project_id}:{year}")
    return f"{RECEIPT_PREFIX}-{year}-{value:04d}"


def _same_name(a: str, b: str) -> bool:
    return "".join(a.split()).casefold() == "".join(b.split()).casefold()


def _value(value: Any) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        amount = Decimal(str(value))
    except (InvalidOperation, ValueError):
        raise ApplicationError(fields={"declared_value": [_("Enter an amount.")]}) from None
    if not amount.is_finite() or amount < 0 or amount >= Decimal("10000000000"):
        raise ApplicationError(fields={"declared_value": [_("Enter an amount of zero or more.")]})
    return amount.quantize(Decimal("0.01"))


@transaction.atomic
def deposit_receive(
    *,
    project: Project,
    by: Any,
    owner_name: str,
    owner_phone: str,
    description: str,
    photos: Sequence[File[Any]],
    household: Household | None = None,
    declared_value: Any = None,
    delegate_name: str = "",
    delegate_phone: str = "",
) -> Deposit:
    """Receive valuables for a resident, with one or more photos; answers the deposit with
    its receipt number (print the receipt for the owner to keep)."""
    require_acknowledged(project=project, by=by)
    if not may(by, CUSTODY, "receive"):
        raise ApplicationError(_("Your role may not receive valuables."))
    if not can_access_project(by, project.pk):
        raise ApplicationError(fields={"project": [_("You do not work in this project.")]})
    if household is not None and household.project_id != project.pk:
        raise ApplicationError(fields={"household": [_("This household is not in this project.")]})
    errors: dict[str, list[str]] = {}
    clean: dict[str, Any] = {}
    try:
        clean = _fields.collect(
            {
                "owner_name": lambda: _fields.text(owner_name, "owner_name", max_length=50),
                "owner_phone": lambda: _fields.phone(owner_phone, "owner_phone"),
                "description": lambda: _fields.text(description, "description", max_length=2000),
                "declared_value": lambda: _value(declared_value),
                "delegate_name": lambda: _fields.text(
                    delegate_name, "delegate_name", max_length=50, required=False
                ),
                "delegate_phone": lambda: _fields.phone(
                    delegate_phone, "delegate_phone", required=False
                ),
            }
        )
    except ApplicationError as error:
        errors.update(error.fields)
    if not photos:
        errors["photos"] = [_("Take at least one photo of the valuables.")]
    elif len(photos) > MAX_PHOTOS:
        errors["photos"] = [_("At most %(n)d photos.") % {"n": MAX_PHOTOS}]
    else:
        for upload in photos:
            try:
                _fields.photo(upload, "photos")
            except ApplicationError as error:
                errors.update(error.fields)
                break
    if clean.get("delegate_phone") and not clean.get("delegate_name"):
        errors.setdefault("delegate_name", []).append(_("Name the delegate of this phone."))
    if errors:
        raise ApplicationError(fields=errors)

    now = timezone.now()
    deposit = Deposit.objects.create(
        project=project,
        number=next_receipt_number(project_id=project.pk, year=timezone.localtime(now).year),
        household=household,
        owner_name=clean["owner_name"],
        owner_phone=clean["owner_phone"],
        description=clean["description"],
        declared_value=clean["declared_value"],
        received_by=by,
        received_at=now,
        status=CustodyStatus.HELD,
    )
    for upload in photos:
        CustodyPhoto.objects.create(
            project=project,
            deposit=deposit,
            file=upload,
            size=upload.size or 0,
            uploaded_by=by,
        )
    if clean["delegate_name"]:
        CustodyDelegate.objects.create(
            deposit=deposit,
            name=clean["delegate_name"],
            phone=clean["delegate_phone"],
            note=_("Named by the owner at deposit."),
            named_at=now,
            recorded_by=by,
        )
    return deposit


@transaction.atomic
def deposit_name_delegate(
    *, deposit: Deposit, by: Any, name: str, note: str, phone: str = ""
) -> CustodyDelegate:
    """The owner names (another) person who may collect: recorded with how they said so."""
    locked = Deposit.objects.select_for_update().get(pk=deposit.pk)
    check(locked, CUSTODY, "delegate", by)
    clean = _fields.collect(
        {
            "name": lambda: _fields.text(name, "name", max_length=50),
            "phone": lambda: _fields.phone(phone, "phone", required=False),
            "note": lambda: _fields.text(note, "note", max_length=200),
        }
    )
    return CustodyDelegate.objects.create(
        deposit=locked, named_at=timezone.now(), recorded_by=by, **clean
    )


@transaction.atomic
def deposit_return(
    *,
    deposit: Deposit,
    by: Any,
    receipt_number: str,
    collector_name: str,
    id_type: str,
    id_last4: str,
    signature: File[Any] | None = None,
    signed_on_paper: bool = False,
) -> Deposit:
    """Hand the valuables back against the receipt number, to the owner or a named delegate,
    whose ID was checked (its type and last four characters are kept) and who signs."""
    locked = Deposit.objects.select_for_update().get(pk=deposit.pk)
    if locked.status == CustodyStatus.RETURNED:
        assert locked.returned_at is not None
        raise ApplicationError(
            _("%(number)s was already handed back at %(at)s to %(name)s.")
            % {
                "number": locked.number,
                "at": f"{timezone.localtime(locked.returned_at):%Y-%m-%d %H:%M}",
                "name": locked.collector_name,
            }
        )
    check(locked, CUSTODY, "return", by)
    errors: dict[str, list[str]] = {}
    number = (receipt_number or "").strip().upper()
    if not number:
        errors["receipt_number"] = [_("Give the receipt number the owner keeps.")]
    elif number != locked.number.upper():
        errors["receipt_number"] = [_("This receipt number is not that of these valuables.")]
    name = (collector_name or "").strip()
    collector = ""
    if not name:
        errors["collector_name"] = [_("This field is required.")]
    elif _same_name(name, locked.owner_name):
        collector = Collector.OWNER
    elif any(_same_name(name, d.name) for d in locked.delegates.all()):
        collector = Collector.DELEGATE
    else:
        errors["collector_name"] = [
            _("Valuables are handed back only to the owner or a delegate the owner named.")
        ]
    if id_type not in IdType.values:
        errors["id_type"] = [_("Choose the ID that was checked.")]
    last4 = (id_last4 or "").strip().upper()
    if not _LAST4.match(last4):
        errors["id_last4"] = [_("Enter the last four characters of the ID.")]
    try:
        _fields.signed(signature, signed_on_paper)
    except ApplicationError as error:
        errors.update(error.fields)
    if errors:
        raise ApplicationError(fields=errors)
    locked.status = CustodyStatus.RETURNED
    locked.returned_at = timezone.now()
    locked.returned_by = by
    locked.collector = collector
    locked.collector_name = name[:50]
    locked.collector_id_type = id_type
    locked.collector_id_last4 = last4
    if signature:
        locked.signature = signature
    locked.signed_on_paper = bool(signed_on_paper) and not signature
    locked.save()
    return locked


@transaction.atomic
def deposit_record_print(*, deposit: Deposit, by: Any) -> int:
    """Count one printing of the receipt (the explicit print action); answers the count."""
    locked = Deposit.objects.select_for_update().get(pk=deposit.pk)
    check(locked, CUSTODY, "print", by)
    Deposit.objects.filter(pk=locked.pk).update(print_count=F("print_count") + 1)
    return locked.print_count + 1
