"""Writes of the key and file loans register: lend, take back.

A key or a household file out is lent to nobody else until it is back (the key's or
the file's row is locked while a loan is decided, and the database allows one open
loan per thing); taking back twice is refused with who took it back and when.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from frontdesk.core.errors import ApplicationError
from frontdesk.core.models import Project
from frontdesk.core.roles import has_role
from frontdesk.core.scoping import can_access_project
from frontdesk.desk.services import require_acknowledged
from residents.models import Household

from ..choices.loans import DEFAULT_LOAN_HOURS, LoanStatus
from ..models.loans import Key, Loan
from ..transitions import DESK, check, may
from ..transitions.loans import LOAN
from . import _fields


def _who(user: Any) -> str:
    return str(user.get_full_name() or user.get_username()) if user is not None else ""


def _local(moment: dt.datetime) -> str:
    return f"{timezone.localtime(moment):%Y-%m-%d %H:%M}"


def file_label(household: Household) -> str:
    return _("File %(number)s (%(unit)s)") % {
        "number": household.file_number,
        "unit": household.unit.code,
    }


def _refuse_if_out(*, key: Key | None, household: Household | None) -> None:
    """Refuse a thing that is out, naming who has it (call with the thing's row locked)."""
    current = (
        Loan.objects.filter(status=LoanStatus.OUT)
        .filter(**({"key": key} if key is not None else {"household": household}))
        .first()
    )
    if current is not None:
        raise ApplicationError(
            fields={
                "key" if key is not None else "household": [
                    _(
                        "%(what)s is out with %(name)s since %(lent)s (due back %(due)s): "
                        "take it back first."
                    )
                    % {
                        "what": current.item_label,
                        "name": current.borrower_name,
                        "lent": _local(current.lent_at),
                        "due": _local(current.due_at),
                    }
                ]
            }
        )


@transaction.atomic
def loan_lend(
    *,
    project: Project,
    by: Any,
    purpose: str,
    key: Key | None = None,
    household: Household | None = None,
    borrower: Any = None,
    borrower_name: str = "",
    borrower_company: str = "",
    borrower_phone: str = "",
    due_at: dt.datetime | None = None,
) -> Loan:
    """Lend a key of the board or a household file to a colleague or an outside person.

    Without `due_at` the loan is due back DEFAULT_LOAN_HOURS later.
    """
    require_acknowledged(project=project, by=by)
    if not may(by, LOAN, "lend"):
        raise ApplicationError(_("Your role may not lend keys or files."))
    if not can_access_project(by, project.pk):
        raise ApplicationError(fields={"project": [_("You do not work in this project.")]})
    if (key is None) == (household is None):
        raise ApplicationError(fields={"key": [_("Choose one key or one household file.")]})
    if key is not None and (key.project_id != project.pk or not key.is_active):
        raise ApplicationError(fields={"key": [_("This key is not on this project's board.")]})
    if household is not None:
        if household.project_id != project.pk:
            raise ApplicationError(
                fields={"household": [_("This household is not in this project.")]}
            )
        if not has_role(by, *DESK):
            raise ApplicationError(
                fields={"household": [_("Household files are lent by the desk only.")]}
            )
    errors: dict[str, list[str]] = {}
    try:
        purpose = _fields.text(purpose, "purpose", max_length=200)
    except ApplicationError as error:
        errors.update(error.fields)
    if borrower is not None:
        _fields.works_in(borrower, project.pk, "borrower")
        borrower_name = borrower_name.strip() or _who(borrower)
        borrower_phone = _fields.phone(borrower_phone, "borrower_phone", required=False)
    else:
        try:
            borrower_name = _fields.text(borrower_name, "borrower_name", max_length=50)
        except ApplicationError as error:
            errors.update(error.fields)
        try:
            borrower_phone = _fields.phone(borrower_phone, "borrower_phone")
        except ApplicationError as error:
            errors.update(error.fields)
    borrower_company = _fields.text(
        borrower_company, "borrower_company", max_length=100, required=False
    )
    now = timezone.now()
    due = _fields.aware(due_at, "due_at") or now + dt.timedelta(hours=DEFAULT_LOAN_HOURS)
    if due <= now:
        errors.setdefault("due_at", []).append(_("The due time must be later than now."))
    if errors:
        raise ApplicationError(fields=errors)

    # One decision at a time per thing: the row of the key (or the file) is the lock.
    if key is not None:
        key = Key.objects.select_for_update().get(pk=key.pk)
        label = str(key)
    else:
        assert household is not None
        household = (
            Household.objects.select_for_update(of=("self",))
            .select_related("unit")
            .get(pk=household.pk)
        )
        label = file_label(household)
    _refuse_if_out(key=key, household=household)
    return Loan.objects.create(
        project=project,
        key=key,
        household=household,
        item_label=label[:150],
        borrower=borrower,
        borrower_name=borrower_name[:50],
        borrower_company=borrower_company,
        borrower_phone=borrower_phone,
        purpose=purpose,
        lent_by=by,
        lent_at=now,
        due_at=due,
        status=LoanStatus.OUT,
    )


@transaction.atomic
def loan_return(*, loan: Loan, by: Any, returned_by_name: str = "", note: str = "") -> Loan:
    """Take a key or a file back; the clerk who takes it is recorded as having received it.

    Taking back a loan already returned is refused (the row is locked: of two clerks at
    once, one takes it back, the other is told).
    """
    locked = Loan.objects.select_for_update().get(pk=loan.pk)
    if locked.status == LoanStatus.RETURNED:
        assert locked.returned_at is not None
        raise ApplicationError(
            _("%(what)s was already taken back at %(at)s by %(by)s.")
            % {
                "what": locked.item_label,
                "at": _local(locked.returned_at),
                "by": _who(locked.received_by),
            }
        )
    check(locked, LOAN, "return", by)
    if locked.household_id is not None and not has_role(by, *DESK):
        raise ApplicationError(_("Household files are taken back by the desk only."))
    locked.returned_by_name = (
        _fields.text(returned_by_name, "returned_by_name", max_length=50, required=False)
        or locked.borrower_name
    )
    locked.return_note = _fields.text(note, "note", max_length=200, required=False)
    locked.status = LoanStatus.RETURNED
    locked.returned_at = timezone.now()
    locked.received_by = by
    locked.save(
        update_fields=["returned_by_name", "return_note", "status", "returned_at", "received_by"]
    )
    return locked
