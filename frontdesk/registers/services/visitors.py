"""Writes of visitors and of messages and items left for residents.

Keyword-only and atomic; everything is checked before anything is written. Steps lock
the row: a second collection of the same message waits for the first and is refused.
Where the project's procedures require it (`VisitorSettings.confirm_by_phone`), a
visitor is let in only once the household has confirmed by phone, and who answered
is recorded.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from frontdesk.core.errors import ApplicationError
from frontdesk.core.models import Project
from residents.models import Household
from residents.validators import normalize_phone

from ..choices.visitors import MessageKind, MessageStatus, TellHow, VisitorPost, VisitorStatus
from ..models.visitors import Visitor, VisitorMessage
from ..selectors.visitors import is_lapsed, visitor_settings
from ..transitions import check, may
from ..transitions.visitors import MESSAGE, VISITOR

MAX_PEOPLE = 50


def _text(
    errors: dict[str, list[str]], value: str | None, name: str, *, required: bool, limit: int
) -> str:
    text = (value or "").strip()
    if required and not text:
        errors[name] = [_("This field is required.")]
    elif len(text) > limit:
        errors[name] = [_("At most %(n)d characters.") % {"n": limit}]
    return text


def _household(errors: dict[str, list[str]], household: Household | None, project: Project) -> None:
    if household is None:
        errors["household"] = [_("Choose the household visited.")]
    elif household.project_id != project.pk:
        errors["household"] = [_("This household is not in this project.")]


def _refuse_role(by: Any, record: str, action: str, label: str) -> None:
    if not may(by, record, action):
        raise ApplicationError(_("Your role may not do “%(action)s”.") % {"action": label})


# --- Visitors ------------------------------------------------------------------------


@dataclass
class VisitorInput:
    """What the desk or the gate types for a visitor (the validated form or serializer data)."""

    household: Household | None
    name: str
    purpose: str
    phone: str = ""
    id_number: str = ""
    people: int = 1
    plate: str = ""
    post: str = VisitorPost.DESK
    expected_on: dt.date | None = None
    expected_at: dt.time | None = None
    confirmed_by_phone: bool = False
    confirmed_with: str = ""


def _confirmation(
    errors: dict[str, list[str]], *, project: Project, confirmed: bool, whom: str, needed: bool
) -> tuple[bool, str]:
    """The household's confirmation by phone, required on arrival where the project says so."""
    whom = (whom or "").strip()
    if len(whom) > 50:
        errors["confirmed_with"] = [_("At most %(n)d characters.") % {"n": 50}]
    if confirmed and not whom:
        errors["confirmed_with"] = [_("Write who answered the phone at the household.")]
    if needed and not confirmed and visitor_settings(project.pk).confirm_by_phone:
        errors["confirmed_by_phone"] = [
            _(
                "This project lets a visitor in only once the household has confirmed by "
                "phone: call the household and write who answered."
            )
        ]
    return confirmed, whom


@transaction.atomic
def visitor_register(
    *, project: Project, by: Any, data: VisitorInput, now: dt.datetime | None = None
) -> Visitor:
    """Register a visitor arriving now, or (with `expected_on`) one the resident announced."""
    _refuse_role(by, VISITOR, "register", _("Register"))
    now = now or timezone.now()
    errors: dict[str, list[str]] = {}
    _household(errors, data.household, project)
    name = _text(errors, data.name, "name", required=True, limit=50)
    purpose = _text(errors, data.purpose, "purpose", required=True, limit=200)
    phone = normalize_phone(_text(errors, data.phone, "phone", required=False, limit=20))
    if phone and not phone.replace("-", "").isdigit():
        errors["phone"] = [_("Enter the phone number in digits.")]
    id_number = _text(errors, data.id_number, "id_number", required=False, limit=30).upper()
    plate = _text(errors, data.plate, "plate", required=False, limit=16).upper().replace(" ", "")
    if not 1 <= (data.people or 0) <= MAX_PEOPLE:
        errors["people"] = [_("Between 1 and %(n)d people.") % {"n": MAX_PEOPLE}]
    if data.post not in VisitorPost.values:
        errors["post"] = [_("Say where the visitor was registered.")]
    expected = data.expected_on is not None
    if expected and data.expected_on is not None and data.expected_on < timezone.localdate(now):
        errors["expected_on"] = [_("An expected visit cannot be in the past.")]
    if not expected and data.expected_at is not None:
        errors["expected_on"] = [_("Give the day the visitor is expected.")]
    confirmed, whom = _confirmation(
        errors,
        project=project,
        confirmed=data.confirmed_by_phone,
        whom=data.confirmed_with,
        needed=not expected,
    )
    if errors:
        raise ApplicationError(fields=errors)
    assert data.household is not None
    return Visitor.objects.create(
        project=project,
        household=data.household,
        name=name,
        phone=phone,
        id_number=id_number,
        people=data.people,
        purpose=purpose,
        plate=plate,
        post=data.post,
        status=VisitorStatus.EXPECTED if expected else VisitorStatus.ARRIVED,
        expected_on=data.expected_on,
        expected_at=data.expected_at if expected else None,
        confirmed_by_phone=confirmed,
        confirmed_with=whom,
        confirmed_at=now if confirmed else None,
        arrived_at=None if expected else now,
        registered_by=by,
        registered_at=now,
    )


