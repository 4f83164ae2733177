"""Shapes of the household file in the API.

Output serializers (`...Serializer`) render rows; input serializers
(`...InputSerializer`) check the shape of a request and hand plain values to
`residents.services`, which runs the workflow. Phones and ID numbers are
masked for roles without the matching permission (`frontdesk.core.masking`).
Every related id a client sends is looked up within the client's projects
only: an id of another project is refused on its field like an unknown one.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Model, QuerySet
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from frontdesk.core.household_flags import household_flags
from frontdesk.core.masking import id_number_for, phone_for
from frontdesk.core.models import Project
from frontdesk.core.scoping import projects_for, scope

from ..choices import CardStatus, ChecklistCondition, DecorationStatus, IdType
from ..models import (
    Attachment,
    Building,
    Card,
    ChangeRecord,
    Decoration,
    DecorationInspection,
    DecorationWorkerPass,
    Household,
    MoveIn,
    Note,
    Person,
    Unit,
    Vehicle,
)
from ..services import PERSON_FIELDS
from ..validators import validate_resident_id

# A related id is typed, never picked from a list of the whole table.
RAW_ID = {"base_template": "input.html", "input_type": "number"}

# --- Fields ----------------------------------------------------------------


def _user(serializer_field: serializers.Field) -> Any:
    """The requesting user; without a request, an anonymous one (who sees everything masked)."""
    request = serializer_field.context.get("request")
    return getattr(request, "user", None) or AnonymousUser()


class ScopedPrimaryKeyRelatedField(serializers.PrimaryKeyRelatedField):
    """A related id looked up within the requesting user's projects.

    `project_path` is the lookup from the related model to its project. An id
    of another project gets the same message as one that does not exist.
    """

    default_error_messages = {
        "does_not_exist": _("There is no such record with id {pk_value} in your projects."),
        "incorrect_type": _("Enter the id as a whole number."),
    }

    def __init__(self, *, project_path: str = "project", **kwargs: Any) -> None:
        self.project_path = project_path
        kwargs.setdefault("style", RAW_ID)
        super().__init__(**kwargs)

    def get_queryset(self) -> QuerySet[Any]:
        queryset = super().get_queryset()
        return scope(queryset, _user(self), self.project_path)


class ScopedProjectField(ScopedPrimaryKeyRelatedField):
    """A project id, among the projects the user works in."""

    def get_queryset(self) -> QuerySet[Any]:
        return projects_for(_user(self))


@extend_schema_field(
    {"type": "string", "description": "Shown as 138****5678 to roles that may not see phones."}
)
class MaskedPhoneField(serializers.CharField):
    """A phone number, masked for users without `residents.view_phone`."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("read_only", True)
        super().__init__(**kwargs)

    def to_representation(self, value: Any) -> str:
        return phone_for(_user(self), str(value or ""))


