"""Shared API pieces: the token endpoint, the schema view and a project-scoped viewset base."""

from typing import Any, ClassVar

from django.db.models import QuerySet
from django.utils import translation
from django.utils.translation import gettext_lazy
from drf_spectacular.plumbing import get_relative_url, set_query_parameters
from drf_spectacular.utils import extend_schema, inline_serializer
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework import parsers, serializers, status, viewsets
from rest_framework.authentication import BaseAuthentication, SessionAuthentication
from rest_framework.authtoken.serializers import AuthTokenSerializer
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.permissions import BasePermission, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.reverse import reverse
from rest_framework.throttling import BaseThrottle

from ..scoping import scope
from .authentication import ExpiringTokenAuthentication, token_expires_at, token_for, token_revoke
from .parsers import DeskJSONParser
from .permissions import DeskModelPermissions
from .renderers import DeskJSONRenderer
from .throttling import TokenAddressThrottle, TokenUsernameThrottle


class TokenView(ObtainAuthToken):
    """The API token of a user.

    `POST /api/v1/auth/token/` with username and password answers
    `{"token": ..., "expires": ...}`: the user's token, the same for every
    client until it expires (`API_TOKEN_TTL_HOURS` after it was issued), then
    a new one. `DELETE` with the token revokes it (logging out every client
    that uses it). Changing the password revokes it too.
    """

    # ObtainAuthToken turns throttling off; the token endpoint is where guessing happens.
    throttle_classes = [TokenAddressThrottle, TokenUsernameThrottle]
    throttle_scope = "token"
    parser_classes = [DeskJSONParser, parsers.FormParser, parsers.MultiPartParser]
    renderer_classes = [DeskJSONRenderer]

    def get_authenticators(self) -> list[BaseAuthentication]:
        # Asking for a token needs only the password: a stale token left in
        # the client's headers must not stand in the way of a new one.
        if self.request is not None and self.request.method == "POST":
            return []
        return [ExpiringTokenAuthentication(), SessionAuthentication()]

    def get_permissions(self) -> list[BasePermission]:
        if self.request.method == "DELETE":
            return [IsAuthenticated()]
        return []

    def get_throttles(self) -> list[BaseThrottle]:
        return super().get_throttles() if self.request.method == "POST" else []

    @extend_schema(
        request=AuthTokenSerializer,
        responses={
            200: inline_serializer(
                "IssuedToken",
                {
                    "token": serializers.CharField(),
                    "expires": serializers.DateTimeField(
                        help_text="When the token stops working; ask again before."
                    ),
                },
            )
        },
        auth=[],
        description="A token for the username and password (the same one until it expires).",
    )
    def post(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        token = token_for(serializer.validated_data["user"])
        return Response({"token": token.key, "expires": token_expires_at(token)})

    @extend_schema(
        request=None,
        responses={204: None},
        description="Revoke the caller's token: every client using it must log in again.",
    )
    def delete(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        token_revoke(request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class DeskSchemaView(SpectacularAPIView):
    """`/api/schema/`: the OpenAPI schema, in English unless `?lang=` asks for another."""

    def dispatch(self, request: Any, *args: Any, **kwargs: Any) -> Any:
        if request.GET.get("lang"):
            return super().dispatch(request, *args, **kwargs)
        with translation.override("en"):
            response = super().dispatch(request, *args, **kwargs)
            # Rendered here: the schema's texts are lazy, and would otherwise be
            # rendered later in the request's language.
            return response.render()


class DeskSwaggerView(SpectacularSwaggerSplitView):
    """`/api/docs/`: Swagger UI over the schema in the reader's language (their own choice,
    else the project's default), so a clerk reading in Chinese gets the descriptions,
    field names and choices in Chinese; `?lang=en` asks for another."""

    title = gettext_lazy("Front desk API")

    def _get_schema_url(self, request: Any) -> str:
        schema_url = get_relative_url(reverse(self.url_name, request=request))
        return str(
            set_query_parameters(
                url=schema_url,
                lang=request.GET.get("lang") or translation.get_language(),
                version=request.GET.get("version"),
            )
        )


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


__all__ = [
    "DeskSchemaView",
    "ScopedModelViewSet",
    "ScopedReadOnlyViewSet",
    "TokenView",
    "extend_schema",
]
