"""The household file in the API: thin viewsets over the selectors and services.

Every viewset is scoped to the user's projects (a row of another project is a
404), filtered by the one FilterSet of its model, paginated by cursor, and
never deletes: a household moves out, a card is returned, a person or a
vehicle is marked inactive. A write validates its shape with an input
serializer, runs the matching service, and answers with the row as GET shows
it.
"""

from __future__ import annotations

from typing import Any, ClassVar

from django.db.models import Model, Prefetch, QuerySet
from django.http import FileResponse
from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import permissions, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.serializers import BaseSerializer

from frontdesk.core.api.permissions import DeskModelPermissions
from frontdesk.core.api.views import ScopedModelViewSet
from frontdesk.core.models import Project, ReadChannel
from frontdesk.core.scoping import projects_for

from .. import filtersets, services
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
from . import serializers as s

# Reading any part of a household file needs the right to view households.
VIEW_FILE = ["residents.view_household"]
READ = {"list": VIEW_FILE, "retrieve": VIEW_FILE}


class FilePermissions(DeskModelPermissions):
    """What each action needs, from the viewset's `action_permissions` table.

    An action missing from the table falls back to the model permissions of
    the request's method.
    """

    def has_permission(self, request: Request, view: Any) -> bool:
        user = request.user
        if not user or not user.is_authenticated:
            return False
        method = request.method.lower()
        routed = getattr(view, "action_map", None) or {}
        if method not in view.http_method_names or (
            method != "options" and routed and method not in routed
        ):
            return True  # the view answers 405: nothing is deleted here, by anyone
        needed = getattr(view, "action_permissions", {}).get(getattr(view, "action", None))
        if needed is None:
            return super().has_permission(request, view)
        return bool(user.has_perms(needed))


class FileViewSet(ScopedModelViewSet):
    """Base of the household file's viewsets: read, create through a service, no delete.

    `input_serializer_classes` maps an action to the serializer of its request
    body; every response is drawn with `serializer_class` (or
    `detail_serializer_class` for one row).
    """

    permission_classes = [FilePermissions]
    http_method_names = ["get", "post", "head", "options"]
    ordering_fields = ["id"]
    action_permissions: ClassVar[dict[str, list[str]]] = READ
    input_serializer_classes: ClassVar[dict[str, type[BaseSerializer[Any]]]] = {}
    detail_serializer_class: ClassVar[type[BaseSerializer[Any]] | None] = None

    def get_serializer_class(self) -> type[BaseSerializer[Any]]:
        action = self.action
        if action == "metadata" and self.request is not None:
            # OPTIONS describes each write with the request method's own serializer.
            action = getattr(self, "action_map", {}).get(self.request.method.lower(), action)
        if action in self.input_serializer_classes:
            return self.input_serializer_classes[action]
        if action != "list" and self.detail_serializer_class is not None:
            return self.detail_serializer_class
        return self.serializer_class

    def output(self, instance: Model, *, status_code: int = status.HTTP_200_OK) -> Response:
        """The row as GET shows it, read back through the viewset's queryset."""
        fresh = self.get_queryset().get(pk=instance.pk)
        serializer_class = self.detail_serializer_class or self.serializer_class
        data = serializer_class(fresh, context=self.get_serializer_context()).data
        return Response(data, status=status_code)

    def valid_input(self, request: Request, instance: Model | None = None) -> dict[str, Any]:
        serializer = self.get_serializer(instance, data=request.data, partial=instance is not None)
        serializer.is_valid(raise_exception=True)
        return dict(serializer.validated_data)

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        instance = self.perform_service_create(self.valid_input(request))
        return self.output(instance, status_code=status.HTTP_201_CREATED)

    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        instance = self.get_object()
        instance = self.perform_service_update(instance, self.valid_input(request, instance))
        return self.output(instance)

    def perform_service_create(self, data: dict[str, Any]) -> Model:
        raise NotImplementedError

    def perform_service_update(self, instance: Any, data: dict[str, Any]) -> Model:
        raise NotImplementedError


def _writes(
    serializer: type[BaseSerializer[Any]],
    output: type[BaseSerializer[Any]],
    code: int = status.HTTP_200_OK,
    **extra: Any,
) -> Any:
    """Schema of a write: `serializer` in, the saved row (`output`) out."""
    return extend_schema(request=serializer, responses={code: output}, **extra)


