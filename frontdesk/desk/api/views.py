"""The desk's records in the API: thin viewsets over the selectors and services.

    /api/v1/duty-log/                      list (filters of DutyLogEntryFilterSet), record
    /api/v1/duty-log/{id}/                 one entry with its follow-ups
    /api/v1/duty-log/{id}/answer/ | follow-up/ | promise-slip/ | open-order/ | correct/
    /api/v1/shifts/                        the roster; plan a shift
    /api/v1/shifts/{id}/close/             close it: answers with the handover gathered
    /api/v1/handovers/                     list, retrieve
    /api/v1/handovers/{id}/acknowledge/    the incoming clerk's acknowledgement
    /api/v1/reviews/                       list; open the review of a day or week
    /api/v1/reviews/{id}/sign/             sign with the comment (frozen afterwards)
    /api/v1/incidents/                     incidents; {id}/steps/ and {id}/close/
    /api/v1/follow-ups/                    key follow-ups; {id}/check/, instruct/, close/
    /api/v1/calls/ring/                    the phone system's ring (per-project key)

Rows of another project do not exist here (404); a refusal is a 400 with
messages per field.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, permissions, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.throttling import AnonRateThrottle
from rest_framework.views import APIView

from residents.models import Household
from tickets.api.views import DeskViewSetMixin, _project, _row, _user
from tickets.models import Ticket

from .. import selectors, services
from ..filtersets import (
    DutyLogEntryFilterSet,
    HandoverFilterSet,
    IncidentFilterSet,
    ReviewFilterSet,
    ShiftFilterSet,
    TrackingFilterSet,
)
from ..models import DutyLogEntry, Handover, Incident, Review, Shift, Tracking
from . import serializers as s


def _entry_input(request: Request, data: dict[str, Any]) -> services.EntryInput:
    data = dict(data)
    data["household"] = _row(request, Household, data.get("household"), "household")
    data["assigned_to"] = _user(data.get("assigned_to"), "assigned_to")
    data["promise_by"] = _user(data.get("promise_by"), "promise_by")
    return services.EntryInput.from_data(data)


class DutyLogViewSet(
    DeskViewSetMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """The duty log (值班记录表): every call, visit, letter and message taken at the desk."""

    queryset = DutyLogEntry.objects.none()
    serializer_class = s.DutyLogEntrySerializer
    filterset_class = DutyLogEntryFilterSet
    ordering_fields: list[str] = []

    def get_queryset(self) -> QuerySet[DutyLogEntry]:
        if getattr(self, "swagger_fake_view", False):
            return DutyLogEntry.objects.none()
        qs = selectors.entry_list(user=self.request.user)
        if self.action == "retrieve":
            return qs.prefetch_related("follow_ups__by")
        return qs

    def get_serializer_class(self) -> type[Any]:
        if self.action == "retrieve":
            return s.DutyLogEntryDetailSerializer
        return s.DutyLogEntrySerializer

    def answer(self, pk: int, code: int = status.HTTP_200_OK) -> Response:
        entry = (
            selectors.entry_list(user=self.request.user)
            .prefetch_related("follow_ups__by")
            .get(pk=pk)
        )
        context = self.get_serializer_context()
        return Response(s.DutyLogEntryDetailSerializer(entry, context=context).data, status=code)

    @extend_schema(request=s.EntryInputSerializer, responses={201: s.DutyLogEntryDetailSerializer})
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        data = self.valid(s.EntryInputSerializer, request)
        project = _project(request, data.pop("project", None))
        entry = services.entry_record(
            project=project, by=request.user, data=_entry_input(request, data)
        )
        return self.answer(entry.pk, status.HTTP_201_CREATED)

    @extend_schema(request=s.NoteSerializer, responses=s.DutyLogEntryDetailSerializer)
    @action(detail=True, methods=["post"], url_path="answer", url_name="answer")
    def answer_given(self, request: Request, pk: str | None = None) -> Response:
        entry = self.get_object()
        services.entry_answer(entry=entry, by=request.user, **self.valid(s.NoteSerializer, request))
        return self.answer(entry.pk)

    @extend_schema(request=s.NoteSerializer, responses=s.DutyLogEntryDetailSerializer)
    @action(detail=True, methods=["post"], url_path="follow-up", url_name="follow-up")
    def follow_up(self, request: Request, pk: str | None = None) -> Response:
        entry = self.get_object()
        services.entry_follow_up(
            entry=entry, by=request.user, **self.valid(s.NoteSerializer, request)
        )
        return self.answer(entry.pk)

    @extend_schema(request=s.NoteSerializer, responses=s.DutyLogEntryDetailSerializer)
    @action(detail=True, methods=["post"], url_path="comment", url_name="comment")
    def comment(self, request: Request, pk: str | None = None) -> Response:
        entry = self.get_object()
        services.entry_comment(
            entry=entry, by=request.user, **self.valid(s.NoteSerializer, request)
        )
        return self.answer(entry.pk)

    @extend_schema(request=s.SlipSerializer, responses=s.DutyLogEntryDetailSerializer)
    @action(detail=True, methods=["post"], url_path="promise-slip", url_name="promise-slip")
    def promise_slip(self, request: Request, pk: str | None = None) -> Response:
        entry = self.get_object()
        services.entry_promise_slip(
            entry=entry, by=request.user, **self.valid(s.SlipSerializer, request)
        )
        return self.answer(entry.pk)

    @extend_schema(request=s.OpenOrderSerializer, responses=s.DutyLogEntryDetailSerializer)
    @action(detail=True, methods=["post"], url_path="open-order", url_name="open-order")
    def open_order(self, request: Request, pk: str | None = None) -> Response:
        entry = self.get_object()
        data = self.valid(s.OpenOrderSerializer, request)
        services.entry_open_order(
            entry=entry,
            by=request.user,
            kind=data["kind"],
            department=data.get("department") or None,
            complaint=data.get("complaint"),
        )
        return self.answer(entry.pk)

    @extend_schema(request=s.CorrectionSerializer, responses={201: s.DutyLogEntryDetailSerializer})
    @action(detail=True, methods=["post"], url_path="correct", url_name="correct")
    def correct(self, request: Request, pk: str | None = None) -> Response:
        entry = self.get_object()
        data = self.valid(s.CorrectionSerializer, request)
        data.pop("project", None)
        reason = data.pop("reason")
        correction = services.entry_correct(
            entry=entry, by=request.user, reason=reason, data=_entry_input(request, data)
        )
        return self.answer(correction.pk, status.HTTP_201_CREATED)


class ShiftViewSet(
    DeskViewSetMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """The desk's shift roster (班次) and closing a shift into its handover."""

    queryset = Shift.objects.none()
    serializer_class = s.ShiftSerializer
    filterset_class = ShiftFilterSet
    ordering_fields: list[str] = []

    def get_queryset(self) -> QuerySet[Shift]:
        if getattr(self, "swagger_fake_view", False):
            return Shift.objects.none()
        return selectors.shift_list(user=self.request.user)

    @extend_schema(request=s.ShiftInputSerializer, responses={201: s.ShiftSerializer})
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        data = self.valid(s.ShiftInputSerializer, request)
        project = _project(request, data.pop("project", None))
        shift = services.shift_plan(
            project=project,
            clerk=_user(data["clerk"], "clerk"),
            starts_at=data["starts_at"],
            ends_at=data["ends_at"],
            by=request.user,
        )
        return Response(s.ShiftSerializer(shift).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=s.CloseShiftSerializer, responses={201: s.HandoverSerializer})
    @action(detail=True, methods=["post"], url_path="close", url_name="close")
    def close(self, request: Request, pk: str | None = None) -> Response:
        shift = self.get_object()
        handover = services.shift_close(
            shift=shift, by=request.user, **self.valid(s.CloseShiftSerializer, request)
        )
        handover = selectors.handover_list(user=request.user).get(pk=handover.pk)
        return Response(s.HandoverSerializer(handover).data, status=status.HTTP_201_CREATED)


