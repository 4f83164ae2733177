"""Writes of patrols and inspections (巡查): checklists kept by the supervisor, runs recorded
by whoever walked them, and the rectification (整改) orders of failed items.

A failed item becomes a work order about a public place for the item's department
(`tickets.services.ticket_register`), registered by the walker when their role may
register orders; otherwise (security, cleaning) it waits on the run's page and in the
handover until the desk opens it (`inspection_rectify`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from frontdesk.core.errors import ApplicationError
from frontdesk.core.models import Project
from frontdesk.core.scoping import can_access_project
from tickets.choices import Department, Place, Source, TicketKind
from tickets.models import Ticket
from tickets.services import ticket_register
from tickets.transitions import can_register

from ..choices.inspections import ChecklistKind
from ..models import Checklist, ChecklistItem, InspectionResult, InspectionRun
from ..transitions import check, may
from ..transitions.inspections import CHECKLIST, RECORD, walk_action

# The kind of order a department rectifies: engineering repairs, cleaning and greening
# have their own kinds; security and customer service take a repair order addressed to
# them (a complaint needs a resident and a category, which a patrol has not).
RECTIFICATION_KIND: dict[str, str] = {
    Department.ENGINEERING: TicketKind.REPAIR,
    Department.CLEANING: TicketKind.HOUSEKEEPING,
    Department.GREENING: TicketKind.GREENING,
    Department.SECURITY: TicketKind.REPAIR,
    Department.CUSTOMER_SERVICE: TicketKind.REPAIR,
}


# --- Checklists ---------------------------------------------------------------------------


@dataclass
class ItemInput:
    name: str
    department: str


def _times(values: Sequence[Any]) -> list[str]:
    times: list[str] = []
    for value in values or []:
        if isinstance(value, dt.time):
            moment = value
        else:
            try:
                moment = dt.time.fromisoformat(str(value).strip())
            except ValueError:
                raise ApplicationError(
                    fields={"times": [_("Write each time as HH:MM, e.g. 09:00.")]}
                ) from None
        times.append(f"{moment:%H:%M}")
    if len(set(times)) != len(times):
        raise ApplicationError(fields={"times": [_("A time is given twice.")]})
    return sorted(times)


@transaction.atomic
def checklist_create(
    *,
    project: Project,
    by: Any,
    name: str,
    kind: str,
    items: Sequence[ItemInput],
    times: Sequence[Any] = (),
    grace_minutes: int = 30,
    place: str = Place.LOBBY,
    replaces: Checklist | None = None,
) -> Checklist:
    """A checklist (the supervisor's): its items in order, the times it is due. With
    `replaces`, the old checklist is retired: runs already walked keep their items."""
    if not may(by, CHECKLIST, "create"):
        raise ApplicationError(_("Your role may not keep the checklists."))
    if not can_access_project(by, project.pk):
        raise ApplicationError(fields={"project": [_("You do not work in this project.")]})
    errors: dict[str, list[str]] = {}
    name = (name or "").strip()
    if not name or len(name) > 100:
        errors["name"] = [_("Write a name of at most 100 characters.")]
    if kind not in ChecklistKind.values:
        errors["kind"] = [_("“%(value)s” is not a valid choice.") % {"value": kind}]
    if place not in Place.values:
        errors["place"] = [_("“%(value)s” is not a valid choice.") % {"value": place}]
    if not 0 <= int(grace_minutes) <= 240:
        errors["grace_minutes"] = [_("Enter 0 to 240 minutes.")]
    if not items:
        errors["items"] = [_("List at least one item to check.")]
    for item in items:
        if not (item.name or "").strip() or len(item.name.strip()) > 100:
            errors["items"] = [_("Each item needs a name of at most 100 characters.")]
        elif item.department not in Department.values:
            errors["items"] = [
                _("“%(value)s” is not a valid department.") % {"value": item.department}
            ]
    if replaces is not None and replaces.project_id != project.pk:
        errors["replaces"] = [_("Not found in this project.")]
    if errors:
        raise ApplicationError(fields=errors)
    checklist = Checklist.objects.create(
        project=project,
        name=name,
        kind=kind,
        place=place,
        times=_times(times),
        grace_minutes=int(grace_minutes),
        created_by=by,
    )
    ChecklistItem.objects.bulk_create(
        [
            ChecklistItem(
                checklist=checklist,
                position=position,
                name=item.name.strip(),
                department=item.department,
            )
            for position, item in enumerate(items, start=1)
        ]
    )
    if replaces is not None:
        checklist_retire(checklist=replaces, by=by)
    return checklist


@transaction.atomic
def checklist_retire(*, checklist: Checklist, by: Any) -> Checklist:
    """Take a checklist out of use (its runs stay as they were walked)."""
    locked = Checklist.objects.select_for_update().get(pk=checklist.pk)
    check(locked, CHECKLIST, "retire", by)
    locked.is_active = False
    locked.retired_at = timezone.now()
    locked.save(update_fields=["is_active", "retired_at"])
    return locked


# --- Runs ---------------------------------------------------------------------------------


@dataclass
class ResultInput:
    item: int
    ok: bool
    note: str = ""
    photo: UploadedFile[Any] | None = None


def _moment(value: Any, field: str) -> dt.datetime | None:
    if value is None:
        return None
    if not isinstance(value, dt.datetime):
        raise ApplicationError(fields={field: [_("Enter a valid date and time.")]})
    return timezone.make_aware(value) if timezone.is_naive(value) else value


def _rectify(result: InspectionResult, run: InspectionRun, by: Any) -> Ticket:
    """Register the rectification order of a failed item. Call inside the run's transaction."""
    item = result.item
    checklist = run.checklist
    ticket = ticket_register(
        project=Project.objects.get(pk=run.project_id),
        kind=RECTIFICATION_KIND[item.department],
        matter=_("Rectify: %(item)s (%(checklist)s)") % {"item": item.name, "checklist": checklist},
        by=by,
        place=checklist.place,
        location=item.name,
        reporter_name=run.walked_by.get_full_name() or run.walked_by.get_username(),
        description=result.note,
        source=Source.PATROL,
        department=item.department,
        paid=False,
        address_confirmed=True,
        time_confirmed=True,
    )
    result.ticket = ticket
    result.save(update_fields=["ticket"])
    return ticket


@transaction.atomic
def inspection_record(
    *,
    checklist: Checklist,
    by: Any,
    results: Sequence[ResultInput],
    started_at: dt.datetime | None = None,
    finished_at: dt.datetime | None = None,
) -> InspectionRun:
    """Record a walk of a checklist, every item OK or not (a failed item needs a note).

    Each failed item opens a rectification order for its department at once when `by`
    may register orders; otherwise the desk opens them from the run's page.
    """
    if not can_access_project(by, checklist.project_id):
        raise ApplicationError(fields={"checklist": [_("Not found in your projects.")]})
    if not may(by, RECORD, walk_action(checklist.kind)):
        raise ApplicationError(
            _("Your role may not record “%(kind)s”.") % {"kind": checklist.get_kind_display()}
        )
    if not checklist.is_active:
        raise ApplicationError(fields={"checklist": [_("This checklist is retired.")]})
    now = timezone.now()
    finished_at = _moment(finished_at, "finished_at") or now
    started_at = _moment(started_at, "started_at") or finished_at
    errors: dict[str, list[str]] = {}
    if finished_at > now + dt.timedelta(minutes=5):
        errors["finished_at"] = [_("This time is in the future.")]
    if started_at > finished_at:
        errors["started_at"] = [_("The walk starts after it finishes.")]
    elif finished_at - started_at > dt.timedelta(hours=12):
        errors["started_at"] = [_("A walk lasts at most 12 hours.")]
    items: Mapping[int, ChecklistItem] = {i.pk: i for i in checklist.items.all()}
    seen: set[int] = set()
    for result in results:
        if result.item not in items:
            errors["results"] = [
                _("Item %(item)s is not on this checklist.") % {"item": result.item}
            ]
            break
        if result.item in seen:
            errors["results"] = [
                _("“%(item)s” is answered twice.") % {"item": items[result.item].name}
            ]
            break
        seen.add(result.item)
        if not result.ok and not (result.note or "").strip():
            errors.setdefault("results", []).append(
                _("Say what is wrong with “%(item)s”.") % {"item": items[result.item].name}
            )
        if len((result.note or "").strip()) > 200:
            errors["results"] = [_("A note has at most 200 characters.")]
        if result.photo is not None and (result.photo.size or 0) > settings.MAX_UPLOAD_BYTES:
            errors["results"] = [
                _("The file is larger than %(mb)d MB.")
                % {"mb": settings.MAX_UPLOAD_BYTES // (1024 * 1024)}
            ]
    if not errors and seen != set(items):
        missing = [i.name for pk, i in items.items() if pk not in seen]
        errors["results"] = [_("Not answered: %(items)s.") % {"items": ", ".join(missing)}]
    if errors:
        raise ApplicationError(fields=errors)
    run = InspectionRun.objects.create(
        project_id=checklist.project_id,
        checklist=checklist,
        walked_by=by,
        started_at=started_at,
        finished_at=finished_at,
        failed_count=sum(1 for r in results if not r.ok),
    )
    saved = []
    for result in results:
        row = InspectionResult(
            run=run, item=items[result.item], ok=bool(result.ok), note=(result.note or "").strip()
        )
        if result.photo is not None:
            row.photo = result.photo
        row.save()
        saved.append(row)
    if can_register(by):
        for row in saved:
            if not row.ok:
                _rectify(row, run, by)
    return run


@transaction.atomic
def inspection_rectify(*, run: InspectionRun, by: Any) -> list[Ticket]:
    """Open the rectification orders of a run's failed items that have none yet (the desk,
    for a walk recorded by someone who may not register orders)."""
    locked = InspectionRun.objects.select_for_update().select_related("checklist", "walked_by")
    run = locked.get(pk=run.pk)
    if not may(by, RECORD, "rectify") or not can_register(by):
        raise ApplicationError(_("Your role may not open rectification orders."))
    if not can_access_project(by, run.project_id):
        raise ApplicationError(fields={"run": [_("Not found in your projects.")]})
    waiting = list(
        run.results.filter(ok=False, ticket__isnull=True).select_related("item").order_by("id")
    )
    if not waiting:
        raise ApplicationError(_("Every failed item has its rectification order already."))
    return [_rectify(row, run, by) for row in waiting]