def _creates(
    serializer: type[BaseSerializer[Any]], output: type[BaseSerializer[Any]], **extra: Any
) -> Any:
    return _writes(serializer, output, status.HTTP_201_CREATED, **extra)


# --- Projects ----------------------------------------------------------------


class ProjectViewSet(viewsets.ReadOnlyModelViewSet):
    """The projects the user works in."""

    serializer_class = s.ProjectSerializer
    permission_classes = [permissions.IsAuthenticated]
    filterset_class = filtersets.ProjectFilterSet
    ordering_fields = ["id"]

    def get_queryset(self) -> QuerySet[Project]:
        return projects_for(self.request.user)


# --- The estate ----------------------------------------------------------------


@extend_schema_view(
    create=_creates(s.BuildingInputSerializer, s.BuildingSerializer),
    partial_update=_writes(s.BuildingUpdateSerializer, s.BuildingSerializer),
)
class BuildingViewSet(FileViewSet):
    """Buildings of the user's projects, with their butler."""

    http_method_names = ["get", "post", "patch", "head", "options"]
    queryset = Building.objects.select_related("butler")
    serializer_class = s.BuildingSerializer
    filterset_class = filtersets.BuildingFilterSet
    input_serializer_classes = {
        "create": s.BuildingInputSerializer,
        "partial_update": s.BuildingUpdateSerializer,
    }
    action_permissions = {
        **READ,
        "create": ["residents.add_building"],
        "partial_update": ["residents.change_building"],
    }

    def perform_service_create(self, data: dict[str, Any]) -> Model:
        return services.building_create(**data)

    def perform_service_update(self, instance: Building, data: dict[str, Any]) -> Model:
        return services.building_update(building=instance, data=data, by=self.request.user)


@extend_schema_view(
    create=_creates(s.UnitInputSerializer, s.UnitSerializer),
    partial_update=_writes(s.UnitUpdateSerializer, s.UnitSerializer),
)
class UnitViewSet(FileViewSet):
    """Units; a new unit is created vacant, and its status follows move-in and decoration."""

    http_method_names = ["get", "post", "patch", "head", "options"]
    queryset = Unit.objects.select_related("building")
    serializer_class = s.UnitSerializer
    filterset_class = filtersets.UnitFilterSet
    input_serializer_classes = {
        "create": s.UnitInputSerializer,
        "partial_update": s.UnitUpdateSerializer,
    }
    action_permissions = {
        **READ,
        "create": ["residents.add_unit"],
        "partial_update": ["residents.change_unit"],
    }

    def perform_service_create(self, data: dict[str, Any]) -> Model:
        return services.unit_create(**data)

    def perform_service_update(self, instance: Unit, data: dict[str, Any]) -> Model:
        return services.unit_update(unit=instance, data=data, by=self.request.user)


# --- Households ----------------------------------------------------------------