@extend_schema_field(
    {
        "type": "string",
        "description": "Shown as 110101********1234 to roles that may not see ID numbers.",
    }
)
class MaskedIdNumberField(serializers.CharField):
    """An ID number, masked for users without `residents.view_id_number`."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("read_only", True)
        super().__init__(**kwargs)

    def to_representation(self, value: Any) -> str:
        return id_number_for(_user(self), str(value or ""))


def _username(user: Model | None) -> str:
    if user is None:
        return ""
    return user.get_full_name() or user.get_username()  # type: ignore[attr-defined]


# A row as the API shows it: every field read-only (writes have input serializers).
# A comment, not a docstring: the schema would repeat a docstring on every subclass.
class OutputSerializer(serializers.ModelSerializer):
    def get_fields(self) -> dict[str, serializers.Field]:
        fields = super().get_fields()
        for field in fields.values():
            field.read_only = True
        return fields


# --- Projects and the estate ----------------------------------------------------------------


class ProjectSerializer(OutputSerializer):
    class Meta:
        model = Project
        fields = ["id", "code", "name", "address", "phone", "is_active"]


class BuildingSerializer(OutputSerializer):
    butler_name = serializers.SerializerMethodField(label=_("Butler"))

    class Meta:
        model = Building
        fields = ["id", "project", "number", "name", "floors", "butler", "butler_name"]

    def get_butler_name(self, building: Building) -> str:
        return _username(building.butler)


class BuildingInputSerializer(serializers.Serializer):
    project = ScopedProjectField(label=_("Project"), queryset=Project.objects.all())
    number = serializers.CharField(label=_("Number"), max_length=20)
    name = serializers.CharField(
        label=_("Name"), max_length=50, required=False, allow_blank=True, default=""
    )
    floors = serializers.IntegerField(label=_("Floors"), min_value=1, max_value=200, default=1)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        number = attrs["number"].strip()
        if Building.objects.filter(project=attrs["project"], number=number).exists():
            raise serializers.ValidationError(
                {"number": [_("This project already has a building %(n)s.") % {"n": number}]}
            )
        return attrs


class BuildingUpdateSerializer(serializers.ModelSerializer):
    # Staff of the user's own projects; the service checks the building's project.
    butler = ScopedPrimaryKeyRelatedField(
        label=_("Butler"),
        queryset=get_user_model().objects.filter(is_active=True).distinct(),
        project_path="memberships__project",
        allow_null=True,
        required=False,
        help_text=_("Staff user id; the butler must work in the building's project."),
    )

    class Meta:
        model = Building
        fields = ["name", "floors", "butler"]
        extra_kwargs = {"floors": {"min_value": 1}}


class UnitSerializer(OutputSerializer):
    building_number = serializers.CharField(
        label=_("Building number"), source="building.number", read_only=True
    )

    class Meta:
        model = Unit
        fields = [
            "id",
            "project",
            "building",
            "building_number",
            "number",
            "code",
            "floor",
            "floor_area",
            "unit_type",
            "status",
        ]


class UnitInputSerializer(serializers.ModelSerializer):
    building = ScopedPrimaryKeyRelatedField(label=_("Building"), queryset=Building.objects.all())

    class Meta:
        model = Unit
        fields = ["building", "number", "floor", "floor_area", "unit_type"]
        extra_kwargs = {"floor_area": {"min_value": Decimal("0.01")}}
        # The database constraint is checked below with a message on the number.
        validators: list[Any] = []

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        number = attrs["number"].strip()
        building = attrs["building"]
        if Unit.objects.filter(building=building, number=number).exists():
            raise serializers.ValidationError(
                {
                    "number": [
                        _("Building %(b)s already has a unit %(n)s.")
                        % {"b": building.number, "n": number}
                    ]
                }
            )
        return attrs


class UnitUpdateSerializer(serializers.ModelSerializer):
    class Meta:
        model = Unit
        fields = ["floor", "floor_area", "unit_type"]
        extra_kwargs = {"floor_area": {"min_value": Decimal("0.01")}}


# --- Persons ----------------------------------------------------------------


class PersonSerializer(OutputSerializer):
    phone = MaskedPhoneField(label=_("Phone"))
    id_number = MaskedIdNumberField(label=_("ID number"))

    class Meta:
        model = Person
        fields = [
            "id",
            "project",
            "household",
            "role",
            "name",
            "phone",
            "id_type",
            "id_number",
            "gender",
            "is_primary",
            "notes",
            "is_active",
        ]


class RevealedIdNumberSerializer(serializers.Serializer):
    """A person's ID number in full, as the audited "show" action answers it."""

    id = serializers.IntegerField(label=_("Person"))
    id_number = serializers.CharField(label=_("ID number"))


