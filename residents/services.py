"""Writes to household files. Every change is validated first and recorded.

All functions are keyword-only and atomic: a refused request raises
`ApplicationError` and leaves nothing half-written (and consumes no file
number, since the daily serial is taken inside the same transaction).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, models, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from sequences import get_next_value

from frontdesk.core import audit
from frontdesk.core.errors import ApplicationError
from frontdesk.core.masking import can_view_id_number
from frontdesk.core.models import Membership, Project
from frontdesk.core.notifications import Topic, notify, users_with_role
from frontdesk.core.roles import Role, has_role
from frontdesk.core.scoping import can_access_project

from .choices import (
    CardStatus,
    ChangeAction,
    DecorationStatus,
    IdType,
    InspectionKind,
    InspectionResult,
    UnitStatus,
)
from .models import (
    Attachment,
    Building,
    Card,
    ChangeRecord,
    Decoration,
    DecorationInspection,
    DecorationWorkerPass,
    Household,
    ImportantMark,
    MoveIn,
    Note,
    Person,
    Unit,
    Vehicle,
)
from .validators import normalize_phone

# --- Helpers --------------------------------------------------------------------


def _display(instance: models.Model, field: models.Field[Any, Any]) -> str:
    value = getattr(instance, field.attname)
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if value is None:
        return ""
    return str(value)


def _snapshot(instance: models.Model) -> dict[str, str]:
    return {
        f.name: _display(instance, f)
        for f in instance._meta.concrete_fields
        if f.editable and not f.primary_key and f.name not in {"project", "household"}
    }


def _full_clean(instance: models.Model, *, exclude: Iterable[str] = ()) -> None:
    try:
        instance.full_clean(exclude=list(exclude), validate_constraints=True)
    except ValidationError as error:
        raise ApplicationError.from_validation_error(error) from error


def _author_name(actor: Any) -> str:
    """The name of who made a change, as it reads on the day (kept on the history row)."""
    if not getattr(actor, "pk", None):
        return ""
    return str(actor.get_full_name() or actor.get_username())[:150]


def record_change(
    *,
    household: Household,
    actor: Any,
    action: str,
    instance: models.Model,
    changes: Mapping[str, list[str]] | None = None,
) -> ChangeRecord:
    """Append one line to the household's history. Call inside the change's transaction."""
    return ChangeRecord.objects.create(
        project_id=household.project_id,
        household=household,
        actor=actor if getattr(actor, "pk", None) else None,
        author_name=_author_name(actor),
        action=action,
        subject=instance._meta.model_name or "",
        subject_repr=f"{instance._meta.verbose_name}: {instance}"[:200],
        changes=dict(changes or {}),
    )


def _update(
    instance: models.Model, data: Mapping[str, Any], *, allowed: Iterable[str]
) -> dict[str, list[str]]:
    """Set the allowed fields of `data` on `instance`; return ``{field: [old, new]}``."""
    allowed = set(allowed)
    unknown = set(data) - allowed
    if unknown:
        raise ApplicationError(
            fields={name: [_("This field cannot be changed here.")] for name in unknown}
        )
    before = _snapshot(instance)
    for name, value in data.items():
        setattr(instance, name, value)
    after = _snapshot(instance)
    return {name: [before[name], after[name]] for name in after if before.get(name) != after[name]}


# --- Buildings and units ----------------------------------------------------------


@transaction.atomic
def building_create(
    *, project: Project, number: str, name: str = "", floors: int = 1, butler: Any = None
) -> Building:
    building = Building(
        project=project, number=number.strip(), name=name, floors=floors, butler=butler
    )
    _full_clean(building)
    building.save()
    return building


@transaction.atomic
def unit_create(
    *,
    building: Building,
    number: str,
    floor: int,
    floor_area: Decimal,
    unit_type: str = "apartment",
    status: str = UnitStatus.VACANT,
) -> Unit:
    unit = Unit(
        building=building,
        project_id=building.project_id,
        number=number.strip(),
        code=f"{building.number}-{number.strip()}",
        floor=floor,
        floor_area=floor_area,
        unit_type=unit_type,
        status=status,
    )
    _full_clean(unit)
    unit.save()
    return unit


BUILDING_FIELDS = {"name", "floors", "butler"}


@transaction.atomic
def building_update(*, building: Building, data: Mapping[str, Any], by: Any) -> Building:
    """Rename a building, correct its floors, or hand it to another butler.

    The butler must work in the building's project.
    """
    butler = data.get("butler")
    if (
        butler is not None
        and not Membership.objects.filter(user=butler, project_id=building.project_id).exists()
    ):
        raise ApplicationError(
            fields={"butler": [_("The butler must be a staff member of this project.")]}
        )
    changes = _update(building, data, allowed=BUILDING_FIELDS)
    _full_clean(building)
    if changes:
        building.save()
    return building


UNIT_FIELDS = {"floor", "floor_area", "unit_type"}


@transaction.atomic
def unit_update(*, unit: Unit, data: Mapping[str, Any], by: Any) -> Unit:
    """Correct a unit's floor, floor area or type (its status follows move-in and decoration).

    The correction is written into the history of the unit's current household,
    since the floor area is what its fees are charged on.
    """
    changes = _update(unit, data, allowed=UNIT_FIELDS)
    _full_clean(unit)
    if changes:
        unit.save()
        current = Household.objects.filter(unit=unit, moved_out_on__isnull=True).first()
        if current is not None:
            record_change(
                household=current,
                actor=by,
                action=ChangeAction.UPDATED,
                instance=unit,
                changes=changes,
            )
    return unit


# --- Households -------------------------------------------------------------------


def next_file_number(*, project: Project, day: dt.date) -> str:
    """The next file number of the day: 20261122-003. Call inside the household's transaction."""
    serial = get_next_value(f"household-file:{project.pk}:{day:%Y%m%d}")
    return f"{day:%Y%m%d}-{serial:03d}"