class HandoverViewSet(
    DeskViewSetMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """Shift handovers (交接班记录表): the frozen open items and the acknowledgement."""

    queryset = Handover.objects.none()
    serializer_class = s.HandoverSerializer
    filterset_class = HandoverFilterSet
    ordering_fields: list[str] = []

    def get_queryset(self) -> QuerySet[Handover]:
        if getattr(self, "swagger_fake_view", False):
            return Handover.objects.none()
        return selectors.handover_list(user=self.request.user)

    @extend_schema(request=None, responses=s.HandoverSerializer)
    @action(detail=True, methods=["post"], url_path="acknowledge", url_name="acknowledge")
    def acknowledge(self, request: Request, pk: str | None = None) -> Response:
        handover = self.get_object()
        services.handover_acknowledge(handover=handover, by=request.user)
        handover = self.get_queryset().get(pk=handover.pk)
        return Response(s.HandoverSerializer(handover).data)


class ReviewViewSet(
    DeskViewSetMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """The supervisor's daily checks and weekly reviews, and their signature."""

    queryset = Review.objects.none()
    serializer_class = s.ReviewSerializer
    filterset_class = ReviewFilterSet
    ordering_fields: list[str] = []

    def get_queryset(self) -> QuerySet[Review]:
        if getattr(self, "swagger_fake_view", False):
            return Review.objects.none()
        return selectors.review_list(user=self.request.user)

    def get_serializer_context(self) -> dict[str, Any]:
        return {**super().get_serializer_context(), "live": self.action != "list"}

    @extend_schema(request=s.ReviewInputSerializer, responses={201: s.ReviewSerializer})
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        data = self.valid(s.ReviewInputSerializer, request)
        project = _project(request, data.pop("project", None))
        review = services.review_open(
            project=project,
            kind=data["kind"],
            day=data["day"],
            by=request.user,
            department=data.get("department", ""),
        )
        return Response(
            s.ReviewSerializer(review, context=self.get_serializer_context()).data,
            status=status.HTTP_201_CREATED,
        )

    @extend_schema(request=s.SignSerializer, responses=s.ReviewSerializer)
    @action(detail=True, methods=["post"], url_path="sign", url_name="sign")
    def sign(self, request: Request, pk: str | None = None) -> Response:
        review = self.get_object()
        review = services.review_sign(
            review=review, by=request.user, **self.valid(s.SignSerializer, request)
        )
        review = self.get_queryset().get(pk=review.pk)
        return Response(s.ReviewSerializer(review, context=self.get_serializer_context()).data)


class IncidentViewSet(
    DeskViewSetMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """Incidents (突发事件) with their steps in time order."""

    queryset = Incident.objects.none()
    serializer_class = s.IncidentSerializer
    filterset_class = IncidentFilterSet
    ordering_fields: list[str] = []

    def get_queryset(self) -> QuerySet[Incident]:
        if getattr(self, "swagger_fake_view", False):
            return Incident.objects.none()
        return selectors.incident_list(user=self.request.user).prefetch_related(
            "steps__by", "entries", "tickets"
        )

    def _answer(self, pk: int, code: int = status.HTTP_200_OK) -> Response:
        return Response(s.IncidentSerializer(self.get_queryset().get(pk=pk)).data, status=code)

    @extend_schema(request=s.IncidentInputSerializer, responses={201: s.IncidentSerializer})
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        data = self.valid(s.IncidentInputSerializer, request)
        project = _project(request, data.pop("project", None))
        entries = [_row(request, DutyLogEntry, pk, "entries") for pk in data.pop("entries", [])]
        tickets = [_row(request, Ticket, pk, "tickets") for pk in data.pop("tickets", [])]
        incident = services.incident_record(
            project=project, by=request.user, entries=entries, tickets=tickets, **data
        )
        return self._answer(incident.pk, status.HTTP_201_CREATED)

    @extend_schema(request=s.IncidentStepInputSerializer, responses=s.IncidentSerializer)
    @action(detail=True, methods=["post"], url_path="steps", url_name="steps")
    def steps(self, request: Request, pk: str | None = None) -> Response:
        incident = self.get_object()
        services.incident_step(
            incident=incident, by=request.user, **self.valid(s.IncidentStepInputSerializer, request)
        )
        return self._answer(incident.pk)

    @extend_schema(request=s.IncidentOutcomeSerializer, responses=s.IncidentSerializer)
    @action(detail=True, methods=["post"], url_path="close", url_name="close")
    def close(self, request: Request, pk: str | None = None) -> Response:
        incident = self.get_object()
        services.incident_close(
            incident=incident, by=request.user, **self.valid(s.IncidentOutcomeSerializer, request)
        )
        return self._answer(incident.pk)


class FollowUpViewSet(
    DeskViewSetMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """Key follow-ups (重点跟踪) and referrals (报请): owner, next check date, checks."""

    queryset = Tracking.objects.none()
    serializer_class = s.TrackingSerializer
    filterset_class = TrackingFilterSet
    ordering_fields: list[str] = []

    def get_queryset(self) -> QuerySet[Tracking]:
        if getattr(self, "swagger_fake_view", False):
            return Tracking.objects.none()
        return selectors.tracking_list(user=self.request.user).prefetch_related("checks__by")

    def _answer(self, pk: int, code: int = status.HTTP_200_OK) -> Response:
        return Response(s.TrackingSerializer(self.get_queryset().get(pk=pk)).data, status=code)

    @extend_schema(request=s.TrackingInputSerializer, responses={201: s.TrackingSerializer})
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        data = self.valid(s.TrackingInputSerializer, request)
        project = _project(request, data.pop("project", None))
        tracking = services.tracking_open(
            project=project,
            by=request.user,
            matter=data["matter"],
            owner=_user(data["owner"], "owner"),
            next_check_on=data["next_check_on"],
            household=_row(request, Household, data.get("household"), "household"),
            entry=_row(request, DutyLogEntry, data.get("entry"), "entry"),
            review=_row(request, Review, data.get("review"), "review"),
            referred_to=data.get("referred_to", ""),
        )
        return self._answer(tracking.pk, status.HTTP_201_CREATED)

    @extend_schema(request=s.TrackingCheckInputSerializer, responses=s.TrackingSerializer)
    @action(detail=True, methods=["post"], url_path="check", url_name="check")
    def check(self, request: Request, pk: str | None = None) -> Response:
        tracking = self.get_object()
        services.tracking_check(
            tracking=tracking,
            by=request.user,
            **self.valid(s.TrackingCheckInputSerializer, request),
        )
        return self._answer(tracking.pk)

    @extend_schema(request=s.InstructionSerializer, responses=s.TrackingSerializer)
    @action(detail=True, methods=["post"], url_path="instruct", url_name="instruct")
    def instruct(self, request: Request, pk: str | None = None) -> Response:
        tracking = self.get_object()
        services.tracking_instruct(
            tracking=tracking, by=request.user, **self.valid(s.InstructionSerializer, request)
        )
        return self._answer(tracking.pk)

    @extend_schema(request=s.NoteSerializer, responses=s.TrackingSerializer)
    @action(detail=True, methods=["post"], url_path="close", url_name="close")
    def close(self, request: Request, pk: str | None = None) -> Response:
        tracking = self.get_object()
        services.tracking_close(
            tracking=tracking, by=request.user, **self.valid(s.NoteSerializer, request)
        )
        return self._answer(tracking.pk)


class PhoneKeyThrottle(AnonRateThrottle):
    """A wrong key costs the caller: guessing keys is slow."""

    scope = "phone"
    rate = "120/min"


class RingView(APIView):
    """`POST /api/v1/calls/ring/`: the phone system reports a ring of a desk extension.

    Authenticated by the project's phone-system key in the `X-Phone-Key`
    header (no user session). The clerk of the extension sees the caller's
    household on their open page within a second; nobody else does.
    """

    authentication_classes: list[Any] = []
    permission_classes = [permissions.AllowAny]
    throttle_classes = [PhoneKeyThrottle]

    @extend_schema(
        request=s.RingInputSerializer,
        responses={201: s.RingSerializer},
        parameters=[
            OpenApiParameter(
                "X-Phone-Key",
                str,
                OpenApiParameter.HEADER,
                required=True,
                description="The project's phone-system key.",
            )
        ],
    )
    def post(self, request: Request) -> Response:
        serializer = s.RingInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        ring = services.ring_record(
            key=request.headers.get("X-Phone-Key", ""), **serializer.validated_data
        )
        return Response(s.RingSerializer(ring).data, status=status.HTTP_201_CREATED)