@extend_schema_view(
    create=_creates(
        s.HouseholdMoveInSerializer,
        s.HouseholdDetailSerializer,
        summary="Move in: open the file of a household moving into a unit",
    ),
    partial_update=_writes(s.HouseholdUpdateSerializer, s.HouseholdDetailSerializer),
)
class HouseholdViewSet(FileViewSet):
    """Household files: create is a move-in, move-out closes the file."""

    http_method_names = ["get", "post", "patch", "head", "options"]
    queryset = Household.objects.select_related("unit")
    serializer_class = s.HouseholdSerializer
    detail_serializer_class = s.HouseholdDetailSerializer
    filterset_class = filtersets.HouseholdFilterSet
    input_serializer_classes = {
        "create": s.HouseholdMoveInSerializer,
        "partial_update": s.HouseholdUpdateSerializer,
        "move_out": s.HouseholdMoveOutSerializer,
        "important": s.HouseholdImportantSerializer,
    }
    action_permissions = {
        **READ,
        "create": ["residents.add_household"],
        "partial_update": ["residents.change_household"],
        "move_out": ["residents.change_household"],
        # Supervisors and the manager only: the service checks the role (403 otherwise).
        "important": ["residents.view_household"],
    }

    def get_queryset(self) -> QuerySet[Household]:
        queryset = super().get_queryset()
        if self.action == "list":
            return queryset.prefetch_related("persons")
        return queryset.select_related("move_in__handled_by").prefetch_related(
            "persons",
            "vehicles",
            Prefetch("cards", queryset=Card.objects.select_related("holder", "vehicle")),
        )

    def perform_service_create(self, data: dict[str, Any]) -> Model:
        return services.household_move_in(by=self.request.user, **data)

    def perform_service_update(self, instance: Household, data: dict[str, Any]) -> Model:
        return services.household_update(household=instance, data=data, by=self.request.user)

    @_writes(
        s.HouseholdMoveOutSerializer,
        s.HouseholdDetailSerializer,
        summary="Move out: close the household's file and free the unit",
    )
    @action(detail=True, methods=["post"], url_path="move-out")
    def move_out(self, request: Request, pk: str | None = None) -> Response:
        household = self.get_object()
        data = self.valid_input(request)
        household = services.household_move_out(household=household, by=request.user, **data)
        return self.output(household)

    @_writes(
        s.HouseholdImportantSerializer,
        s.HouseholdDetailSerializer,
        summary="Mark an important customer (重要客户), or clear the mark (supervisor, manager)",
    )
    @action(detail=True, methods=["post"], url_path="important")
    def important(self, request: Request, pk: str | None = None) -> Response:
        household = self.get_object()
        data = self.valid_input(request)
        services.household_mark_important(household=household, by=request.user, **data)
        return self.output(self.get_object())


# --- Persons, vehicles, cards ----------------------------------------------------------------


@extend_schema_view(
    create=_creates(s.PersonInputSerializer, s.PersonSerializer),
    partial_update=_writes(s.PersonUpdateSerializer, s.PersonSerializer),
)
class PersonViewSet(FileViewSet):
    """Owners, tenants, members and contacts; `is_active=false` takes a person off the file."""

    http_method_names = ["get", "post", "patch", "head", "options"]
    queryset = Person.objects.all()
    serializer_class = s.PersonSerializer
    filterset_class = filtersets.PersonFilterSet
    input_serializer_classes = {
        "create": s.PersonInputSerializer,
        "partial_update": s.PersonUpdateSerializer,
    }
    action_permissions = {
        "list": ["residents.view_person"],
        "retrieve": ["residents.view_person"],
        "create": ["residents.add_person"],
        "partial_update": ["residents.change_person"],
        "reveal_id_number": ["residents.view_person", "residents.view_id_number"],
    }

    def perform_service_create(self, data: dict[str, Any]) -> Model:
        household = data.pop("household")
        return services.person_add(household=household, data=data, by=self.request.user)

    @extend_schema(request=None, responses=s.RevealedIdNumberSerializer)
    @action(detail=True, methods=["post"], url_path="reveal-id-number", url_name="reveal-id-number")
    def reveal_id_number(self, request: Request, pk: str | None = None) -> Response:
        """The person's ID number in full (every other answer masks it); the read is recorded
        in the audit log the supervisor reads."""
        person = self.get_object()
        number = services.person_reveal_id_number(
            person=person, by=request.user, channel=ReadChannel.API, source=request.path
        )
        return Response({"id": person.pk, "id_number": number})

    def perform_service_update(self, instance: Person, data: dict[str, Any]) -> Model:
        return services.person_update(person=instance, data=data, by=self.request.user)


@extend_schema_view(
    create=_creates(s.VehicleInputSerializer, s.VehicleSerializer),
    partial_update=_writes(s.VehicleUpdateSerializer, s.VehicleSerializer),
)
class VehicleViewSet(FileViewSet):
    """Vehicles of households; `is_active=false` takes a vehicle off the register."""

    http_method_names = ["get", "post", "patch", "head", "options"]
    queryset = Vehicle.objects.all()
    serializer_class = s.VehicleSerializer
    filterset_class = filtersets.VehicleFilterSet
    input_serializer_classes = {
        "create": s.VehicleInputSerializer,
        "partial_update": s.VehicleUpdateSerializer,
    }
    action_permissions = {
        **READ,
        "create": ["residents.add_vehicle"],
        "partial_update": ["residents.change_vehicle"],
    }

    def perform_service_create(self, data: dict[str, Any]) -> Model:
        return services.vehicle_add(by=self.request.user, **data)

    def perform_service_update(self, instance: Vehicle, data: dict[str, Any]) -> Model:
        return services.vehicle_update(vehicle=instance, data=data, by=self.request.user)