@transaction.atomic
def visitor_arrive(
    *,
    visitor: Visitor,
    by: Any,
    confirmed_by_phone: bool = False,
    confirmed_with: str = "",
    now: dt.datetime | None = None,
) -> Visitor:
    """An expected visitor has come (on the expected day: a lapsed one is registered anew)."""
    visitor = Visitor.objects.select_for_update().get(pk=visitor.pk)
    check(visitor, VISITOR, "arrive", by)
    now = now or timezone.now()
    if is_lapsed(visitor, timezone.localdate(now)):
        raise ApplicationError(
            _("This visitor was expected on %(day)s and has lapsed: register the visit anew.")
            % {"day": visitor.expected_on}
        )
    errors: dict[str, list[str]] = {}
    project = Project.objects.get(pk=visitor.project_id)
    confirmed, whom = _confirmation(
        errors,
        project=project,
        confirmed=confirmed_by_phone or visitor.confirmed_by_phone,
        whom=confirmed_with or visitor.confirmed_with,
        needed=True,
    )
    if errors:
        raise ApplicationError(fields=errors)
    if confirmed and not visitor.confirmed_by_phone:
        visitor.confirmed_by_phone = True
        visitor.confirmed_with = whom
        visitor.confirmed_at = now
    visitor.status = VisitorStatus.ARRIVED
    visitor.arrived_at = now
    visitor.save()
    return visitor


@transaction.atomic
def visitor_leave(*, visitor: Visitor, by: Any, now: dt.datetime | None = None) -> Visitor:
    """The visitor has left the estate."""
    visitor = Visitor.objects.select_for_update().get(pk=visitor.pk)
    check(visitor, VISITOR, "leave", by)
    visitor.status = VisitorStatus.LEFT
    visitor.left_at = now or timezone.now()
    visitor.left_recorded_by = by
    visitor.save(update_fields=["status", "left_at", "left_recorded_by"])
    return visitor


# --- Messages and items left ----------------------------------------------------------


@dataclass
class MessageInput:
    """A message or an item left at the desk for a household."""

    household: Household | None
    kind: str
    left_by: str
    content: str
    left_by_phone: str = ""


@transaction.atomic
def message_receive(
    *, project: Project, by: Any, data: MessageInput, now: dt.datetime | None = None
) -> VisitorMessage:
    """Take a message or an item for a household at the desk (who left it, what)."""
    _refuse_role(by, MESSAGE, "receive", _("Receive"))
    errors: dict[str, list[str]] = {}
    if data.household is None:
        errors["household"] = [_("Choose the household it is for.")]
    elif data.household.project_id != project.pk:
        errors["household"] = [_("This household is not in this project.")]
    if data.kind not in MessageKind.values:
        errors["kind"] = [_("Say whether it is a message or an item.")]
    left_by = _text(errors, data.left_by, "left_by", required=True, limit=50)
    content = _text(errors, data.content, "content", required=True, limit=2000)
    phone = normalize_phone(
        _text(errors, data.left_by_phone, "left_by_phone", required=False, limit=20)
    )
    if errors:
        raise ApplicationError(fields=errors)
    assert data.household is not None
    return VisitorMessage.objects.create(
        project=project,
        household=data.household,
        kind=data.kind,
        left_by=left_by,
        left_by_phone=phone,
        content=content,
        received_at=now or timezone.now(),
        received_by=by,
    )


@transaction.atomic
def message_tell(
    *, message: VisitorMessage, by: Any, how: str, whom: str, now: dt.datetime | None = None
) -> VisitorMessage:
    """The resident has been told (how, whom, when)."""
    message = VisitorMessage.objects.select_for_update().get(pk=message.pk)
    check(message, MESSAGE, "tell", by)
    errors: dict[str, list[str]] = {}
    if how not in TellHow.values:
        errors["how"] = [_("Choose how the resident was told.")]
    whom = _text(errors, whom, "whom", required=True, limit=50)
    if errors:
        raise ApplicationError(fields=errors)
    message.status = MessageStatus.TOLD
    message.told_at = now or timezone.now()
    message.told_how = how
    message.told_whom = whom
    message.told_by = by
    message.save(update_fields=["status", "told_at", "told_how", "told_whom", "told_by"])
    return message


@transaction.atomic
def message_collect(
    *,
    message: VisitorMessage,
    by: Any,
    collector_name: str,
    signature: ContentFile[bytes] | None = None,
    signed_on_paper: bool = False,
    now: dt.datetime | None = None,
) -> VisitorMessage:
    """Hand the message or item over against the collector's name and signature, once."""
    message = VisitorMessage.objects.select_for_update().get(pk=message.pk)
    check(message, MESSAGE, "collect", by)
    errors: dict[str, list[str]] = {}
    name = _text(errors, collector_name, "collector_name", required=True, limit=50)
    if signature is None and not signed_on_paper:
        errors["signature"] = [_("The collector signs on the pad, or on paper (tick the box).")]
    if errors:
        raise ApplicationError(fields=errors)
    message.status = MessageStatus.COLLECTED
    message.collected_at = now or timezone.now()
    message.collector_name = name
    message.signed_on_paper = signature is None
    message.handed_over_by = by
    if signature is not None:
        message.signature.save(signature.name or "signature.png", signature, save=False)
    message.save()
    return message
