"""The lost and found register in the API.

/api/v1/lost-found/                 list (filters of FoundItemFilterSet); register
/api/v1/lost-found/{id}/            one found item
/api/v1/lost-found/{id}/return/     return it to its owner (signature)
/api/v1/lost-found/{id}/dispose/    dispose of it (supervisor or manager)
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from tickets.api.views import DeskViewSetMixin, _project, _user

from ...filtersets.lost_found import FoundItemFilterSet
from ...models.lost_found import FoundItem
from ...selectors import lost_found as selectors
from ...services import lost_found as services
from ..serializers import lost_found as s


class LostFoundViewSet(
    DeskViewSetMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """Found items (失物招领): register, return to the owner, dispose of."""

    queryset = FoundItem.objects.none()
    serializer_class = s.FoundItemSerializer
    filterset_class = FoundItemFilterSet
    ordering_fields: list[str] = []

    def get_queryset(self) -> QuerySet[FoundItem]:
        if getattr(self, "swagger_fake_view", False):
            return FoundItem.objects.none()
        return selectors.found_list(user=self.request.user)

    def _answer(self, pk: int, code: int = status.HTTP_200_OK) -> Response:
        item = self.get_queryset().get(pk=pk)
        return Response(
            s.FoundItemSerializer(item, context=self.get_serializer_context()).data, code
        )

    @extend_schema(
        request={
            "application/json": s.FoundItemInputSerializer,
            "multipart/form-data": s.FoundItemInputSerializer,
        },
        responses={201: s.FoundItemSerializer},
    )
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        data = self.valid(s.FoundItemInputSerializer, request)
        project = _project(request, data.get("project"))
        item = services.found_register(
            project=project,
            by=request.user,
            what=data["what"],
            where_found=data["where_found"],
            kept_at=data["kept_at"],
            found_at=data.get("found_at"),
            found_by=_user(data.get("found_by"), "found_by"),
            found_by_name=data.get("found_by_name", ""),
            perishable=data.get("perishable", False),
            photo=data.get("photo"),
        )
        return self._answer(item.pk, status.HTTP_201_CREATED)

    @extend_schema(request=s.FoundReturnInputSerializer, responses=s.FoundItemSerializer)
    @action(detail=True, methods=["post"], url_path="return", url_name="return")
    def hand_back(self, request: Request, pk: str | None = None) -> Response:
        item = self.get_object()
        data = self.valid(s.FoundReturnInputSerializer, request)
        data["signature"] = data.get("signature") or None
        services.found_return(item=item, by=request.user, **data)
        return self._answer(item.pk)

    @extend_schema(request=s.DisposeInputSerializer, responses=s.FoundItemSerializer)
    @action(detail=True, methods=["post"], url_path="dispose", url_name="dispose")
    def dispose(self, request: Request, pk: str | None = None) -> Response:
        item = self.get_object()
        services.found_dispose(
            item=item, by=request.user, **self.valid(s.DisposeInputSerializer, request)
        )
        return self._answer(item.pk)


# (prefix, viewset, basename) registered on the API router.
ROUTES: list[tuple[str, Any, str]] = [("lost-found", LostFoundViewSet, "lost-found")]
urlpatterns: list[Any] = []