@extend_schema_view(create=_creates(s.CardInputSerializer, s.CardSerializer))
class CardViewSet(FileViewSet):
    """Access, IC and parking cards; a card ends by its status (lost or returned)."""

    queryset = Card.objects.select_related("holder", "vehicle")
    serializer_class = s.CardSerializer
    filterset_class = filtersets.CardFilterSet
    input_serializer_classes = {
        "create": s.CardInputSerializer,
        "set_status": s.CardStatusSerializer,
    }
    action_permissions = {
        **READ,
        "create": ["residents.add_card"],
        "set_status": ["residents.change_card"],
    }

    def perform_service_create(self, data: dict[str, Any]) -> Model:
        return services.card_issue(by=self.request.user, **data)

    @_writes(
        s.CardStatusSerializer,
        s.CardSerializer,
        summary="Report a card lost, take it back, or reactivate it",
    )
    @action(detail=True, methods=["post"], url_path="status")
    def set_status(self, request: Request, pk: str | None = None) -> Response:
        card = self.get_object()
        data = self.valid_input(request)
        card = services.card_set_status(
            card=card, status=data["status"], on=data["on"], by=request.user
        )
        return self.output(card)


# --- Move-in and decoration ---


@extend_schema_view(
    create=_creates(s.MoveInInputSerializer, s.MoveInSerializer),
    partial_update=_writes(s.MoveInDataSerializer, s.MoveInSerializer),
)
class MoveInViewSet(FileViewSet):
    """Move-in records: keys, meter base readings, handover checklist, signature."""

    http_method_names = ["get", "post", "patch", "head", "options"]
    queryset = MoveIn.objects.select_related("handled_by")
    serializer_class = s.MoveInSerializer
    filterset_class = filtersets.MoveInFilterSet
    input_serializer_classes = {
        "create": s.MoveInInputSerializer,
        "partial_update": s.MoveInDataSerializer,
    }
    action_permissions = {
        **READ,
        "create": ["residents.add_movein"],
        "partial_update": ["residents.change_movein"],
    }

    def perform_service_create(self, data: dict[str, Any]) -> Model:
        household = data.pop("household")
        return services.movein_record(household=household, data=data, by=self.request.user)

    def perform_service_update(self, instance: MoveIn, data: dict[str, Any]) -> Model:
        return services.movein_record(household=instance.household, data=data, by=self.request.user)