def _person(household: Household, data: Mapping[str, Any]) -> Person:
    data = dict(data)
    if data.get("phone"):
        data["phone"] = normalize_phone(data["phone"])
    if data.get("id_number") and data.get("id_type", IdType.RESIDENT_ID) == IdType.RESIDENT_ID:
        data["id_number"] = data["id_number"].strip().upper()
    return Person(household=household, project_id=household.project_id, **data)


@transaction.atomic
def household_move_in(
    *,
    unit: Unit,
    moved_in_on: dt.date,
    persons: Iterable[Mapping[str, Any]] = (),
    notes: str = "",
    by: Any,
) -> Household:
    """Open the file of a household moving into `unit` (which must have no current household)."""
    unit = Unit.objects.select_for_update().get(pk=unit.pk)
    if Household.objects.filter(unit=unit, moved_out_on__isnull=True).exists():
        raise ApplicationError(
            fields={
                "unit": [
                    _("Unit %(unit)s already has a current household; record its move-out first.")
                    % {"unit": unit.code}
                ]
            }
        )
    persons = list(persons)
    household = Household(
        project_id=unit.project_id,
        unit=unit,
        moved_in_on=moved_in_on,
        notes=notes,
        file_number="pending",
    )
    _full_clean(household, exclude=["file_number"])
    people = [_person(household, p) for p in persons]
    errors: dict[str, list[str]] = {}
    for index, person in enumerate(people):
        try:
            person.full_clean(exclude=["household", "project"])
        except ValidationError as error:
            for field, messages in error.message_dict.items():
                errors[f"persons[{index}].{field}"] = messages
    if errors:
        raise ApplicationError(fields=errors)
    household.file_number = next_file_number(project=unit.project, day=moved_in_on)
    household.save()
    for person in people:
        person.household = household
        person.save()
    unit.status = UnitStatus.OCCUPIED
    unit.save(update_fields=["status"])
    record_change(household=household, actor=by, action=ChangeAction.MOVED_IN, instance=household)
    return household


