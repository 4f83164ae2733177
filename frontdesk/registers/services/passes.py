"""Writes of the item release passes: issue, check at the gate, void, count a printing.

Keyword-only and atomic; everything is checked before anything is written, so a
refused pass leaves no row and consumes no number. The gate's check locks the
pass's row: two gates checking one pass at once let exactly one through.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from sequences import get_next_value

from frontdesk.core.errors import ApplicationError
from frontdesk.core.models import Project
from frontdesk.core.scoping import can_access_project
from residents.choices import PersonRole
from residents.models import Household, Person

from ..choices.passes import PASS_PREFIX, ConfirmedVia, PassStatus
from ..models.passes import ReleasePass
from ..transitions import check, may
from ..transitions.passes import RELEASE_PASS

# Goods leave on the day or within a few days (a move): a longer pass is a mistake.
LONGEST_PASS_DAYS = 31
# Who may take goods out without the owner's confirmation.
CARRIER_ROLES = (PersonRole.OWNER, PersonRole.TENANT)


@dataclass
class PassInput:
    """What the desk fills in for a pass (the page's form and the API's body alike)."""

    carrier_name: str
    goods: str
    quantity: int
    valid_from: dt.date
    gate: str
    valid_until: dt.date | None = None
    carrier_phone: str = ""
    carrier_id_number: str = ""
    confirmed_by: str = ""
    confirmed_via: str = ""
    confirmed_at: dt.datetime | None = None


def _text(value: Any, field: str, *, max_length: int, required: bool = True) -> str:
    text = ("" if value is None else str(value)).strip()
    if required and not text:
        raise ApplicationError(fields={field: [_("This field is required.")]})
    if len(text) > max_length:
        raise ApplicationError(
            fields={field: [_("Keep this under %(count)d characters.") % {"count": max_length + 1}]}
        )
    return text


def _same_name(a: str, b: str) -> bool:
    return "".join(a.split()).casefold() == "".join(b.split()).casefold()


def _listed(people: list[Person], name: str, roles: tuple[str, ...]) -> Person | None:
    return next((p for p in people if p.role in roles and _same_name(p.name, name)), None)


def next_pass_number(*, project_id: int, year: int) -> str:
    """The next pass number of a project and year: FX-2026-000123.

    Call inside the pass's transaction, after every check: the counter row stays
    locked until commit and a rollback gives the number back.
    """
    value = get_next_value(f"release_pass:{project_id}:{year}")
    return f"{PASS_PREFIX}-{year}-{value:06d}"


@transaction.atomic
def release_pass_issue(
    *, project: Project, household: Household, by: Any, data: PassInput
) -> ReleasePass:
    """Issue a pass for goods leaving `household`, numbered last, once everything is checked.

    The person taking the goods out must be a listed owner or tenant of the
    household; anyone else needs a listed owner's confirmation (who, how, when).
    """
    if not may(by, RELEASE_PASS, "issue"):
        raise ApplicationError(_("Your role may not issue item release passes."))
    if not can_access_project(by, project.pk):
        raise ApplicationError(fields={"project": [_("You do not work in this project.")]})
    if household.project_id != project.pk:
        raise ApplicationError(fields={"household": [_("This household is not in the project.")]})
    if household.moved_out_on is not None:
        raise ApplicationError(fields={"household": [_("This household has moved out.")]})
    carrier_name = _text(data.carrier_name, "carrier_name", max_length=50)
    goods = _text(data.goods, "goods", max_length=2000)
    gate = _text(data.gate, "gate", max_length=50)
    phone = _text(data.carrier_phone, "carrier_phone", max_length=20, required=False)
    id_number = _text(data.carrier_id_number, "carrier_id_number", max_length=30, required=False)
    if not isinstance(data.quantity, int) or not 1 <= data.quantity <= 100_000:
        raise ApplicationError(fields={"quantity": [_("Enter the number of pieces (at least 1).")]})
    now = timezone.now()
    today = timezone.localdate(now)
    valid_from = data.valid_from
    valid_until = data.valid_until or valid_from
    if valid_from < today:
        raise ApplicationError(fields={"valid_from": [_("A pass cannot start in the past.")]})
    if valid_until < valid_from:
        raise ApplicationError(
            fields={"valid_until": [_("The last day cannot be before the first.")]}
        )
    if (valid_until - valid_from).days >= LONGEST_PASS_DAYS:
        raise ApplicationError(
            fields={
                "valid_until": [
                    _("A pass is good for at most %(days)d days.") % {"days": LONGEST_PASS_DAYS}
                ]
            }
        )

    people = list(household.persons.filter(is_active=True))
    carrier = _listed(people, carrier_name, CARRIER_ROLES)
    confirmed_by = _text(data.confirmed_by, "confirmed_by", max_length=50, required=False)
    confirmed_via = data.confirmed_via or ""
    confirmed_at = data.confirmed_at
    if carrier is None:
        errors: dict[str, list[str]] = {}
        if not confirmed_by:
            errors["confirmed_by"] = [
                _(
                    "%(name)s is not an owner or tenant of this household: "
                    "record the owner who confirmed."
                )
                % {"name": carrier_name}
            ]
        elif _listed(people, confirmed_by, (PersonRole.OWNER,)) is None:
            errors["confirmed_by"] = [
                _("%(name)s is not a listed owner of this household.") % {"name": confirmed_by}
            ]
        if confirmed_via not in ConfirmedVia.values:
            errors["confirmed_via"] = [_("Say how the owner confirmed (by phone or in person).")]
        if confirmed_at is not None and confirmed_at > now + dt.timedelta(minutes=5):
            errors["confirmed_at"] = [_("The confirmation cannot be in the future.")]
        if errors:
            raise ApplicationError(fields=errors)
        confirmed_at = confirmed_at or now
    else:
        # A listed owner or tenant needs no one's leave: nothing to record.
        confirmed_by, confirmed_via, confirmed_at = "", "", None
        phone = phone or carrier.phone

    release_pass = ReleasePass(
        project=project,
        household=household,
        carrier_person=carrier,
        carrier_name=carrier_name,
        carrier_phone=phone,
        carrier_id_number=id_number,
        confirmed_by=confirmed_by,
        confirmed_via=confirmed_via,
        confirmed_at=confirmed_at,
        goods=goods,
        quantity=data.quantity,
        valid_from=valid_from,
        valid_until=valid_until,
        gate=gate,
        issued_by=by,
    )
    # Last, after every check: a refused pass consumes no number.
    release_pass.number = next_pass_number(project_id=project.pk, year=today.year)
    release_pass.save()
    return release_pass


def _lock(release_pass: ReleasePass) -> ReleasePass:
    return (
        ReleasePass.objects.select_for_update(of=("self",))
        .select_related("used_by")
        .get(pk=release_pass.pk)
    )


def refusal(release_pass: ReleasePass, today: dt.date) -> str | None:
    """Why the gate must refuse this pass today, in the guard's words, or None if it is good."""
    if release_pass.status == PassStatus.USED:
        used_at = timezone.localtime(release_pass.used_at) if release_pass.used_at else None
        return _("Already used: checked at %(gate)s on %(at)s by %(by)s.") % {
            "gate": release_pass.used_gate,
            "at": date_format(used_at, "Y-m-d H:i") if used_at else "",
            "by": release_pass.used_by.get_full_name() or release_pass.used_by.get_username()
            if release_pass.used_by
            else "",
        }
    if release_pass.status == PassStatus.VOID:
        return _("Voided: %(reason)s") % {"reason": release_pass.void_reason}
    if today < release_pass.valid_from:
        return _("Not valid yet: valid from %(day)s.") % {"day": release_pass.valid_from}
    if today > release_pass.valid_until:
        return _("Expired: it was valid until %(day)s.") % {"day": release_pass.valid_until}
    return None