@extend_schema_view(create=_creates(s.DecorationInputSerializer, s.DecorationSerializer))
class DecorationViewSet(FileViewSet):
    """Decoration applications with their worker passes and inspections."""

    queryset = Decoration.objects.select_related("household__unit").prefetch_related(
        "worker_passes",
        Prefetch("inspections", queryset=DecorationInspection.objects.select_related("inspector")),
    )
    serializer_class = s.DecorationSerializer
    filterset_class = filtersets.DecorationFilterSet
    input_serializer_classes = {
        "create": s.DecorationInputSerializer,
        "set_status": s.DecorationStatusSerializer,
        "issue_pass": s.WorkerPassInputSerializer,
        "return_pass": s.WorkerPassReturnSerializer,
        "inspect": s.InspectionInputSerializer,
    }
    change = ["residents.change_decoration"]
    action_permissions = {
        **READ,
        "create": ["residents.add_decoration"],
        "set_status": change,
        "issue_pass": change,
        "return_pass": change,
        "inspect": change,
    }

    def perform_service_create(self, data: dict[str, Any]) -> Model:
        household = data.pop("household")
        return services.decoration_apply(household=household, data=data, by=self.request.user)

    @_writes(
        s.DecorationStatusSerializer,
        s.DecorationSerializer,
        summary="Approve, reject, start or close a decoration",
    )
    @action(detail=True, methods=["post"], url_path="status")
    def set_status(self, request: Request, pk: str | None = None) -> Response:
        decoration = self.get_object()
        data = self.valid_input(request)
        decoration = services.decoration_set_status(decoration=decoration, by=request.user, **data)
        return self.output(decoration)

    @_creates(
        s.WorkerPassInputSerializer,
        s.WorkerPassSerializer,
        summary="Issue a worker pass for an approved decoration",
    )
    @action(detail=True, methods=["post"], url_path="passes")
    def issue_pass(self, request: Request, pk: str | None = None) -> Response:
        decoration = self.get_object()
        data = self.valid_input(request)
        worker_pass: DecorationWorkerPass = services.decoration_pass_issue(
            decoration=decoration, by=request.user, **data
        )
        body = s.WorkerPassSerializer(worker_pass, context=self.get_serializer_context()).data
        return Response(body, status=status.HTTP_201_CREATED)

    @_writes(
        s.WorkerPassReturnSerializer,
        s.WorkerPassSerializer,
        summary="Record a worker pass handed back at the desk",
        parameters=[OpenApiParameter("pass_id", int, OpenApiParameter.PATH)],
    )
    @action(detail=True, methods=["post"], url_path=r"passes/(?P<pass_id>\d+)/return")
    def return_pass(self, request: Request, pk: str | None = None, pass_id: str = "") -> Response:
        decoration = self.get_object()
        worker_pass = get_object_or_404(decoration.worker_passes.all(), pk=pass_id)
        data = self.valid_input(request)
        worker_pass = services.decoration_pass_return(
            worker_pass=worker_pass, by=request.user, **data
        )
        body = s.WorkerPassSerializer(worker_pass, context=self.get_serializer_context()).data
        return Response(body)

    @_creates(
        s.InspectionInputSerializer,
        s.InspectionSerializer,
        summary="Record an inspection of a decoration under way",
    )
    @action(detail=True, methods=["post"], url_path="inspections")
    def inspect(self, request: Request, pk: str | None = None) -> Response:
        decoration = self.get_object()
        data = self.valid_input(request)
        inspection = services.decoration_inspect(decoration=decoration, by=request.user, **data)
        body = s.InspectionSerializer(inspection, context=self.get_serializer_context()).data
        return Response(body, status=status.HTTP_201_CREATED)


# --- Attachments, notes, history ----------------------------------------------------------------


@extend_schema_view(create=_creates(s.AttachmentInputSerializer, s.AttachmentSerializer))
class AttachmentViewSet(FileViewSet):
    """Scanned documents and photos of household files (multipart upload)."""

    queryset = Attachment.objects.select_related("uploaded_by")
    serializer_class = s.AttachmentSerializer
    filterset_class = filtersets.AttachmentFilterSet
    parser_classes = [MultiPartParser, FormParser]
    input_serializer_classes = {"create": s.AttachmentInputSerializer}
    action_permissions = {**READ, "download": VIEW_FILE, "create": ["residents.add_attachment"]}

    def perform_service_create(self, data: dict[str, Any]) -> Model:
        return services.attachment_add(by=self.request.user, **data)

    @extend_schema(
        summary="The attachment's file",
        # The file as it was uploaded, with its own type (a PDF, a photo...).
        responses={(200, "*/*"): OpenApiTypes.BINARY},
    )
    @action(detail=True, methods=["get"])
    def download(self, request: Request, pk: str | None = None) -> FileResponse:
        attachment = self.get_object()
        name = attachment.file.name.rsplit("/", 1)[-1]
        return FileResponse(attachment.file.open("rb"), as_attachment=True, filename=name)


@extend_schema_view(create=_creates(s.NoteInputSerializer, s.NoteSerializer))
class NoteViewSet(FileViewSet):
    """Notes written on household files by staff."""

    queryset = Note.objects.select_related("author")
    serializer_class = s.NoteSerializer
    filterset_class = filtersets.NoteFilterSet
    input_serializer_classes = {"create": s.NoteInputSerializer}
    action_permissions = {**READ, "create": ["residents.add_note"]}

    def perform_service_create(self, data: dict[str, Any]) -> Model:
        return services.note_add(by=self.request.user, **data)


class ChangeRecordViewSet(FileViewSet):
    """The history of household files: who changed what, when (read-only)."""

    http_method_names = ["get", "head", "options"]
    queryset = ChangeRecord.objects.select_related("actor")
    serializer_class = s.ChangeRecordSerializer
    filterset_class = filtersets.ChangeRecordFilterSet