@transaction.atomic
def household_move_out(*, household: Household, moved_out_on: dt.date, by: Any) -> Household:
    household = Household.objects.select_for_update().get(pk=household.pk)
    if household.moved_out_on is not None:
        raise ApplicationError(
            fields={"moved_out_on": [_("This household has already moved out.")]}
        )
    if moved_out_on < household.moved_in_on:
        raise ApplicationError(
            fields={"moved_out_on": [_("The move-out date is before the move-in date.")]}
        )
    household.moved_out_on = moved_out_on
    household.save(update_fields=["moved_out_on", "updated_at"])
    Unit.objects.filter(pk=household.unit_id).update(status=UnitStatus.VACANT)
    Card.objects.filter(household=household, status=CardStatus.ACTIVE).update(
        status=CardStatus.RETURNED, returned_on=moved_out_on
    )
    record_change(
        household=household,
        actor=by,
        action=ChangeAction.MOVED_OUT,
        instance=household,
        changes={"moved_out_on": ["", str(moved_out_on)]},
    )
    return household


@transaction.atomic
def household_update(*, household: Household, data: Mapping[str, Any], by: Any) -> Household:
    changes = _update(household, data, allowed={"notes", "moved_in_on"})
    _full_clean(household)
    if changes:
        household.save()
        record_change(
            household=household,
            actor=by,
            action=ChangeAction.UPDATED,
            instance=household,
            changes=changes,
        )
    return household


# --- Persons, vehicles, cards -------------------------------------------------------

PERSON_FIELDS = {
    "role",
    "name",
    "phone",
    "id_type",
    "id_number",
    "gender",
    "is_primary",
    "notes",
    "is_active",
}


@transaction.atomic
def person_add(*, household: Household, data: Mapping[str, Any], by: Any) -> Person:
    unknown = set(data) - PERSON_FIELDS
    if unknown:
        raise ApplicationError(fields={name: [_("Unknown field.")] for name in unknown})
    person = _person(household, data)
    _full_clean(person)
    person.save()
    record_change(household=household, actor=by, action=ChangeAction.ADDED, instance=person)
    return person


@transaction.atomic
def person_reveal_id_number(*, person: Person, by: Any, channel: str, source: str) -> str:
    """Show a person's ID number in full to `by`, and record who, when, whose and where from.

    Only a role with `residents.view_id_number` working in the person's project may;
    anyone else gets PermissionDenied and nothing is recorded.
    """
    if not can_view_id_number(by) or not can_access_project(by, person.project_id):
        raise PermissionDenied(_("Your role may not see ID numbers in full."))
    if not person.id_number:
        raise ApplicationError(fields={"id_number": [_("No ID number is on file.")]})
    audit.id_number_read(
        user=by,
        project_id=person.project_id,
        person_id=person.pk,
        person_name=person.name,
        channel=channel,
        source=source,
    )
    return str(person.id_number)


@transaction.atomic
def person_update(*, person: Person, data: Mapping[str, Any], by: Any) -> Person:
    data = dict(data)
    if "phone" in data and data["phone"]:
        data["phone"] = normalize_phone(data["phone"])
    changes = _update(person, data, allowed=PERSON_FIELDS)
    _full_clean(person)
    if changes:
        person.save()
        # The history never keeps a full ID number, whoever reads it later.
        if "id_number" in changes:
            changes["id_number"] = ["…", "…"]
        record_change(
            household=person.household,
            actor=by,
            action=ChangeAction.UPDATED,
            instance=person,
            changes=changes,
        )
    return person


@transaction.atomic
def vehicle_add(
    *, household: Household, plate: str, description: str = "", parking_space: str = "", by: Any
) -> Vehicle:
    vehicle = Vehicle(
        household=household,
        project_id=household.project_id,
        plate=plate.upper().replace(" ", "").replace("·", ""),
        description=description,
        parking_space=parking_space,
    )
    _full_clean(vehicle)
    vehicle.save()
    record_change(household=household, actor=by, action=ChangeAction.ADDED, instance=vehicle)
    return vehicle


VEHICLE_FIELDS = {"description", "parking_space", "is_active"}