class PersonDataSerializer(serializers.ModelSerializer):
    """A person's own fields, with the phone format and the ID check digit checked."""

    class Meta:
        model = Person
        fields = sorted(PERSON_FIELDS)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        id_type = attrs.get("id_type", getattr(self.instance, "id_type", IdType.RESIDENT_ID))
        id_number = (attrs.get("id_number") or "").strip().upper()
        if id_number and id_type == IdType.RESIDENT_ID:
            try:
                validate_resident_id(id_number)
            except DjangoValidationError as error:
                raise serializers.ValidationError({"id_number": error.messages}) from error
        return attrs

    def to_representation(self, instance: Person) -> dict[str, Any]:
        # The browsable API pre-fills its edit form with this: mask it as GET does.
        data = super().to_representation(instance)
        user = _user(self)
        data["phone"] = phone_for(user, data.get("phone") or "")
        data["id_number"] = id_number_for(user, data.get("id_number") or "")
        return data


class PersonInputSerializer(PersonDataSerializer):
    household = ScopedPrimaryKeyRelatedField(label=_("Household"), queryset=Household.objects.all())

    class Meta(PersonDataSerializer.Meta):
        fields = ["household", *sorted(PERSON_FIELDS)]


class PersonUpdateSerializer(PersonDataSerializer):
    pass


class MainContactSerializer(serializers.Serializer):
    id = serializers.IntegerField(label=_("ID"), read_only=True)
    name = serializers.CharField(label=_("Name"), read_only=True)
    phone = MaskedPhoneField(label=_("Phone"))


# --- Vehicles and cards ----------------------------------------------------------------


class VehicleSerializer(OutputSerializer):
    class Meta:
        model = Vehicle
        fields = [
            "id",
            "project",
            "household",
            "plate",
            "description",
            "parking_space",
            "is_active",
        ]


class VehicleUpdateSerializer(serializers.ModelSerializer):
    class Meta:
        model = Vehicle
        fields = ["description", "parking_space", "is_active"]


def _plate(value: str) -> str:
    return value.upper().replace(" ", "").replace("·", "")


class VehicleInputSerializer(serializers.ModelSerializer):
    household = ScopedPrimaryKeyRelatedField(label=_("Household"), queryset=Household.objects.all())

    class Meta:
        model = Vehicle
        fields = ["household", "plate", "description", "parking_space"]
        validators: list[Any] = []

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        plate = _plate(attrs["plate"])
        household = attrs["household"]
        taken = Vehicle.objects.filter(project_id=household.project_id, plate=plate, is_active=True)
        if taken.exists():
            raise serializers.ValidationError(
                {"plate": [_("A vehicle with this plate is already registered.")]}
            )
        return attrs


class CardSerializer(OutputSerializer):
    holder_name = serializers.CharField(
        label=_("Holder"), source="holder.name", read_only=True, default=""
    )
    vehicle_plate = serializers.CharField(
        label=_("Licence plate"), source="vehicle.plate", read_only=True, default=""
    )

    class Meta:
        model = Card
        fields = [
            "id",
            "project",
            "household",
            "kind",
            "number",
            "holder",
            "holder_name",
            "vehicle",
            "vehicle_plate",
            "status",
            "issued_on",
            "returned_on",
        ]


class CardInputSerializer(serializers.ModelSerializer):
    household = ScopedPrimaryKeyRelatedField(label=_("Household"), queryset=Household.objects.all())
    holder = ScopedPrimaryKeyRelatedField(
        label=_("Holder"), queryset=Person.objects.all(), required=False, allow_null=True
    )
    vehicle = ScopedPrimaryKeyRelatedField(
        label=_("Vehicle"), queryset=Vehicle.objects.all(), required=False, allow_null=True
    )

    class Meta:
        model = Card
        fields = ["household", "kind", "number", "holder", "vehicle", "issued_on"]
        validators: list[Any] = []

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        household = attrs["household"]
        taken = Card.objects.filter(
            project_id=household.project_id,
            kind=attrs["kind"],
            number=attrs["number"].strip(),
            status=CardStatus.ACTIVE,
        )
        if taken.exists():
            raise serializers.ValidationError(
                {"number": [_("A card with this number is already active.")]}
            )
        return attrs


