"""Shared API pieces: the token endpoint and a project-scoped viewset base."""

from typing import Any, ClassVar

from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema
from rest_framework import parsers, viewsets
from rest_framework.authtoken.views import ObtainAuthToken

from ..scoping import scope
from .parsers import DeskJSONParser
from .permissions import DeskModelPermissions
from .renderers import DeskJSONRenderer
from .throttling import TokenAddressThrottle, TokenUsernameThrottle


class TokenView(ObtainAuthToken):
    """`POST /api/v1/auth/token/` with username and password returns `{"token": ...}`."""

    # ObtainAuthToken turns throttling off; the token endpoint is where guessing happens.
    throttle_classes = [TokenAddressThrottle, TokenUsernameThrottle]
    throttle_scope = "token"
    parser_classes = [DeskJSONParser, parsers.FormParser, parsers.MultiPartParser]
    renderer_classes = [DeskJSONRenderer]


class ScopedViewSetMixin:
    """Narrows the queryset to the requesting user's projects.

    `project_path` is the lookup from the model to its project. Rows of other
    projects are simply absent, so retrieving one answers 404.
    """

    project_path: ClassVar[str] = "project"
    permission_classes = [DeskModelPermissions]

    def get_queryset(self) -> QuerySet[Any]:
        return scope(super().get_queryset(), self.request.user, self.project_path)  # type: ignore[misc,attr-defined]


class ScopedModelViewSet(ScopedViewSetMixin, viewsets.ModelViewSet):  # type: ignore[misc]
    http_method_names = ["get", "post", "patch", "head", "options"]


class ScopedReadOnlyViewSet(ScopedViewSetMixin, viewsets.ReadOnlyModelViewSet):  # type: ignore[misc]
    pass


__all__ = ["ScopedModelViewSet", "ScopedReadOnlyViewSet", "TokenView", "extend_schema"]