@transaction.atomic
def release_pass_verify(*, release_pass: ReleasePass, by: Any, gate: str) -> ReleasePass:
    """Let the goods out once: mark the pass used at `gate` by `by`, or refuse with the reason.

    The row is locked first, so of two gates checking the same pass at once the
    second sees it used. A refusal writes nothing.
    """
    if not may(by, RELEASE_PASS, "verify"):
        raise ApplicationError(_("Your role may not check passes at the gate."))
    gate = _text(gate, "gate", max_length=50)
    locked = _lock(release_pass)
    reason = refusal(locked, timezone.localdate())
    if reason is not None:
        raise ApplicationError(reason)
    check(locked, RELEASE_PASS, "verify", by)
    locked.status = PassStatus.USED
    locked.used_at = timezone.now()
    locked.used_by = by
    locked.used_gate = gate
    locked.save(update_fields=["status", "used_at", "used_by", "used_gate"])
    return locked


@transaction.atomic
def release_pass_void(*, release_pass: ReleasePass, by: Any, reason: str) -> ReleasePass:
    """Void a pass not yet used, with the reason; it stays in the register."""
    if not may(by, RELEASE_PASS, "void"):
        raise ApplicationError(_("Your role may not void passes."))
    reason = _text(reason, "reason", max_length=200)
    locked = _lock(release_pass)
    check(locked, RELEASE_PASS, "void", by)
    locked.status = PassStatus.VOID
    locked.voided_at = timezone.now()
    locked.voided_by = by
    locked.void_reason = reason
    locked.save(update_fields=["status", "voided_at", "voided_by", "void_reason"])
    return locked


@transaction.atomic
def release_pass_record_print(*, release_pass: ReleasePass, by: Any) -> ReleasePass:
    """Count one printing of a pass (the print action); a later printing reads "reprint"."""
    locked = _lock(release_pass)
    check(locked, RELEASE_PASS, "print", by)
    ReleasePass.objects.filter(pk=locked.pk).update(print_count=F("print_count") + 1)
    locked.refresh_from_db(fields=["print_count"])
    return locked