class CardStatusSerializer(serializers.Serializer):
    status = serializers.ChoiceField(label=_("Status"), choices=CardStatus.choices)
    on = serializers.DateField(
        label=_("On"), help_text=_("The day the card was returned or reported lost.")
    )


# --- Households ----------------------------------------------------------------


class HouseholdSerializer(OutputSerializer):
    unit_code = serializers.CharField(label=_("Unit code"), source="unit.code", read_only=True)
    building = serializers.IntegerField(
        label=_("Building"), source="unit.building_id", read_only=True
    )
    is_current = serializers.BooleanField(label=_("Current household"), read_only=True)
    main_contact = serializers.SerializerMethodField(label=_("Main contact"))

    class Meta:
        model = Household
        fields = [
            "id",
            "project",
            "unit",
            "unit_code",
            "building",
            "file_number",
            "moved_in_on",
            "moved_out_on",
            "is_current",
            "main_contact",
            "notes",
            "created_at",
            "updated_at",
        ]

    @extend_schema_field(MainContactSerializer(allow_null=True))
    def get_main_contact(self, household: Household) -> dict[str, Any] | None:
        # Uses the prefetched persons: no query per row.
        people = [p for p in household.persons.all() if p.is_active]
        if not people:
            return None
        contact = next((p for p in people if p.is_primary), people[0])
        return MainContactSerializer(contact, context=self.context).data


class MoveInSerializer(OutputSerializer):
    handled_by_name = serializers.SerializerMethodField(label=_("Handled by"))

    class Meta:
        model = MoveIn
        fields = [
            "id",
            "project",
            "household",
            "keys_handed",
            "key_notes",
            "water_reading",
            "electricity_reading",
            "gas_reading",
            "checklist",
            "signed_on",
            "handled_by",
            "handled_by_name",
            "created_at",
        ]

    def get_handled_by_name(self, record: MoveIn) -> str:
        return _username(record.handled_by)


class HouseholdFlagSerializer(serializers.Serializer):
    code = serializers.CharField(
        help_text="important, repeated_complaints, dissatisfied, arrears (apps may add more)"
    )
    label = serializers.CharField()
    detail = serializers.CharField()
    severity = serializers.ChoiceField(choices=["alert", "warn", "info"])


class HouseholdDetailSerializer(HouseholdSerializer):
    """A household with the people, vehicles, cards and move-in record of its file."""

    persons = PersonSerializer(label=_("Persons"), many=True, read_only=True)
    vehicles = VehicleSerializer(label=_("Vehicles"), many=True, read_only=True)
    cards = CardSerializer(label=_("Cards"), many=True, read_only=True)
    move_in = serializers.SerializerMethodField(label=_("Move-in record"))
    flags = serializers.SerializerMethodField(label=_("Household alerts"))

    class Meta(HouseholdSerializer.Meta):
        fields = [
            *HouseholdSerializer.Meta.fields,
            "persons",
            "vehicles",
            "cards",
            "move_in",
            "flags",
        ]

    @extend_schema_field(HouseholdFlagSerializer(many=True))
    def get_flags(self, household: Household) -> list[dict[str, Any]]:
        """What the desk must see at once: important customer, repeated complaints,
        dissatisfied at the last callback, arrears."""
        flags = household_flags(household.pk, user=_user(self))
        return HouseholdFlagSerializer(flags, many=True).data

    @extend_schema_field(MoveInSerializer(allow_null=True))
    def get_move_in(self, household: Household) -> dict[str, Any] | None:
        try:
            record = household.move_in
        except MoveIn.DoesNotExist:
            return None
        return MoveInSerializer(record, context=self.context).data


class HouseholdMoveInSerializer(serializers.Serializer):
    """Open a household's file: the unit it moves into and the people living there."""

    unit = ScopedPrimaryKeyRelatedField(label=_("Unit"), queryset=Unit.objects.all())
    moved_in_on = serializers.DateField(label=_("Moved in on"))
    notes = serializers.CharField(label=_("Notes"), required=False, allow_blank=True, default="")
    persons = PersonDataSerializer(label=_("Persons"), many=True, required=False, default=list)


