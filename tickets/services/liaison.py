"""Numbered liaison forms (工作联系单) to another department: written, answered, closed."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from frontdesk.core.errors import ApplicationError
from frontdesk.core.models import Project
from frontdesk.core.scoping import can_access_project

from ..choices import (
    Department,
    LiaisonStatus,
)
from ..models import (
    LiaisonForm,
    Ticket,
)
from .common import (
    _choice,
    _event,
    _required_text,
    next_liaison_number,
)

# --- Liaison forms ---------------------------------------------------------------------


@transaction.atomic
def liaison_create(
    *,
    project: Project,
    from_department: str,
    to_department: str,
    matter: str,
    by: Any,
    ticket: Ticket | None = None,
) -> LiaisonForm:
    """Write a numbered liaison form (工作联系单) to another department."""
    if not can_access_project(by, project.pk):
        raise ApplicationError(fields={"project": [_("You do not work in this project.")]})
    source = _choice(from_department, Department, "from_department")
    target = _choice(to_department, Department, "to_department")
    if source == target:
        raise ApplicationError(fields={"to_department": [_("Write to another department.")]})
    text = _required_text(matter, "matter")
    if ticket is not None and ticket.project_id != project.pk:
        raise ApplicationError(fields={"ticket": [_("This order is not in this project.")]})
    form = LiaisonForm(
        project=project,
        from_department=source,
        to_department=target,
        matter=text,
        ticket=ticket,
        created_by=by,
    )
    form.number = next_liaison_number(project_id=project.pk, year=timezone.localdate().year)
    form.save()
    if ticket is not None:
        _event(
            ticket, action="liaison", by=by, note=text, data={"number": form.number, "to": target}
        )
    return form


@transaction.atomic
def liaison_answer(*, form: LiaisonForm, reply: str, by: Any) -> LiaisonForm:
    """The other department's reply."""
    locked = LiaisonForm.objects.select_for_update().get(pk=form.pk)
    if locked.status != LiaisonStatus.OPEN:
        raise ApplicationError(_("This liaison form has already been answered."))
    locked.reply = _required_text(reply, "reply")
    locked.replied_at = timezone.now()
    locked.replied_by = by
    locked.status = LiaisonStatus.ANSWERED
    locked.save()
    form.__dict__.update(
        {f.attname: getattr(locked, f.attname) for f in LiaisonForm._meta.concrete_fields}
    )
    return form


@transaction.atomic
def liaison_close(*, form: LiaisonForm, by: Any) -> LiaisonForm:
    """Close an answered liaison form."""
    locked = LiaisonForm.objects.select_for_update().get(pk=form.pk)
    if locked.status != LiaisonStatus.ANSWERED:
        raise ApplicationError(_("Only an answered liaison form can be closed."))
    locked.status = LiaisonStatus.CLOSED
    locked.closed_at = timezone.now()
    locked.save()
    form.__dict__.update(
        {f.attname: getattr(locked, f.attname) for f in LiaisonForm._meta.concrete_fields}
    )
    return form