@transaction.atomic
def vehicle_update(*, vehicle: Vehicle, data: Mapping[str, Any], by: Any) -> Vehicle:
    """Correct a vehicle, or take it off the register (`is_active=False`); it is never deleted."""
    changes = _update(vehicle, data, allowed=VEHICLE_FIELDS)
    _full_clean(vehicle)
    if changes:
        vehicle.save()
        record_change(
            household=vehicle.household,
            actor=by,
            action=ChangeAction.UPDATED,
            instance=vehicle,
            changes=changes,
        )
    return vehicle


@transaction.atomic
def card_issue(
    *,
    household: Household,
    kind: str,
    number: str,
    issued_on: dt.date,
    holder: Person | None = None,
    vehicle: Vehicle | None = None,
    by: Any,
) -> Card:
    if holder is not None and holder.household_id != household.pk:
        raise ApplicationError(fields={"holder": [_("The holder must belong to this household.")]})
    if vehicle is not None and vehicle.household_id != household.pk:
        raise ApplicationError(
            fields={"vehicle": [_("The vehicle must belong to this household.")]}
        )
    card = Card(
        household=household,
        project_id=household.project_id,
        kind=kind,
        number=number.strip(),
        issued_on=issued_on,
        holder=holder,
        vehicle=vehicle,
    )
    _full_clean(card)
    try:
        with transaction.atomic():
            card.save()
    except IntegrityError as error:
        raise ApplicationError(
            fields={"number": [_("A card with this number is already active.")]}
        ) from error
    record_change(household=household, actor=by, action=ChangeAction.ADDED, instance=card)
    return card


@transaction.atomic
def card_set_status(*, card: Card, status: str, on: dt.date, by: Any) -> Card:
    if status not in CardStatus.values:
        raise ApplicationError(fields={"status": [_("Unknown card status.")]})
    old = card.get_status_display()
    card.status = status
    card.returned_on = on if status != CardStatus.ACTIVE else None
    card.save(update_fields=["status", "returned_on"])
    record_change(
        household=card.household,
        actor=by,
        action=ChangeAction.UPDATED,
        instance=card,
        changes={"status": [str(old), str(card.get_status_display())]},
    )
    return card


# --- Move-in record ----------------------------------------------------------------

MOVEIN_FIELDS = {
    "keys_handed",
    "key_notes",
    "water_reading",
    "electricity_reading",
    "gas_reading",
    "checklist",
    "signed_on",
}


def _validate_checklist(checklist: Any) -> None:
    from .choices import ChecklistCondition

    if not isinstance(checklist, list):
        raise ApplicationError(fields={"checklist": [_("The checklist must be a list of items.")]})
    for index, row in enumerate(checklist):
        if not isinstance(row, dict) or not str(row.get("item", "")).strip():
            raise ApplicationError(
                fields={"checklist": [_("Item %(n)d has no name.") % {"n": index + 1}]}
            )
        if row.get("condition") not in ChecklistCondition.values:
            raise ApplicationError(
                fields={"checklist": [_("Item %(n)d has an unknown condition.") % {"n": index + 1}]}
            )


@transaction.atomic
def movein_record(*, household: Household, data: Mapping[str, Any], by: Any) -> MoveIn:
    """Create or correct the move-in record of a household."""
    unknown = set(data) - MOVEIN_FIELDS
    if unknown:
        raise ApplicationError(fields={name: [_("Unknown field.")] for name in unknown})
    if "checklist" in data:
        _validate_checklist(data["checklist"])
    record = MoveIn.objects.filter(household=household).first()
    if record is None:
        record = MoveIn(household=household, project_id=household.project_id, handled_by=by, **data)
        _full_clean(record)
        record.save()
        record_change(household=household, actor=by, action=ChangeAction.ADDED, instance=record)
        return record
    changes = _update(record, data, allowed=MOVEIN_FIELDS)
    _full_clean(record)
    if changes:
        record.save()
        record_change(
            household=household,
            actor=by,
            action=ChangeAction.UPDATED,
            instance=record,
            changes=changes,
        )
    return record