class HouseholdUpdateSerializer(serializers.ModelSerializer):
    class Meta:
        model = Household
        fields = ["moved_in_on", "notes"]


class HouseholdMoveOutSerializer(serializers.Serializer):
    moved_out_on = serializers.DateField(label=_("Moved out on"))


class HouseholdImportantSerializer(serializers.Serializer):
    important = serializers.BooleanField(
        label=_("important customer"), help_text="true marks, false clears the mark."
    )
    note = serializers.CharField(label=_("Why"), max_length=200)


# --- Move-in records ---


class ChecklistItemSerializer(serializers.Serializer):
    item = serializers.CharField(label=_("Item"), max_length=100)
    condition = serializers.ChoiceField(label=_("Condition"), choices=ChecklistCondition.choices)
    note = serializers.CharField(label=_("Note"), required=False, allow_blank=True, max_length=200)


class MoveInDataSerializer(serializers.ModelSerializer):
    checklist = ChecklistItemSerializer(
        label=_("Facilities handover checklist"), many=True, required=False
    )

    class Meta:
        model = MoveIn
        fields = [
            "keys_handed",
            "key_notes",
            "water_reading",
            "electricity_reading",
            "gas_reading",
            "checklist",
            "signed_on",
        ]
        extra_kwargs = {
            "water_reading": {"min_value": 0},
            "electricity_reading": {"min_value": 0},
            "gas_reading": {"min_value": 0},
        }


class MoveInInputSerializer(MoveInDataSerializer):
    household = ScopedPrimaryKeyRelatedField(label=_("Household"), queryset=Household.objects.all())

    class Meta(MoveInDataSerializer.Meta):
        fields = ["household", *MoveInDataSerializer.Meta.fields]

    def validate_household(self, household: Household) -> Household:
        if MoveIn.objects.filter(household=household).exists():
            raise serializers.ValidationError(
                _("This household already has a move-in record; correct it instead.")
            )
        return household


# --- Decoration ----------------------------------------------------------------


class WorkerPassSerializer(OutputSerializer):
    phone = MaskedPhoneField(label=_("Phone"))
    id_number = MaskedIdNumberField(label=_("ID number"))

    class Meta:
        model = DecorationWorkerPass
        fields = ["id", "pass_number", "name", "phone", "id_number", "valid_until", "returned_on"]


class InspectionSerializer(OutputSerializer):
    inspector_name = serializers.SerializerMethodField(label=_("Inspector"))

    class Meta:
        model = DecorationInspection
        fields = ["id", "kind", "inspected_on", "inspector", "inspector_name", "result", "notes"]

    def get_inspector_name(self, inspection: DecorationInspection) -> str:
        return _username(inspection.inspector)


class DecorationSerializer(OutputSerializer):
    contractor_phone = MaskedPhoneField(label=_("Contractor phone"))
    unit_code = serializers.CharField(
        label=_("Unit code"), source="household.unit.code", read_only=True
    )
    worker_passes = WorkerPassSerializer(label=_("Worker passes"), many=True, read_only=True)
    inspections = InspectionSerializer(label=_("Inspections"), many=True, read_only=True)

    class Meta:
        model = Decoration
        fields = [
            "id",
            "project",
            "household",
            "unit_code",
            "applied_on",
            "description",
            "contractor",
            "contractor_phone",
            "planned_start",
            "planned_end",
            "deposit",
            "status",
            "created_by",
            "worker_passes",
            "inspections",
        ]


class DecorationInputSerializer(serializers.ModelSerializer):
    household = ScopedPrimaryKeyRelatedField(label=_("Household"), queryset=Household.objects.all())

    class Meta:
        model = Decoration
        fields = [
            "household",
            "applied_on",
            "description",
            "contractor",
            "contractor_phone",
            "planned_start",
            "planned_end",
            "deposit",
        ]
        extra_kwargs = {"deposit": {"min_value": 0}}

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if attrs["planned_end"] < attrs["planned_start"]:
            raise serializers.ValidationError(
                {"planned_end": [_("The planned end is before the planned start.")]}
            )
        return attrs


