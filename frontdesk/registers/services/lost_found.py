"""Writes of the lost and found register: register a found item, return it, dispose of it.

An item is held until `hold_until` (the day it was found plus the project's holding
period). Only the supervisor or the manager disposes of an item, and not before that
day unless it is perishable; the reason is always recorded.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.files.base import File
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from frontdesk.core.errors import ApplicationError
from frontdesk.core.models import Project
from frontdesk.core.scoping import can_access_project
from frontdesk.desk.services import require_acknowledged

from ..choices.lost_found import Disposal, FoundStatus
from ..models.lost_found import FoundItem, LostFoundSettings
from ..transitions import check, may
from ..transitions.lost_found import FOUND
from . import _fields


def _who(user: Any) -> str:
    return str(user.get_full_name() or user.get_username())


@transaction.atomic
def found_register(
    *,
    project: Project,
    by: Any,
    what: str,
    where_found: str,
    kept_at: str,
    found_at: dt.datetime | None = None,
    found_by_name: str = "",
    found_by: Any = None,
    perishable: bool = False,
    photo: File[Any] | None = None,
) -> FoundItem:
    """Register an item found in the estate, by a colleague (`found_by`) or a resident (by
    name); it is held for the project's holding period from the day it was found."""
    require_acknowledged(project=project, by=by)
    if not may(by, FOUND, "register"):
        raise ApplicationError(_("Your role may not register found items."))
    if not can_access_project(by, project.pk):
        raise ApplicationError(fields={"project": [_("You do not work in this project.")]})
    now = timezone.now()

    def _when() -> dt.datetime:
        moment = _fields.aware(found_at, "found_at") or now
        if moment > now + dt.timedelta(minutes=5):
            raise ApplicationError(fields={"found_at": [_("The time found is in the future.")]})
        return moment

    def _finder() -> str:
        if found_by is not None:
            _fields.works_in(found_by, project.pk, "found_by")
            return (found_by_name or "").strip()[:50] or _who(found_by)
        return _fields.text(found_by_name, "found_by_name", max_length=50)

    def _photo() -> File[Any] | None:
        if photo:
            _fields.photo(photo, "photo")
        return photo or None

    clean = _fields.collect(
        {
            "what": lambda: _fields.text(what, "what", max_length=200),
            "where_found": lambda: _fields.text(where_found, "where_found", max_length=200),
            "kept_at": lambda: _fields.text(kept_at, "kept_at", max_length=100),
            "found_at": _when,
            "found_by_name": _finder,
            "photo": _photo,
        }
    )
    holding = LostFoundSettings.for_project(project.pk).holding_days
    hold_until = timezone.localtime(clean["found_at"]).date() + dt.timedelta(days=holding)
    item = FoundItem(
        project=project,
        found_by=found_by,
        perishable=bool(perishable),
        registered_by=by,
        registered_at=now,
        hold_until=hold_until,
        status=FoundStatus.WAITING,
        what=clean["what"],
        where_found=clean["where_found"],
        kept_at=clean["kept_at"],
        found_at=clean["found_at"],
        found_by_name=clean["found_by_name"],
    )
    if clean["photo"]:
        item.photo = clean["photo"]
    item.save()
    return item


def _already_done(item: FoundItem) -> None:
    if item.status == FoundStatus.RETURNED:
        assert item.returned_at is not None
        raise ApplicationError(
            _("This item was already returned to %(name)s at %(at)s.")
            % {
                "name": item.owner_name,
                "at": f"{timezone.localtime(item.returned_at):%Y-%m-%d %H:%M}",
            }
        )
    if item.status == FoundStatus.DISPOSED:
        assert item.disposed_at is not None
        raise ApplicationError(
            _("This item was already disposed of at %(at)s (%(how)s).")
            % {
                "at": f"{timezone.localtime(item.disposed_at):%Y-%m-%d %H:%M}",
                "how": item.get_disposal_display(),
            }
        )


@transaction.atomic
def found_return(
    *,
    item: FoundItem,
    by: Any,
    owner_name: str,
    owner_phone: str,
    proof: str,
    signature: File[Any] | None = None,
    signed_on_paper: bool = False,
) -> FoundItem:
    """Give the item back to its owner, who said how it is theirs and signs."""
    locked = FoundItem.objects.select_for_update().get(pk=item.pk)
    _already_done(locked)
    check(locked, FOUND, "return", by)
    clean = _fields.collect(
        {
            "owner_name": lambda: _fields.text(owner_name, "owner_name", max_length=50),
            "owner_phone": lambda: _fields.phone(owner_phone, "owner_phone"),
            "proof": lambda: _fields.text(proof, "proof", max_length=200),
            "signature": lambda: _fields.signed(signature, signed_on_paper),
        }
    )
    locked.owner_name = clean["owner_name"]
    locked.owner_phone = clean["owner_phone"]
    locked.proof = clean["proof"]
    if signature:
        locked.signature = signature
    locked.signed_on_paper = bool(signed_on_paper) and not signature
    locked.status = FoundStatus.RETURNED
    locked.returned_at = timezone.now()
    locked.returned_by = by
    locked.save()
    return locked


@transaction.atomic
def found_dispose(*, item: FoundItem, by: Any, disposal: str, reason: str) -> FoundItem:
    """Dispose of an unclaimed item after its holding period (a perishable one earlier), with
    the reason; `by` (the supervisor or the manager) is recorded as having approved."""
    locked = FoundItem.objects.select_for_update().get(pk=item.pk)
    _already_done(locked)
    check(locked, FOUND, "dispose", by)
    clean = _fields.collect(
        {
            "disposal": lambda: _disposal(disposal),
            "reason": lambda: _fields.text(reason, "reason", max_length=200),
        }
    )
    today = timezone.localdate()
    if today < locked.hold_until and not locked.perishable:
        raise ApplicationError(
            _(
                "This item is held until %(day)s; only a perishable item may be disposed of "
                "before its holding period ends."
            )
            % {"day": f"{locked.hold_until:%Y-%m-%d}"}
        )
    locked.disposal = clean["disposal"]
    locked.disposal_reason = clean["reason"]
    locked.disposed_at = timezone.now()
    locked.approved_by = by
    locked.status = FoundStatus.DISPOSED
    locked.save()
    return locked


def _disposal(value: str) -> str:
    if value not in Disposal.values:
        raise ApplicationError(fields={"disposal": [_("Choose how the item is disposed of.")]})
    return value
