"""`/api/v1/audit/id-number-reads/`: who was shown which resident's ID number in full.

    GET /api/v1/audit/id-number-reads/        newest first, the user's projects only
    GET /api/v1/audit/id-number-reads/{id}/

For the supervisor and the manager (`core.view_idnumberread`); read-only: the
rows are written by the "show" action itself.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from rest_framework import mixins, serializers, viewsets
from rest_framework.routers import DefaultRouter

from ..audit import id_number_reads
from ..models import IdNumberRead
from .pagination import DeskCursorPagination
from .permissions import DeskModelPermissions


class IdNumberReadSerializer(serializers.ModelSerializer):
    user_name = serializers.SerializerMethodField()

    class Meta:
        model = IdNumberRead
        fields = [
            "id",
            "at",
            "user",
            "user_name",
            "project",
            "person_id",
            "person_name",
            "channel",
            "source",
        ]
        read_only_fields = fields

    def get_user_name(self, read: IdNumberRead) -> str:
        user: Any = read.user
        return str(user.get_full_name() or user.get_username())


class IdNumberReadViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    serializer_class = IdNumberReadSerializer
    permission_classes = [DeskModelPermissions]
    pagination_class = DeskCursorPagination
    ordering_fields: list[str] = []
    # The schema generator and the permission class read the model from here.
    queryset = IdNumberRead.objects.none()

    def get_queryset(self) -> QuerySet[IdNumberRead]:
        if getattr(self, "swagger_fake_view", False):
            return IdNumberRead.objects.none()
        return id_number_reads(user=self.request.user)


router = DefaultRouter()
router.include_root_view = False
router.register("audit/id-number-reads", IdNumberReadViewSet, basename="api-id-number-read")
urlpatterns = router.urls
