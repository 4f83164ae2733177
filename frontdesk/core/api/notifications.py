"""`/api/v1/notifications/`: the current user's notifications, and marking them read.

    GET  /api/v1/notifications/               the user's delivered notifications, newest first
                                              (?unread=true, ?topic=deadline.overdue)
    GET  /api/v1/notifications/{id}/
    POST /api/v1/notifications/{id}/read/     mark one read
    POST /api/v1/notifications/read-all/      mark all read; answers {"marked": n}

Only the user's own notifications exist here: another user's id answers 404.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import Http404
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import DefaultRouter

from ..filtersets import NotificationFilterSet
from ..models import Notification
from ..notifications import notification_list, notification_mark_all_read, notification_mark_read
from .pagination import DeskCursorPagination


class NotificationSerializer(serializers.ModelSerializer):
    unread = serializers.SerializerMethodField()

    class Meta:
        model = Notification
        fields = [
            "id",
            "topic",
            "title",
            "body",
            "url",
            "is_emergency",
            "deliver_at",
            "read_at",
            "unread",
        ]
        read_only_fields = fields

    def get_unread(self, obj: Notification) -> bool:
        return obj.read_at is None


class NotificationPagination(DeskCursorPagination):
    ordering = ("-deliver_at", "-id")


class NotificationViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    serializer_class = NotificationSerializer
    permission_classes = [IsAuthenticated]
    pagination_class = NotificationPagination
    filterset_class = NotificationFilterSet
    ordering_fields: list[str] = []

    # The schema generator reads the model from here; requests use get_queryset.
    queryset = Notification.objects.none()

    def get_queryset(self) -> QuerySet[Notification]:
        if getattr(self, "swagger_fake_view", False):
            return Notification.objects.none()
        return notification_list(user=self.request.user)

    @extend_schema(request=None, responses=NotificationSerializer)
    @action(detail=True, methods=["post"])
    def read(self, request: Request, pk: Any = None) -> Response:
        try:
            notification = notification_mark_read(user=request.user, notification_id=int(pk))
        except (Notification.DoesNotExist, ValueError) as missing:
            raise Http404 from missing
        return Response(NotificationSerializer(notification).data)

    @extend_schema(
        request=None,
        responses=inline_serializer("NotificationsMarked", {"marked": serializers.IntegerField()}),
    )
    @action(detail=False, methods=["post"], url_path="read-all")
    def read_all(self, request: Request) -> Response:
        return Response({"marked": notification_mark_all_read(user=request.user)})


router = DefaultRouter()
router.include_root_view = False
router.register("notifications", NotificationViewSet, basename="api-notification")
urlpatterns = router.urls
