"""Incoming documents (外来文件登记表) in the API.

    /api/v1/documents/                    list (IncomingDocumentFilterSet), register
    /api/v1/documents/{id}/               one document with its receipts
    /api/v1/documents/{id}/instruct/      the manager's instruction and departments
    /api/v1/documents/{id}/acknowledge/   a department signs for it (body: department)
    /api/v1/documents/{id}/void/          void a registration, with the reason

Another project's document is a 404; a refused step a 400 with messages per field.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.urls import URLPattern
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response

from tickets.api.views import DeskViewSetMixin, _project

from ...filtersets.documents import IncomingDocumentFilterSet
from ...models import IncomingDocument
from ...selectors import documents as selectors
from ...services import documents as services
from ..serializers import documents as s


class DocumentViewSet(
    DeskViewSetMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """Incoming documents: registered at the desk, instructed by the manager, signed for."""

    queryset = IncomingDocument.objects.none()
    serializer_class = s.IncomingDocumentSerializer
    filterset_class = IncomingDocumentFilterSet
    ordering_fields: list[str] = []
    parser_classes = [JSONParser, MultiPartParser, FormParser]

    def get_queryset(self) -> QuerySet[IncomingDocument]:
        if getattr(self, "swagger_fake_view", False):
            return IncomingDocument.objects.none()
        return selectors.document_list(user=self.request.user)

    def _answer(self, pk: int, code: int = status.HTTP_200_OK) -> Response:
        document = selectors.document_list(user=self.request.user).get(pk=pk)
        return Response(s.IncomingDocumentSerializer(document).data, status=code)

    @extend_schema(
        request={
            "application/json": s.DocumentInputSerializer,
            "multipart/form-data": s.DocumentInputSerializer,
        },
        responses={201: s.IncomingDocumentSerializer},
    )
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        data = self.valid(s.DocumentInputSerializer, request)
        project = _project(request, data.pop("project", None))
        document = services.document_register(
            project=project, by=request.user, data=services.DocumentInput(**data)
        )
        return self._answer(document.pk, status.HTTP_201_CREATED)

    @extend_schema(request=s.InstructSerializer, responses=s.IncomingDocumentSerializer)
    @action(detail=True, methods=["post"], url_path="instruct", url_name="instruct")
    def instruct(self, request: Request, pk: str | None = None) -> Response:
        document = self.get_object()
        data = self.valid(s.InstructSerializer, request)
        services.document_instruct(
            document=document,
            by=request.user,
            instruction=data["instruction"],
            departments=data.get("departments", []),
        )
        return self._answer(document.pk)

    @extend_schema(request=s.AcknowledgeSerializer, responses=s.IncomingDocumentSerializer)
    @action(detail=True, methods=["post"], url_path="acknowledge", url_name="acknowledge")
    def acknowledge(self, request: Request, pk: str | None = None) -> Response:
        document = self.get_object()
        services.document_acknowledge(
            document=document, by=request.user, **self.valid(s.AcknowledgeSerializer, request)
        )
        return self._answer(document.pk)

    @extend_schema(request=s.DocumentVoidSerializer, responses=s.IncomingDocumentSerializer)
    @action(detail=True, methods=["post"], url_path="void", url_name="void")
    def void(self, request: Request, pk: str | None = None) -> Response:
        document = self.get_object()
        services.document_void(
            document=document, by=request.user, **self.valid(s.DocumentVoidSerializer, request)
        )
        return self._answer(document.pk)


# (prefix, viewset, basename) registered on the API router.
ROUTES: list[tuple[str, Any, str]] = [("documents", DocumentViewSet, "document")]
urlpatterns: list[URLPattern] = []
