"""Writes of the item release passes (issue, check at the gate, void, count a printing), the
temporary passes (issue, return, lose) and the desk's work on household cards.

Keyword-only and atomic; everything is checked before anything is written, so a
refused pass leaves no row and consumes no number. The gate's check locks the
pass's row: two gates checking one pass at once let exactly one through.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from sequences import get_next_value

from billing.choices import DeskChargeKind
from billing.money import check_amount
from billing.services import desk_charge_record
from frontdesk.core.errors import ApplicationError
from frontdesk.core.models import Project
from frontdesk.core.scoping import can_access_project
from frontdesk.desk.services import require_acknowledged
from residents.choices import CardStatus, PersonRole
from residents.models import Card, Household, Person
from residents.services import card_issue, card_set_status

from ..choices.passes import (
    PASS_PREFIX,
    TEMPORARY_PASS_PREFIX,
    CardWorkKind,
    ConfirmedVia,
    HolderKind,
    PassStatus,
    TemporaryPassStatus,
)
from ..models.passes import CardWork, ReleasePass, TemporaryPass
from ..transitions import TRANSITIONS, check, may
from ..transitions.passes import CARD_WORK, RELEASE_PASS, TEMPORARY_PASS
from ._fields import text

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
    require_acknowledged(project=project, by=by)
    if not may(by, RELEASE_PASS, "issue"):
        raise ApplicationError(_("Your role may not issue item release passes."))
    if not can_access_project(by, project.pk):
        raise ApplicationError(fields={"project": [_("You do not work in this project.")]})
    if household.project_id != project.pk:
        raise ApplicationError(fields={"household": [_("This household is not in the project.")]})
    if household.moved_out_on is not None:
        raise ApplicationError(fields={"household": [_("This household has moved out.")]})
    carrier_name = text(data.carrier_name, "carrier_name", max_length=50)
    goods = text(data.goods, "goods", max_length=2000)
    gate = text(data.gate, "gate", max_length=50)
    phone = text(data.carrier_phone, "carrier_phone", max_length=20, required=False)
    id_number = text(data.carrier_id_number, "carrier_id_number", max_length=30, required=False)
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
    confirmed_by = text(data.confirmed_by, "confirmed_by", max_length=50, required=False)
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
    gate = text(gate, "gate", max_length=50)
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
    reason = text(reason, "reason", max_length=200)
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


# --- Temporary passes (临时出入证) ----------------------------------------------------------------


@dataclass
class TemporaryPassInput:
    """What the desk fills in for a temporary pass."""

    holder_kind: str
    holder_name: str
    valid_from: dt.date
    valid_until: dt.date
    household: Household | None = None
    company: str = ""
    holder_phone: str = ""
    holder_id_number: str = ""
    deposit: Any = 0
    fee: Any = 0
    note: str = ""


def _money(value: Any, field: str) -> Decimal:
    if value in (None, ""):
        return Decimal("0.00")
    return check_amount(value, field=field, allow_zero=True)


def next_temporary_pass_number(*, project_id: int, year: int) -> str:
    """The next temporary pass number of a project and year: LS-2026-0001 (as the passes)."""
    value = get_next_value(f"temporary_pass:{project_id}:{year}")
    return f"{TEMPORARY_PASS_PREFIX}-{year}-{value:04d}"


@transaction.atomic
def temporary_pass_issue(*, project: Project, by: Any, data: TemporaryPassInput) -> TemporaryPass:
    """Lend a temporary pass for a household's or a company's work; a fee goes to the bill.

    A fee is billed to the household, so a pass with a fee names one.
    """
    require_acknowledged(project=project, by=by)
    if not may(by, TEMPORARY_PASS, "issue"):
        raise ApplicationError(_("Your role may not issue temporary passes."))
    if not can_access_project(by, project.pk):
        raise ApplicationError(fields={"project": [_("You do not work in this project.")]})
    errors: dict[str, list[str]] = {}
    if data.holder_kind not in HolderKind.values:
        errors["holder_kind"] = [_("Say whom the pass is for.")]
    holder_name = text(data.holder_name, "holder_name", max_length=50)
    company = text(data.company, "company", max_length=100, required=False)
    phone = text(data.holder_phone, "holder_phone", max_length=20, required=False)
    id_number = text(data.holder_id_number, "holder_id_number", max_length=30, required=False)
    note = text(data.note, "note", max_length=200, required=False)
    household = data.household
    if household is not None and household.project_id != project.pk:
        errors["household"] = [_("This household is not in the project.")]
    if household is None and not company:
        errors["company"] = [_("Name the household or the company the work is for.")]
    deposit = _money(data.deposit, "deposit")
    fee = _money(data.fee, "fee")
    if fee > 0 and household is None:
        errors["fee"] = [_("A fee goes on a household's bill: pick the household.")]
    today = timezone.localdate()
    if data.valid_from < today:
        errors["valid_from"] = [_("A pass cannot start in the past.")]
    if data.valid_until < data.valid_from:
        errors["valid_until"] = [_("The last day cannot be before the first.")]
    if errors:
        raise ApplicationError(fields=errors)
    temporary_pass = TemporaryPass(
        project=project,
        holder_kind=data.holder_kind,
        holder_name=holder_name,
        holder_phone=phone,
        holder_id_number=id_number,
        household=household,
        company=company,
        valid_from=data.valid_from,
        valid_until=data.valid_until,
        deposit=deposit,
        fee=fee,
        note=note,
        issued_by=by,
    )
    temporary_pass.number = next_temporary_pass_number(project_id=project.pk, year=today.year)
    if fee > 0 and household is not None:
        temporary_pass.desk_charge = desk_charge_record(
            project=project,
            household=household,
            kind=DeskChargeKind.TEMPORARY_PASS,
            description=f"{temporary_pass.number} {holder_name}",
            amount=fee,
            by=by,
        )
    temporary_pass.save()
    return temporary_pass


def _close(temporary_pass: TemporaryPass, action: str, by: Any) -> TemporaryPass:
    locked = TemporaryPass.objects.select_for_update().get(pk=temporary_pass.pk)
    if not may(by, TEMPORARY_PASS, action):
        raise ApplicationError(
            _("Your role may not do “%(action)s”.")
            % {"action": TRANSITIONS[(TEMPORARY_PASS, action)].label}
        )
    if locked.status != TemporaryPassStatus.OUT:
        raise ApplicationError(
            _("This pass is already “%(status)s”.") % {"status": locked.get_status_display()}
        )
    transition = check(locked, TEMPORARY_PASS, action, by)
    locked.status = transition.target
    locked.closed_at = timezone.now()
    locked.closed_by = by
    return locked


@transaction.atomic
def temporary_pass_return(
    *, temporary_pass: TemporaryPass, by: Any, deposit_returned: bool = True
) -> TemporaryPass:
    """Take a temporary pass back (and give back its deposit, if any); returning twice is
    refused."""
    locked = _close(temporary_pass, "return", by)
    locked.deposit_returned = bool(deposit_returned and locked.deposit > 0)
    locked.save(update_fields=["status", "closed_at", "closed_by", "deposit_returned"])
    return locked


@transaction.atomic
def temporary_pass_lose(*, temporary_pass: TemporaryPass, by: Any, note: str = "") -> TemporaryPass:
    """Record a temporary pass as lost (its deposit is kept)."""
    note = text(note, "note", max_length=200, required=False)
    locked = _close(temporary_pass, "lose", by)
    if note:
        locked.note = f"{locked.note} · {note}"[:200] if locked.note else note
    locked.save(update_fields=["status", "closed_at", "closed_by", "note"])
    return locked


# --- Card work on the household's cards ----------------------------------------------------------


@transaction.atomic
def card_work_record(
    *,
    card: Card,
    kind: str,
    by: Any,
    fee: Any = 0,
    new_number: str = "",
    note: str = "",
) -> CardWork:
    """Report a household's card lost, replace it, or take it back: a new register entry.

    The card on the household file changes through the residents' services (a
    replacement issues a new card of the same kind and holder, the old one reads
    lost). A fee goes to the household's next bill.
    """
    require_acknowledged(project=card.project, by=by)
    if not may(by, CARD_WORK, "record"):
        raise ApplicationError(_("Your role may not do card work."))
    locked = Card.objects.select_for_update().select_related("household").get(pk=card.pk)
    if not can_access_project(by, locked.project_id):
        raise ApplicationError(fields={"card": [_("Not found in your projects.")]})
    errors: dict[str, list[str]] = {}
    if kind not in CardWorkKind.values:
        errors["kind"] = [_("Say what is done with the card.")]
    fee_value = _money(fee, "fee")
    note = text(note, "note", max_length=200, required=False)
    new_number = text(new_number, "new_number", max_length=30, required=False)
    if kind in (CardWorkKind.LOSE, CardWorkKind.RETURN) and locked.status != CardStatus.ACTIVE:
        errors["card"] = [
            _("This card is “%(status)s” already.") % {"status": locked.get_status_display()}
        ]
    if kind == CardWorkKind.REPLACE:
        if locked.status == CardStatus.RETURNED:
            errors["card"] = [_("A returned card is not replaced: issue a new one.")]
        if not new_number:
            errors["new_number"] = [_("Enter the new card's number.")]
    if errors:
        raise ApplicationError(fields=errors)
    today = timezone.localdate()
    household = locked.household
    new_card = None
    if kind == CardWorkKind.LOSE:
        card_set_status(card=locked, status=CardStatus.LOST, on=today, by=by)
    elif kind == CardWorkKind.RETURN:
        card_set_status(card=locked, status=CardStatus.RETURNED, on=today, by=by)
    else:
        if locked.status == CardStatus.ACTIVE:
            card_set_status(card=locked, status=CardStatus.LOST, on=today, by=by)
        new_card = card_issue(
            household=household,
            kind=locked.kind,
            number=new_number,
            issued_on=today,
            holder=locked.holder,
            vehicle=locked.vehicle,
            by=by,
        )
    charge = None
    if fee_value > 0:
        charge = desk_charge_record(
            project=household.project,
            household=household,
            kind=(
                DeskChargeKind.CARD_REPLACEMENT
                if kind == CardWorkKind.REPLACE
                else DeskChargeKind.CARD_LOST
                if kind == CardWorkKind.LOSE
                else DeskChargeKind.OTHER
            ),
            description=f"{locked.get_kind_display()} {locked.number}"
            + (f" → {new_number}" if new_card else ""),
            amount=fee_value,
            by=by,
        )
    return CardWork.objects.create(
        project_id=locked.project_id,
        household=household,
        card=locked,
        kind=kind,
        new_card=new_card,
        fee=fee_value,
        desk_charge=charge,
        note=note,
        done_by=by,
    )
