"""Visitors and messages and items left, in the API.

    /api/v1/visitors/                 list (filters of VisitorFilterSet); register one (or,
                                      with expected_on, one the resident announced)
    /api/v1/visitors/{id}/arrive/     an expected visitor has come (with the confirmation)
    /api/v1/visitors/{id}/leave/      the visitor has left
    /api/v1/messages/                 messages and items left (`kind`: message | item)
    /api/v1/messages/{id}/tell/       the resident told
    /api/v1/messages/{id}/collect/    collected with the collector's name and signature (once)

Read by the desk, security, the supervisor and manager, and butlers; another role is
refused (403). Rows of another project do not exist here (404). Phones are masked for a
role without `residents.view_phone`, ID numbers always.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.urls import URLPattern
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, permissions, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from frontdesk.core.roles import has_role
from residents.models import Household
from tickets.api.views import DeskViewSetMixin, _project, _row

from ...filtersets.visitors import VisitorFilterSet, VisitorMessageFilterSet
from ...models.visitors import Visitor, VisitorMessage
from ...selectors import visitors as selectors
from ...services import visitors as services
from ...transitions.visitors import READERS
from ..serializers import visitors as s


class VisitorReaders(permissions.BasePermission):
    """The roles that read the visitors register."""

    def has_permission(self, request: Request, view: Any) -> bool:
        user = request.user
        return bool(user and user.is_authenticated and has_role(user, *READERS))


class VisitorViewSet(
    DeskViewSetMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """Visitors (访客登记): registered at the desk or the gate against the household visited."""

    queryset = Visitor.objects.none()
    serializer_class = s.VisitorSerializer
    filterset_class = VisitorFilterSet
    permission_classes = [VisitorReaders]
    ordering_fields: list[str] = []

    def get_queryset(self) -> QuerySet[Visitor]:
        if getattr(self, "swagger_fake_view", False):
            return Visitor.objects.none()
        return selectors.visitor_list(user=self.request.user)

    def answer(self, visitor: Visitor, code: int = status.HTTP_200_OK) -> Response:
        shown = self.get_queryset().get(pk=visitor.pk)
        return Response(self.get_serializer(shown).data, status=code)

    @extend_schema(request=s.VisitorInputSerializer, responses={201: s.VisitorSerializer})
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        data = self.valid(s.VisitorInputSerializer, request)
        household = _row(request, Household, data.pop("household"), "household")
        project = _project(request, data.pop("project", None), of=household)
        visitor = services.visitor_register(
            project=project,
            by=request.user,
            data=services.VisitorInput(household=household, **data),
        )
        return self.answer(visitor, status.HTTP_201_CREATED)

    @extend_schema(request=s.VisitorArriveSerializer, responses=s.VisitorSerializer)
    @action(detail=True, methods=["post"], url_path="arrive", url_name="arrive")
    def arrive(self, request: Request, pk: str | None = None) -> Response:
        visitor = self.get_object()
        data = self.valid(s.VisitorArriveSerializer, request)
        return self.answer(services.visitor_arrive(visitor=visitor, by=request.user, **data))

    @extend_schema(request=None, responses=s.VisitorSerializer)
    @action(detail=True, methods=["post"], url_path="leave", url_name="leave")
    def leave(self, request: Request, pk: str | None = None) -> Response:
        visitor = self.get_object()
        return self.answer(services.visitor_leave(visitor=visitor, by=request.user))


class VisitorMessageViewSet(
    DeskViewSetMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """Messages (留言) and items handed over on someone's behalf (代客转交物品), by `kind`."""

    queryset = VisitorMessage.objects.none()
    serializer_class = s.VisitorMessageSerializer
    filterset_class = VisitorMessageFilterSet
    permission_classes = [VisitorReaders]
    ordering_fields: list[str] = []

    def get_queryset(self) -> QuerySet[VisitorMessage]:
        if getattr(self, "swagger_fake_view", False):
            return VisitorMessage.objects.none()
        return selectors.message_list(user=self.request.user).select_related(
            "told_by", "handed_over_by"
        )

    def answer(self, message: VisitorMessage, code: int = status.HTTP_200_OK) -> Response:
        shown = self.get_queryset().get(pk=message.pk)
        return Response(self.get_serializer(shown).data, status=code)

    @extend_schema(request=s.MessageInputSerializer, responses={201: s.VisitorMessageSerializer})
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        data = self.valid(s.MessageInputSerializer, request)
        household = _row(request, Household, data.pop("household"), "household")
        project = _project(request, data.pop("project", None), of=household)
        message = services.message_receive(
            project=project,
            by=request.user,
            data=services.MessageInput(household=household, **data),
        )
        return self.answer(message, status.HTTP_201_CREATED)

    @extend_schema(request=s.MessageTellSerializer, responses=s.VisitorMessageSerializer)
    @action(detail=True, methods=["post"], url_path="tell", url_name="tell")
    def tell(self, request: Request, pk: str | None = None) -> Response:
        message = self.get_object()
        data = self.valid(s.MessageTellSerializer, request)
        return self.answer(services.message_tell(message=message, by=request.user, **data))

    @extend_schema(request=s.MessageCollectSerializer, responses=s.VisitorMessageSerializer)
    @action(detail=True, methods=["post"], url_path="collect", url_name="collect")
    def collect(self, request: Request, pk: str | None = None) -> Response:
        message = self.get_object()
        data = self.valid(s.MessageCollectSerializer, request)
        return self.answer(
            services.message_collect(
                message=message,
                by=request.user,
                collector_name=data["collector_name"],
                signature=data.get("signature"),
                signed_on_paper=data["signed_on_paper"],
            )
        )


# (prefix, viewset, basename) registered on the API router.
ROUTES: list[tuple[str, Any, str]] = [
    ("visitors", VisitorViewSet, "visitor"),
    ("messages", VisitorMessageViewSet, "visitor-message"),
]
urlpatterns: list[URLPattern] = []