# --- Decoration ---------------------------------------------------------------------


@transaction.atomic
def decoration_apply(*, household: Household, data: Mapping[str, Any], by: Any) -> Decoration:
    decoration = Decoration(
        household=household, project_id=household.project_id, created_by=by, **data
    )
    _full_clean(decoration)
    decoration.save()
    record_change(household=household, actor=by, action=ChangeAction.ADDED, instance=decoration)
    return decoration


_DECORATION_MOVES = {
    DecorationStatus.APPLIED: {DecorationStatus.APPROVED, DecorationStatus.REJECTED},
    DecorationStatus.APPROVED: {DecorationStatus.IN_PROGRESS},
    DecorationStatus.IN_PROGRESS: {DecorationStatus.INSPECTED},
}


@transaction.atomic
def decoration_set_status(*, decoration: Decoration, status: str, by: Any) -> Decoration:
    allowed = _DECORATION_MOVES.get(DecorationStatus(decoration.status), set())
    if status not in allowed:
        raise ApplicationError(
            fields={
                "status": [
                    _("A decoration that is %(current)s cannot become %(new)s.")
                    % {
                        "current": decoration.get_status_display(),
                        "new": dict(DecorationStatus.choices).get(status, status),
                    }
                ]
            }
        )
    old = decoration.get_status_display()
    decoration.status = status
    decoration.save(update_fields=["status"])
    if status == DecorationStatus.IN_PROGRESS:
        Unit.objects.filter(pk=decoration.household.unit_id).update(status=UnitStatus.DECORATING)
    if status == DecorationStatus.INSPECTED:
        Unit.objects.filter(pk=decoration.household.unit_id).update(status=UnitStatus.OCCUPIED)
    record_change(
        household=decoration.household,
        actor=by,
        action=ChangeAction.UPDATED,
        instance=decoration,
        changes={"status": [str(old), str(decoration.get_status_display())]},
    )
    return decoration


@transaction.atomic
def decoration_pass_issue(
    *,
    decoration: Decoration,
    name: str,
    phone: str = "",
    id_number: str = "",
    valid_until: dt.date,
    by: Any,
) -> DecorationWorkerPass:
    if decoration.status not in {DecorationStatus.APPROVED, DecorationStatus.IN_PROGRESS}:
        raise ApplicationError(_("Worker passes are issued only for an approved decoration."))
    serial = get_next_value(f"decoration-pass:{decoration.pk}")
    worker_pass = DecorationWorkerPass(
        decoration=decoration,
        pass_number=f"{decoration.pk}-{serial:02d}",
        name=name,
        phone=normalize_phone(phone),
        id_number=id_number.strip().upper(),
        valid_until=valid_until,
    )
    _full_clean(worker_pass)
    worker_pass.save()
    record_change(
        household=decoration.household, actor=by, action=ChangeAction.ADDED, instance=worker_pass
    )
    return worker_pass


@transaction.atomic
def decoration_pass_return(
    *, worker_pass: DecorationWorkerPass, returned_on: dt.date, by: Any
) -> DecorationWorkerPass:
    """The worker hands the pass back at the desk; a pass is returned once."""
    if worker_pass.returned_on is not None:
        raise ApplicationError(fields={"returned_on": [_("This pass has already been returned.")]})
    worker_pass.returned_on = returned_on
    worker_pass.save(update_fields=["returned_on"])
    record_change(
        household=worker_pass.decoration.household,
        actor=by,
        action=ChangeAction.UPDATED,
        instance=worker_pass,
        changes={"returned_on": ["", str(returned_on)]},
    )
    return worker_pass


