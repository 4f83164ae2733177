"""One household, one file (一户一档): units, households and everything about them.

Every row carries its `project` (copied from the unit by the services), so
scoping a query to a user's projects is one indexed filter on every table.
Rows are written only by `residents.services`.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from frontdesk.core.models import Project

from .choices import (
    CardKind,
    CardStatus,
    ChangeAction,
    DecorationStatus,
    Gender,
    IdType,
    InspectionKind,
    InspectionResult,
    PersonRole,
    UnitStatus,
    UnitType,
)
from .validators import validate_phone, validate_plate, validate_resident_id

USER = settings.AUTH_USER_MODEL


# --- The estate -----------------------------------------------------------------


class Building(models.Model):
    """A building of a project, with the butler (贴心管家) who looks after it."""

    project = models.ForeignKey(
        Project, on_delete=models.PROTECT, related_name="buildings", verbose_name=_("project")
    )
    number = models.CharField(
        _("number"), max_length=20, help_text=_("As written on the building, e.g. 3 or A.")
    )
    name = models.CharField(_("name"), max_length=50, blank=True)
    floors = models.PositiveSmallIntegerField(_("floors"), default=1)
    butler = models.ForeignKey(
        USER,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="butler_buildings",
        verbose_name=_("butler"),
    )

    class Meta:
        ordering = ["project", "number"]
        verbose_name = _("building")
        verbose_name_plural = _("buildings")
        constraints = [
            models.UniqueConstraint(
                fields=["project", "number"],
                name="residents_building_number_unique",
                violation_error_message=_("This project already has a building with this number."),
            )
        ]

    def __str__(self) -> str:
        return self.name or _("Building %(number)s") % {"number": self.number}


class Unit(models.Model):
    """A unit (房屋) of a building. A unit has many households over time, one current."""

    project = models.ForeignKey(
        Project, on_delete=models.PROTECT, related_name="units", verbose_name=_("project")
    )
    building = models.ForeignKey(
        Building, on_delete=models.PROTECT, related_name="units", verbose_name=_("building")
    )
    number = models.CharField(_("unit number"), max_length=20)
    code = models.CharField(
        _("unit code"),
        max_length=48,
        editable=False,
        help_text=_("Building and unit number, e.g. 3-1502."),
    )
    floor = models.SmallIntegerField(_("floor"))
    floor_area = models.DecimalField(_("floor area (m²)"), max_digits=8, decimal_places=2)
    unit_type = models.CharField(
        _("type"), max_length=16, choices=UnitType.choices, default=UnitType.APARTMENT
    )
    status = models.CharField(
        _("status"), max_length=16, choices=UnitStatus.choices, default=UnitStatus.VACANT
    )

    class Meta:
        ordering = ["building__number", "number"]
        verbose_name = _("unit")
        verbose_name_plural = _("units")
        constraints = [
            models.UniqueConstraint(
                fields=["building", "number"],
                name="residents_unit_number_unique",
                violation_error_message=_("This building already has a unit with this number."),
            ),
            models.UniqueConstraint(
                fields=["project", "code"],
                name="residents_unit_code_unique",
                violation_error_message=_("This project already has a unit with this code."),
            ),
            models.CheckConstraint(
                condition=Q(floor_area__gt=0),
                name="residents_unit_area_positive",
                violation_error_message=_("The floor area must be greater than zero."),
            ),
        ]

    def __str__(self) -> str:
        return self.code

    def save(self, *args: object, **kwargs: object) -> None:
        self.code = f"{self.building.number}-{self.number}"
        self.project_id = self.building.project_id
        super().save(*args, **kwargs)  # type: ignore[arg-type]


# --- Households -----------------------------------------------------------------


class Household(models.Model):
    """The file (档案) of one household living in a unit from move-in to move-out.

    `file_number` is the move-in date plus a daily serial per project
    (20261122-003). A household that has moved out keeps its file; the unit
    then gets a new household.
    """

    project = models.ForeignKey(
        Project, on_delete=models.PROTECT, related_name="households", verbose_name=_("project")
    )
    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="households", verbose_name=_("unit")
    )
    file_number = models.CharField(_("file number"), max_length=20, editable=False)
    moved_in_on = models.DateField(_("moved in on"))
    moved_out_on = models.DateField(_("moved out on"), null=True, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["-id"]
        verbose_name = _("household")
        verbose_name_plural = _("households")
        permissions = [
            ("view_phone", _("Can see full phone numbers")),
            ("view_id_number", _("Can see full ID numbers")),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["project", "file_number"],
                name="residents_household_file_unique",
                violation_error_message=_("This file number is already in use."),
            ),
            models.UniqueConstraint(
                fields=["unit"],
                condition=Q(moved_out_on__isnull=True),
                name="residents_household_one_current_per_unit",
                violation_error_message=_(
                    "This unit already has a current household; record its move-out first."
                ),
            ),
            models.CheckConstraint(
                condition=Q(moved_out_on__isnull=True)
                | Q(moved_out_on__gte=models.F("moved_in_on")),
                name="residents_household_out_after_in",
                violation_error_message=_("The move-out date is before the move-in date."),
            ),
        ]
        indexes = [
            models.Index(fields=["project", "moved_out_on"], name="residents_hh_project_current")
        ]

    def __str__(self) -> str:
        return f"{self.unit.code} ({self.file_number})"

    @property
    def is_current(self) -> bool:
        return self.moved_out_on is None


class Person(models.Model):
    """An owner, tenant, member or emergency contact of a household.

    The ID number is stored in full and masked on screen and in the API for
    roles without `residents.view_id_number`.
    """

    project = models.ForeignKey(
        Project, on_delete=models.PROTECT, related_name="+", verbose_name=_("project")
    )
    household = models.ForeignKey(
        Household, on_delete=models.PROTECT, related_name="persons", verbose_name=_("household")
    )
    role = models.CharField(
        _("role"), max_length=16, choices=PersonRole.choices, default=PersonRole.OWNER
    )
    name = models.CharField(_("name"), max_length=50)
    phone = models.CharField(_("phone"), max_length=20, blank=True, validators=[validate_phone])
    id_type = models.CharField(
        _("ID type"), max_length=16, choices=IdType.choices, default=IdType.RESIDENT_ID
    )
    id_number = models.CharField(_("ID number"), max_length=30, blank=True)
    gender = models.CharField(
        _("gender"), max_length=8, choices=Gender.choices, blank=True, default=""
    )
    is_primary = models.BooleanField(_("main contact"), default=False)
    notes = models.CharField(_("notes"), max_length=200, blank=True)
    is_active = models.BooleanField(_("still listed"), default=True)

    class Meta:
        ordering = ["-is_primary", "id"]
        verbose_name = _("person")
        verbose_name_plural = _("persons")
        indexes = [
            models.Index(fields=["project", "name"], name="residents_person_name"),
            models.Index(fields=["project", "phone"], name="residents_person_phone"),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if self.id_number and self.id_type == IdType.RESIDENT_ID:
            self.id_number = self.id_number.upper()
            try:
                validate_resident_id(self.id_number)
            except ValidationError as error:
                raise ValidationError({"id_number": error.messages}) from error


class Vehicle(models.Model):
    """A vehicle of a household and the parking space it uses."""

    project = models.ForeignKey(
        Project, on_delete=models.PROTECT, related_name="+", verbose_name=_("project")
    )
    household = models.ForeignKey(
        Household, on_delete=models.PROTECT, related_name="vehicles", verbose_name=_("household")
    )
    plate = models.CharField(_("licence plate"), max_length=12, validators=[validate_plate])
    description = models.CharField(_("make and colour"), max_length=50, blank=True)
    parking_space = models.CharField(_("parking space"), max_length=20, blank=True)
    is_active = models.BooleanField(_("still registered"), default=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("vehicle")
        verbose_name_plural = _("vehicles")
        constraints = [
            models.UniqueConstraint(
                fields=["project", "plate"],
                condition=Q(is_active=True),
                name="residents_vehicle_plate_unique",
                violation_error_message=_(
                    "A vehicle with this plate is already registered in this project."
                ),
            )
        ]

    def __str__(self) -> str:
        return self.plate


class Card(models.Model):
    """An access, IC or parking card issued to a household."""

    project = models.ForeignKey(
        Project, on_delete=models.PROTECT, related_name="+", verbose_name=_("project")
    )
    household = models.ForeignKey(
        Household, on_delete=models.PROTECT, related_name="cards", verbose_name=_("household")
    )
    kind = models.CharField(_("kind"), max_length=16, choices=CardKind.choices)
    number = models.CharField(_("card number"), max_length=30)
    holder = models.ForeignKey(
        Person,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="cards",
        verbose_name=_("holder"),
    )
    vehicle = models.ForeignKey(
        Vehicle,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="cards",
        verbose_name=_("vehicle"),
    )
    status = models.CharField(
        _("status"), max_length=16, choices=CardStatus.choices, default=CardStatus.ACTIVE
    )
    issued_on = models.DateField(_("issued on"))
    returned_on = models.DateField(_("returned on"), null=True, blank=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("card")
        verbose_name_plural = _("cards")
        constraints = [
            models.UniqueConstraint(
                fields=["project", "kind", "number"],
                condition=Q(status="active"),
                name="residents_card_number_unique",
                violation_error_message=_(
                    "A card of this kind with this number is already active."
                ),
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.number}"


class MoveIn(models.Model):
    """The move-in (入伙) record: keys handed over, meter base readings, checklist, signature.

    `checklist` is a list of ``{"item": "...", "condition": "good|defect|missing", "note": "..."}``.
    """

    project = models.ForeignKey(
        Project, on_delete=models.PROTECT, related_name="+", verbose_name=_("project")
    )
    household = models.OneToOneField(
        Household, on_delete=models.PROTECT, related_name="move_in", verbose_name=_("household")
    )
    keys_handed = models.PositiveSmallIntegerField(_("keys handed over"), default=0)
    key_notes = models.CharField(_("keys"), max_length=200, blank=True)
    water_reading = models.DecimalField(
        _("water meter base"), max_digits=10, decimal_places=2, null=True, blank=True
    )
    electricity_reading = models.DecimalField(
        _("electricity meter base"), max_digits=10, decimal_places=2, null=True, blank=True
    )
    gas_reading = models.DecimalField(
        _("gas meter base"), max_digits=10, decimal_places=2, null=True, blank=True
    )
    checklist = models.JSONField(_("facilities handover checklist"), default=list, blank=True)
    signed_on = models.DateField(_("signed on"), null=True, blank=True)
    handled_by = models.ForeignKey(
        USER, on_delete=models.PROTECT, related_name="+", verbose_name=_("handled by")
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("move-in record")
        verbose_name_plural = _("move-in records")
        constraints = [
            models.CheckConstraint(
                condition=Q(water_reading__gte=0) | Q(water_reading__isnull=True),
                name="residents_movein_water_nonneg",
                violation_error_message=_("A meter reading cannot be negative."),
            ),
            models.CheckConstraint(
                condition=Q(electricity_reading__gte=0) | Q(electricity_reading__isnull=True),
                name="residents_movein_elec_nonneg",
                violation_error_message=_("A meter reading cannot be negative."),
            ),
            models.CheckConstraint(
                condition=Q(gas_reading__gte=0) | Q(gas_reading__isnull=True),
                name="residents_movein_gas_nonneg",
                violation_error_message=_("A meter reading cannot be negative."),
            ),
        ]

    def __str__(self) -> str:
        return str(self.household)


class Decoration(models.Model):
    """A decoration (装修) application, from application to final inspection."""

    project = models.ForeignKey(
        Project, on_delete=models.PROTECT, related_name="+", verbose_name=_("project")
    )
    household = models.ForeignKey(
        Household, on_delete=models.PROTECT, related_name="decorations", verbose_name=_("household")
    )
    applied_on = models.DateField(_("applied on"))
    description = models.TextField(_("scope of works"))
    contractor = models.CharField(_("contractor"), max_length=100, blank=True)
    contractor_phone = models.CharField(
        _("contractor phone"), max_length=20, blank=True, validators=[validate_phone]
    )
    planned_start = models.DateField(_("planned start"))
    planned_end = models.DateField(_("planned end"))
    deposit = models.DecimalField(_("deposit"), max_digits=10, decimal_places=2, default=0)
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=DecorationStatus.choices,
        default=DecorationStatus.APPLIED,
    )
    created_by = models.ForeignKey(
        USER, on_delete=models.PROTECT, related_name="+", verbose_name=_("registered by")
    )

    class Meta:
        ordering = ["-applied_on", "-id"]
        verbose_name = _("decoration application")
        verbose_name_plural = _("decoration applications")
        constraints = [
            models.CheckConstraint(
                condition=Q(planned_end__gte=models.F("planned_start")),
                name="residents_decoration_dates",
                violation_error_message=_("The planned end is before the planned start."),
            ),
            models.CheckConstraint(
                condition=Q(deposit__gte=0),
                name="residents_decoration_deposit_nonneg",
                violation_error_message=_("The deposit cannot be negative."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.household.unit.code} {self.applied_on}"


class DecorationWorkerPass(models.Model):
    """A pass (装修出入证) for one worker of a decoration."""

    decoration = models.ForeignKey(
        Decoration,
        on_delete=models.PROTECT,
        related_name="worker_passes",
        verbose_name=_("decoration"),
    )
    pass_number = models.CharField(_("pass number"), max_length=20)
    name = models.CharField(_("name"), max_length=50)
    phone = models.CharField(_("phone"), max_length=20, blank=True, validators=[validate_phone])
    id_number = models.CharField(_("ID number"), max_length=30, blank=True)
    valid_until = models.DateField(_("valid until"))
    returned_on = models.DateField(_("returned on"), null=True, blank=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("decoration worker pass")
        verbose_name_plural = _("decoration worker passes")
        constraints = [
            models.UniqueConstraint(
                fields=["decoration", "pass_number"],
                name="residents_worker_pass_unique",
                violation_error_message=_("This pass number is already used for this decoration."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.pass_number} {self.name}"


class DecorationInspection(models.Model):
    """An inspection of a decoration: routine, concealed works or final."""

    decoration = models.ForeignKey(
        Decoration,
        on_delete=models.PROTECT,
        related_name="inspections",
        verbose_name=_("decoration"),
    )
    kind = models.CharField(_("kind"), max_length=16, choices=InspectionKind.choices)
    inspected_on = models.DateField(_("inspected on"))
    inspector = models.ForeignKey(
        USER, on_delete=models.PROTECT, related_name="+", verbose_name=_("inspector")
    )
    result = models.CharField(_("result"), max_length=16, choices=InspectionResult.choices)
    notes = models.TextField(_("findings"), blank=True)

    class Meta:
        ordering = ["inspected_on", "id"]
        verbose_name = _("decoration inspection")
        verbose_name_plural = _("decoration inspections")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.inspected_on}"


class Attachment(models.Model):
    """A scanned document or photo kept in the household file."""

    project = models.ForeignKey(
        Project, on_delete=models.PROTECT, related_name="+", verbose_name=_("project")
    )
    household = models.ForeignKey(
        Household, on_delete=models.PROTECT, related_name="attachments", verbose_name=_("household")
    )
    file = models.FileField(_("file"), upload_to="households/%Y/%m/")
    title = models.CharField(_("title"), max_length=100)
    size = models.PositiveIntegerField(_("size (bytes)"), editable=False)
    uploaded_by = models.ForeignKey(
        USER, on_delete=models.PROTECT, related_name="+", verbose_name=_("uploaded by")
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    class Meta:
        ordering = ["-uploaded_at"]
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")

    def __str__(self) -> str:
        return self.title


class Note(models.Model):
    """A free-text note on a household, by a staff member."""

    project = models.ForeignKey(
        Project, on_delete=models.PROTECT, related_name="+", verbose_name=_("project")
    )
    household = models.ForeignKey(
        Household,
        on_delete=models.PROTECT,
        related_name="household_notes",
        verbose_name=_("household"),
    )
    author = models.ForeignKey(
        USER, on_delete=models.PROTECT, related_name="+", verbose_name=_("author")
    )
    text = models.TextField(_("text"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("note")
        verbose_name_plural = _("notes")

    def __str__(self) -> str:
        return self.text[:40]


class ChangeRecord(models.Model):
    """Who changed what in a household file, and when (append-only).

    `changes` maps a field name to ``[old, new]`` as displayed text.
    """

    project = models.ForeignKey(
        Project, on_delete=models.PROTECT, related_name="+", verbose_name=_("project")
    )
    household = models.ForeignKey(
        Household, on_delete=models.PROTECT, related_name="changes", verbose_name=_("household")
    )
    # Staff who leave are deactivated, never deleted; the name is kept as written too.
    actor = models.ForeignKey(
        USER, on_delete=models.PROTECT, null=True, related_name="+", verbose_name=_("by")
    )
    author_name = models.CharField(_("by (name)"), max_length=150, blank=True)
    at = models.DateTimeField(_("at"), auto_now_add=True)
    action = models.CharField(_("action"), max_length=16, choices=ChangeAction.choices)
    subject = models.CharField(_("record"), max_length=50)
    subject_repr = models.CharField(_("description"), max_length=200)
    changes = models.JSONField(_("changes"), default=dict, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("change record")
        verbose_name_plural = _("change records")
        indexes = [models.Index(fields=["household", "-at"], name="residents_change_household")]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.subject_repr}"


class ImportantMark(models.Model):
    """An important customer (重要客户) mark on a household, set or cleared by a supervisor
    or the manager with a note. Never edited: each setting or clearing is a new row, and the
    household's latest row says whether it is marked now."""

    project = models.ForeignKey(
        Project, on_delete=models.PROTECT, related_name="+", verbose_name=_("project")
    )
    household = models.ForeignKey(
        Household,
        on_delete=models.PROTECT,
        related_name="important_marks",
        verbose_name=_("household"),
    )
    important = models.BooleanField(_("important customer"))
    note = models.CharField(_("note"), max_length=200)
    set_by = models.ForeignKey(
        USER, on_delete=models.PROTECT, related_name="+", verbose_name=_("set by")
    )
    set_at = models.DateTimeField(_("set at"))

    class Meta:
        ordering = ["-set_at", "-id"]
        verbose_name = _("important-customer mark")
        verbose_name_plural = _("important-customer marks")
        indexes = [models.Index(fields=["household", "-id"], name="residents_mark_household")]

    def __str__(self) -> str:
        return f"{self.household_id}: {'+' if self.important else '-'} {self.note}"