class DecorationStatusSerializer(serializers.Serializer):
    status = serializers.ChoiceField(label=_("Status"), choices=DecorationStatus.choices)


class WorkerPassInputSerializer(serializers.ModelSerializer):
    class Meta:
        model = DecorationWorkerPass
        fields = ["name", "phone", "id_number", "valid_until"]


class WorkerPassReturnSerializer(serializers.Serializer):
    returned_on = serializers.DateField(label=_("Returned on"))


class InspectionInputSerializer(serializers.ModelSerializer):
    class Meta:
        model = DecorationInspection
        fields = ["kind", "inspected_on", "result", "notes"]


# --- Attachments, notes, history ----------------------------------------------------------------


class AttachmentSerializer(OutputSerializer):
    """An attachment; its content is fetched from `download_url`, which checks the project."""

    uploaded_by_name = serializers.SerializerMethodField(label=_("Uploaded by"))
    file_name = serializers.SerializerMethodField(label=_("File name"))
    download_url = serializers.SerializerMethodField(label=_("Download"))

    class Meta:
        model = Attachment
        fields = [
            "id",
            "project",
            "household",
            "title",
            "file_name",
            "size",
            "download_url",
            "uploaded_by",
            "uploaded_by_name",
            "uploaded_at",
        ]

    def get_uploaded_by_name(self, attachment: Attachment) -> str:
        return _username(attachment.uploaded_by)

    def get_file_name(self, attachment: Attachment) -> str:
        return attachment.file.name.rsplit("/", 1)[-1]

    def get_download_url(self, attachment: Attachment) -> str:
        # Never the storage URL: media files are not served to the public.
        url = reverse("attachment-download", kwargs={"pk": attachment.pk})
        request = self.context.get("request")
        return request.build_absolute_uri(url) if request is not None else url


class AttachmentInputSerializer(serializers.Serializer):
    household = ScopedPrimaryKeyRelatedField(label=_("Household"), queryset=Household.objects.all())
    title = serializers.CharField(
        label=_("Title"), max_length=100, required=False, allow_blank=True, default=""
    )
    file = serializers.FileField(label=_("File"))


class NoteSerializer(OutputSerializer):
    author_name = serializers.SerializerMethodField(label=_("Author"))

    class Meta:
        model = Note
        fields = ["id", "project", "household", "author", "author_name", "text", "created_at"]

    def get_author_name(self, note: Note) -> str:
        return _username(note.author)


class NoteInputSerializer(serializers.Serializer):
    household = ScopedPrimaryKeyRelatedField(label=_("Household"), queryset=Household.objects.all())
    text = serializers.CharField(label=_("Text"), style={"base_template": "textarea.html"})


_MASKED_PHONE_FIELDS = {"phone", "contractor_phone"}


class ChangeRecordSerializer(OutputSerializer):
    actor_name = serializers.SerializerMethodField(label=_("By"))
    changes = serializers.SerializerMethodField(label=_("Changes"))

    class Meta:
        model = ChangeRecord
        fields = [
            "id",
            "project",
            "household",
            "at",
            "actor",
            "actor_name",
            "action",
            "subject",
            "subject_repr",
            "changes",
        ]

    def get_actor_name(self, record: ChangeRecord) -> str:
        # The name as it was written with the change, not as the account reads today.
        return record.author_name or _username(record.actor)

    @extend_schema_field(
        {
            "type": "object",
            "additionalProperties": {"type": "array", "items": {"type": "string"}},
            "description": "Field name to [old, new] as displayed; phones masked by role.",
        }
    )
    def get_changes(self, record: ChangeRecord) -> dict[str, Any]:
        user = _user(self)
        return {
            name: [phone_for(user, v) for v in values] if name in _MASKED_PHONE_FIELDS else values
            for name, values in (record.changes or {}).items()
        }