@transaction.atomic
def decoration_inspect(
    *,
    decoration: Decoration,
    kind: str,
    inspected_on: dt.date,
    result: str,
    notes: str = "",
    by: Any,
) -> DecorationInspection:
    if decoration.status not in {DecorationStatus.APPROVED, DecorationStatus.IN_PROGRESS}:
        raise ApplicationError(_("Only a decoration under way can be inspected."))
    inspection = DecorationInspection(
        decoration=decoration,
        kind=kind,
        inspected_on=inspected_on,
        inspector=by,
        result=result,
        notes=notes,
    )
    _full_clean(inspection)
    inspection.save()
    record_change(
        household=decoration.household, actor=by, action=ChangeAction.ADDED, instance=inspection
    )
    if kind == InspectionKind.FINAL and result == InspectionResult.PASSED:
        if decoration.status == DecorationStatus.APPROVED:
            decoration.status = DecorationStatus.IN_PROGRESS
        decoration_set_status(decoration=decoration, status=DecorationStatus.INSPECTED, by=by)
    return inspection


# --- Attachments and notes ---------------------------------------------------------


@transaction.atomic
def attachment_add(
    *, household: Household, file: UploadedFile[Any], title: str, by: Any
) -> Attachment:
    if file.size is None or file.size > settings.MAX_UPLOAD_BYTES:
        raise ApplicationError(
            fields={
                "file": [
                    _("The file is larger than %(mb)d MB.")
                    % {"mb": settings.MAX_UPLOAD_BYTES // (1024 * 1024)}
                ]
            }
        )
    attachment = Attachment(
        household=household,
        project_id=household.project_id,
        file=file,
        title=title or file.name or "",
        size=file.size,
        uploaded_by=by,
    )
    _full_clean(attachment)
    attachment.save()
    record_change(household=household, actor=by, action=ChangeAction.ADDED, instance=attachment)
    return attachment


@transaction.atomic
def note_add(*, household: Household, text: str, by: Any) -> Note:
    if not text.strip():
        raise ApplicationError(fields={"text": [_("Write the note.")]})
    note = Note(household=household, project_id=household.project_id, author=by, text=text.strip())
    note.save()
    return note


# --- Important customers ------------------------------------------------------------

# Who marks a household an important customer (重要客户), and clears the mark.
IMPORTANT_MARKERS = (Role.SUPERVISOR, Role.MANAGER)


def household_is_important(household: Household) -> bool:
    latest = household.important_marks.order_by("-id").values_list("important", flat=True)
    return bool(latest.first())


@transaction.atomic
def household_mark_important(
    *, household: Household, important: bool, note: str, by: Any
) -> ImportantMark:
    """Mark a household an important customer, or clear the mark, with a note saying why.

    Only a supervisor or the manager of the household's project may; the mark is a new row
    (the history keeps every setting and clearing), and the project's managers are told at
    once of a new important customer (major situations are reported to the manager).
    """
    if not has_role(by, *IMPORTANT_MARKERS):
        raise PermissionDenied(_("Only a supervisor or the manager marks important customers."))
    if not can_access_project(by, household.project_id):
        raise ApplicationError(fields={"household": [_("Not found in your projects.")]})
    household = Household.objects.select_for_update().get(pk=household.pk)
    note = (note or "").strip()
    if not note:
        raise ApplicationError(fields={"note": [_("Say why.")]})
    if household_is_important(household) == important:
        message = (
            _("This household is already an important customer.")
            if important
            else _("This household is not marked an important customer.")
        )
        raise ApplicationError(fields={"important": [message]})
    mark = ImportantMark.objects.create(
        project_id=household.project_id,
        household=household,
        important=important,
        note=note[:200],
        set_by=by,
        set_at=timezone.now(),
    )
    record_change(
        household=household,
        actor=by,
        action=ChangeAction.MARKED_IMPORTANT if important else ChangeAction.UNMARKED_IMPORTANT,
        instance=household,
        changes={"important": [note[:200]]},
    )
    if important:
        for manager in users_with_role(project=household.project_id, role=Role.MANAGER):
            if manager.pk == by.pk:
                continue
            notify(
                user=manager,
                topic=Topic.IMPORTANT_CUSTOMER,
                title=_("Important customer: %(unit)s") % {"unit": household.unit.code},
                body=note,
                url=reverse("household-file", args=[household.pk]),
                project=household.project_id,
            )
    return mark
