"""Writes of the incoming documents' register (外来文件登记表 R01—WKF08).

register → the manager is told; instruct (the manager's 批示, naming departments) →
each department is told and signs for its copy; the document is done when every
receipt is in. A registration is corrected or voided, with a reason, only before
the manager has instructed it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from sequences import get_next_value

from frontdesk.core.errors import ApplicationError
from frontdesk.core.models import Project
from frontdesk.core.notifications import notify, users_with_role
from frontdesk.core.roles import Role, has_role
from frontdesk.core.scoping import can_access_project
from frontdesk.desk.services import require_acknowledged
from tickets.choices import Department
from tickets.transitions import DEPARTMENT_ROLE

from ..choices.documents import DocumentStatus, Urgency
from ..models import DocumentReceipt, IncomingDocument
from ..transitions import check, may
from ._fields import text

NAME = "document"
TOPIC_REGISTERED = "registers.document.registered"
TOPIC_DISTRIBUTED = "registers.document.distributed"
# Who records a receipt for a department that is not theirs, naming who signed on paper.
ON_BEHALF = (Role.DESK, Role.SUPERVISOR, Role.MANAGER)


def document_url(document: IncomingDocument) -> str:
    return reverse("registers:document", args=[document.pk])


def _count(value: Any, field: str) -> int:
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise ApplicationError(fields={field: [_("Enter a whole number.")]}) from None
    if not 1 <= number <= 9999:
        raise ApplicationError(fields={field: [_("Enter a number from 1 to 9999.")]})
    return number


@dataclass
class DocumentInput:
    """What the desk writes on the register when a document arrives."""

    sender: str
    title: str
    reference: str = ""
    pages: int = 1
    copies: int = 1
    urgency: str = Urgency.NORMAL
    received_at: dt.datetime | None = None
    scan: UploadedFile[Any] | None = None


def _validated(data: DocumentInput, now: dt.datetime) -> dict[str, Any]:
    errors: dict[str, list[str]] = {}
    values: dict[str, Any] = {}
    checks: Sequence[tuple[str, Any]] = (
        ("sender", lambda: text(data.sender, "sender", max_length=100)),
        ("title", lambda: text(data.title, "title", max_length=200)),
        ("reference", lambda: text(data.reference, "reference", max_length=50, required=False)),
        ("pages", lambda: _count(data.pages, "pages")),
        ("copies", lambda: _count(data.copies, "copies")),
    )
    for field, run in checks:
        try:
            values[field] = run()
        except ApplicationError as error:
            errors.update(error.fields)
    if data.urgency not in Urgency.values:
        errors["urgency"] = [_("“%(value)s” is not a valid choice.") % {"value": data.urgency}]
    received_at = data.received_at or now
    if timezone.is_naive(received_at):
        received_at = timezone.make_aware(received_at)
    if received_at > now + dt.timedelta(minutes=5):
        errors["received_at"] = [_("This time is in the future.")]
    elif received_at < now - dt.timedelta(days=366):
        errors["received_at"] = [_("This time is more than a year ago.")]
    if data.scan is not None and (data.scan.size or 0) > settings.MAX_UPLOAD_BYTES:
        errors["scan"] = [
            _("The file is larger than %(mb)d MB.")
            % {"mb": settings.MAX_UPLOAD_BYTES // (1024 * 1024)}
        ]
    if errors:
        raise ApplicationError(fields=errors)
    values["urgency"] = data.urgency
    values["received_at"] = received_at
    return values


def next_serial(*, project_id: int, year: int) -> str:
    """The next number of the register of a project and year: WJ-2026-0001.

    Call inside the registration's transaction, after every check: the counter row
    stays locked until commit and a rollback gives the number back.
    """
    value = get_next_value(f"registers.document:{project_id}:{year}")
    return f"WJ-{year}-{value:04d}"


def _tell_managers(document: IncomingDocument, now: dt.datetime) -> None:
    for user in users_with_role(project=document.project_id, role=Role.MANAGER):
        notify(
            user=user,
            topic=TOPIC_REGISTERED,
            title=_("Incoming document to instruct: %(serial)s %(title)s")
            % {"serial": document.serial, "title": document.title},
            body=_("From %(sender)s, %(pages)d pages.")
            % {"sender": document.sender, "pages": document.pages},
            url=document_url(document),
            project=document.project_id,
            is_emergency=document.urgency == Urgency.URGENT,
            named=True,
            now=now,
        )


@transaction.atomic
def document_register(
    *, project: Project, by: Any, data: DocumentInput, corrects: IncomingDocument | None = None
) -> IncomingDocument:
    """Register a document as it arrives (the desk signs for it); the manager is told."""
    require_acknowledged(project=project, by=by)
    if not may(by, NAME, "register"):
        raise ApplicationError(_("Your role may not register incoming documents."))
    if not can_access_project(by, project.pk):
        raise ApplicationError(fields={"project": [_("You do not work in this project.")]})
    now = timezone.now()
    values = _validated(data, now)
    document = IncomingDocument(
        project=project, received_by=by, created_by=by, corrects=corrects, **values
    )
    if data.scan is not None:
        document.scan = data.scan
    # Last, after every check: a number is taken only for a document that is saved.
    document.serial = next_serial(
        project_id=project.pk, year=timezone.localtime(values["received_at"]).year
    )
    document.save()
    _tell_managers(document, now)
    return document


def _lock(document: IncomingDocument) -> IncomingDocument:
    return IncomingDocument.objects.select_for_update().get(pk=document.pk)


@transaction.atomic
def document_void(*, document: IncomingDocument, by: Any, reason: str) -> IncomingDocument:
    """Void a registration (before the manager's instruction); it keeps its number."""
    locked = _lock(document)
    check(locked, NAME, "void", by)
    locked.void_reason = text(reason, "reason", max_length=200)
    locked.status = DocumentStatus.VOIDED
    locked.voided_by = by
    locked.voided_at = timezone.now()
    locked.save(update_fields=["void_reason", "status", "voided_by", "voided_at"])
    return locked


@transaction.atomic
def document_correct(
    *, document: IncomingDocument, by: Any, reason: str, data: DocumentInput
) -> IncomingDocument:
    """Correct a registration: a new one under a new number replaces it, and it is voided
    with the reason (before the manager's instruction)."""
    locked = _lock(document)
    check(locked, NAME, "correct", by)
    reason = text(reason, "reason", max_length=200)
    project = Project.objects.get(pk=locked.project_id)
    new = document_register(project=project, by=by, data=data, corrects=locked)
    locked.void_reason = reason
    locked.status = DocumentStatus.VOIDED
    locked.voided_by = by
    locked.voided_at = timezone.now()
    locked.save(update_fields=["void_reason", "status", "voided_by", "voided_at"])
    return new


@transaction.atomic
def document_instruct(
    *, document: IncomingDocument, by: Any, instruction: str, departments: Sequence[str]
) -> IncomingDocument:
    """The manager's instruction (批示) and the departments it goes to; each is told.

    With no department named (e.g. "file it"), the document is done at once.
    """
    locked = _lock(document)
    check(locked, NAME, "instruct", by)
    instruction = text(instruction, "instruction", max_length=2000)
    chosen = list(dict.fromkeys(str(d) for d in departments or []))
    unknown = [d for d in chosen if d not in Department.values]
    if unknown:
        raise ApplicationError(
            fields={
                "departments": [_("“%(value)s” is not a valid choice.") % {"value": unknown[0]}]
            }
        )
    now = timezone.now()
    locked.instruction = instruction
    locked.instructed_by = by
    locked.instructed_at = now
    locked.status = DocumentStatus.DISTRIBUTED if chosen else DocumentStatus.DONE
    locked.save(update_fields=["instruction", "instructed_by", "instructed_at", "status"])
    DocumentReceipt.objects.bulk_create(
        [DocumentReceipt(document=locked, department=d) for d in chosen]
    )
    for department in chosen:
        role = DEPARTMENT_ROLE.get(department)
        if role is None:
            continue
        for user in users_with_role(project=locked.project_id, role=role):
            notify(
                user=user,
                topic=TOPIC_DISTRIBUTED,
                title=_("Document to sign for: %(serial)s %(title)s")
                % {"serial": locked.serial, "title": locked.title},
                body=instruction,
                url=document_url(locked),
                project=locked.project_id,
                named=True,
                now=now,
            )
    return locked


def may_sign_for(by: Any, department: str) -> bool:
    """`by` is of the department (its worker role), so signs in their own name."""
    role = DEPARTMENT_ROLE.get(department)
    return role is not None and has_role(by, role)


@transaction.atomic
def document_acknowledge(
    *, document: IncomingDocument, by: Any, department: str, signer: str = ""
) -> DocumentReceipt:
    """A department signs for its copy. Someone of the department signs in their own name;
    the desk may record it on the department's behalf, naming who signed on paper. When the
    last receipt is in, the document is done."""
    locked = _lock(document)
    check(locked, NAME, "acknowledge", by)
    receipt = (
        DocumentReceipt.objects.select_for_update()
        .filter(document=locked, department=str(department or ""))
        .first()
    )
    if receipt is None:
        raise ApplicationError(
            fields={"department": [_("The document was not distributed to this department.")]}
        )
    if receipt.acknowledged_at is not None:
        raise ApplicationError(
            fields={"department": [_("This department has signed for it already.")]}
        )
    signer = text(signer, "signer", max_length=50, required=False)
    if not may_sign_for(by, receipt.department):
        if not has_role(by, *ON_BEHALF):
            raise ApplicationError(
                fields={"department": [_("You may sign only for your own department.")]}
            )
        if not signer:
            raise ApplicationError(
                fields={"signer": [_("Write the name of who signed for the department.")]}
            )
    receipt.acknowledged_at = timezone.now()
    receipt.acknowledged_by = by
    receipt.signer = signer or (by.get_full_name() or by.get_username())
    receipt.save(update_fields=["acknowledged_at", "acknowledged_by", "signer"])
    if not DocumentReceipt.objects.filter(document=locked, acknowledged_at__isnull=True).exists():
        locked.status = DocumentStatus.DONE
        locked.save(update_fields=["status"])
    return receipt
