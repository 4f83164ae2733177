"""`GET /api/v1/callbacks/`: the desk's callback queue, oldest return first.

Filtered by the one `TicketFilterSet` (as the page is) and paginated by
cursor on the return time. Each row says when the callback is due, whether it
is overdue, and how many calls did not reach the resident. `POST
/api/v1/callbacks/{id}/outcome/` records the quick outcome, as the page does.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import Http404
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from frontdesk.core.api.pagination import DeskCursorPagination
from frontdesk.core.scoping import scope

from .. import callbacks
from ..choices import Dissatisfied, Satisfaction
from ..filtersets import TicketFilterSet
from ..models import Ticket
from .views import DeskStaffPermission


class CallbackQueuePagination(DeskCursorPagination):
    ordering = ("returned_at", "id")


class CallbackQueueSerializer(serializers.Serializer):
    """One order waiting for its callback."""

    id = serializers.IntegerField(source="ticket.pk")
    serial = serializers.CharField(source="ticket.serial")
    kind = serializers.CharField(source="ticket.kind")
    project = serializers.IntegerField(source="ticket.project_id")
    household = serializers.IntegerField(source="ticket.household_id", allow_null=True)
    where = serializers.CharField(source="ticket.where")
    matter = serializers.CharField(source="ticket.matter")
    department = serializers.CharField(source="ticket.department")
    returned_at = serializers.DateTimeField(source="ticket.returned_at")
    due_at = serializers.DateTimeField(allow_null=True)
    overdue = serializers.BooleanField()
    attempts = serializers.IntegerField()
    max_attempts = serializers.IntegerField()
    next_try_at = serializers.DateTimeField(allow_null=True)


class OutcomeSerializer(serializers.Serializer):
    outcome = serializers.ChoiceField(choices=callbacks.Outcome.choices)
    comment = serializers.CharField(required=False, allow_blank=True, default="")
    follow_up = serializers.ChoiceField(
        choices=[c for c in Dissatisfied.choices if c[0]], required=False, default=""
    )


class OutcomeResultSerializer(serializers.Serializer):
    """What a recorded outcome did."""

    ticket = serializers.IntegerField()
    reached = serializers.BooleanField(help_text="Whether the call reached the resident.")
    satisfaction = serializers.ChoiceField(choices=Satisfaction.choices, allow_blank=True)
    follow_up_ticket = serializers.IntegerField(
        allow_null=True, help_text="The order opened because the resident was not satisfied."
    )


class CallbackQueueViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """The callback queue of the user's projects (filters as `/api/v1/tickets/`)."""

    permission_classes = [DeskStaffPermission]
    serializer_class = CallbackQueueSerializer
    filterset_class = TicketFilterSet
    filter_backends = [DjangoFilterBackend]
    pagination_class = CallbackQueuePagination

    def get_queryset(self) -> QuerySet[Ticket]:
        return callbacks.callback_queue(user=self.request.user)

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        queryset = self.filter_queryset(self.get_queryset())
        page = self.paginate_queryset(queryset)
        rows = callbacks.queue_rows(list(page or []))
        return self.get_paginated_response(CallbackQueueSerializer(rows, many=True).data)

    @extend_schema(request=OutcomeSerializer, responses=OutcomeResultSerializer)
    @action(detail=True, methods=["post"], url_path="outcome", url_name="outcome")
    def outcome(self, request: Request, pk: str | None = None) -> Response:
        """Record the callback's outcome: satisfied, not satisfied (reopens), not reachable."""
        if not str(pk or "").isdecimal():
            raise Http404
        ticket = scope(Ticket.objects.all(), request.user).filter(pk=int(str(pk))).first()
        if ticket is None:
            raise Http404
        serializer = OutcomeSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        callback = callbacks.callback_outcome(ticket=ticket, by=request.user, **serializer.data)
        result = {
            "ticket": ticket.pk,
            "reached": callback.reached,
            "satisfaction": callback.satisfaction,
            "follow_up_ticket": callback.follow_up_ticket_id,
        }
        return Response(OutcomeResultSerializer(result).data)
