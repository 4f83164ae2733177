"""Patrols and inspections (巡查) in the API.

    /api/v1/checklists/                  checklists of the user's projects; create (supervisor,
                                         manager), {id}/retire/
    /api/v1/inspections/                 runs (InspectionRunFilterSet); record one with all its
                                         items in one POST
    /api/v1/inspections/{id}/            one run with its results and rectification orders
    /api/v1/inspections/{id}/rectify/    open the orders a walker could not (the desk)

A checklist of another project does not exist here (404).
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import Http404
from django.urls import URLPattern
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from frontdesk.core.scoping import scope
from tickets.api.views import DeskViewSetMixin, _project, _row

from ...filtersets.inspections import ChecklistFilterSet, InspectionRunFilterSet
from ...models import Checklist, InspectionRun
from ...selectors import inspections as selectors
from ...services import inspections as services
from ..serializers import inspections as s


class ChecklistViewSet(
    DeskViewSetMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """Checklists: read by everyone in the project, kept by the supervisor and the manager."""

    queryset = Checklist.objects.none()
    serializer_class = s.ChecklistSerializer
    filterset_class = ChecklistFilterSet
    ordering_fields: list[str] = []

    def get_queryset(self) -> QuerySet[Checklist]:
        if getattr(self, "swagger_fake_view", False):
            return Checklist.objects.none()
        return selectors.checklist_list(user=self.request.user)

    def _answer(self, pk: int, code: int = status.HTTP_200_OK) -> Response:
        checklist = selectors.checklist_detail(user=self.request.user, checklist_id=pk)
        return Response(s.ChecklistSerializer(checklist).data, status=code)

    @extend_schema(request=s.ChecklistInputSerializer, responses={201: s.ChecklistSerializer})
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        data = self.valid(s.ChecklistInputSerializer, request)
        project = _project(request, data.pop("project", None))
        replaces = _row(request, Checklist, data.pop("replaces", None), "replaces")
        items = [services.ItemInput(**item) for item in data.pop("items")]
        checklist = services.checklist_create(
            project=project, by=request.user, items=items, replaces=replaces, **data
        )
        return self._answer(checklist.pk, status.HTTP_201_CREATED)

    @extend_schema(request=None, responses=s.ChecklistSerializer)
    @action(detail=True, methods=["post"], url_path="retire", url_name="retire")
    def retire(self, request: Request, pk: str | None = None) -> Response:
        checklist = self.get_object()
        services.checklist_retire(checklist=checklist, by=request.user)
        return self._answer(checklist.pk)


class InspectionViewSet(
    DeskViewSetMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """Runs of checklists, item by item, with the rectification orders of failed items."""

    queryset = InspectionRun.objects.none()
    serializer_class = s.InspectionRunSerializer
    filterset_class = InspectionRunFilterSet
    ordering_fields: list[str] = []

    def get_queryset(self) -> QuerySet[InspectionRun]:
        if getattr(self, "swagger_fake_view", False):
            return InspectionRun.objects.none()
        return selectors.run_list(user=self.request.user)

    def get_serializer_class(self) -> type[Any]:
        if self.action == "retrieve":
            return s.InspectionRunDetailSerializer
        return s.InspectionRunSerializer

    def get_object(self) -> InspectionRun:
        if self.action != "retrieve":
            return super().get_object()  # type: ignore[no-any-return]
        try:
            pk = int(self.kwargs["pk"])
            return selectors.run_detail(user=self.request.user, run_id=pk)
        except (ValueError, InspectionRun.DoesNotExist):
            raise Http404 from None

    def _answer(self, pk: int, code: int = status.HTTP_200_OK) -> Response:
        run = selectors.run_detail(user=self.request.user, run_id=pk)
        return Response(s.InspectionRunDetailSerializer(run).data, status=code)

    # A checklist of another project (or none) is a 404, as its own address would be.
    @extend_schema(
        request=s.InspectionRunInputSerializer,
        responses={201: s.InspectionRunDetailSerializer, 404: None},
    )
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        data = self.valid(s.InspectionRunInputSerializer, request)
        checklist = (
            scope(Checklist.objects.all(), request.user)
            .select_related("project")
            .filter(pk=data["checklist"])
            .first()
        )
        if checklist is None:
            raise Http404
        run = services.inspection_record(
            checklist=checklist,
            by=request.user,
            results=[services.ResultInput(**r) for r in data["results"]],
            started_at=data.get("started_at"),
            finished_at=data.get("finished_at"),
        )
        return self._answer(run.pk, status.HTTP_201_CREATED)

    @extend_schema(request=None, responses=s.InspectionRunDetailSerializer)
    @action(detail=True, methods=["post"], url_path="rectify", url_name="rectify")
    def rectify(self, request: Request, pk: str | None = None) -> Response:
        run = self.get_object()
        services.inspection_rectify(run=run, by=request.user)
        return self._answer(run.pk)


# (prefix, viewset, basename) registered on the API router.
ROUTES: list[tuple[str, Any, str]] = [
    ("checklists", ChecklistViewSet, "checklist"),
    ("inspections", InspectionViewSet, "inspection"),
]
urlpatterns: list[URLPattern] = []
