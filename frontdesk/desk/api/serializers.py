"""Shapes of the desk's records in the API. Serializers shape data; services run the workflow.

Output serializers read what the selectors joined (no query per row); the
caller's phone is masked for a role without `residents.view_phone`. Input
serializers check only types and shapes; the rules are the services'.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from frontdesk.core.masking import phone_for
from tickets.api.serializers import PersonField
from tickets.choices import Department, Place, TicketKind

from ..choices import Channel, EntryKind, IncidentStepKind, ReferredTo, ReviewKind
from ..models import (
    DutyLogEntry,
    DutyLogFollowUp,
    Handover,
    Incident,
    IncidentStep,
    Review,
    Ring,
    Shift,
    Tracking,
    TrackingCheck,
)


class DeskMomentField(serializers.DateTimeField):
    """A moment the desk records: within the desk's years (far outside them a moment has no
    offset that can be written, and deadlines counted from it overflow the calendar)."""

    def to_internal_value(self, value: Any) -> Any:
        moment = super().to_internal_value(value)
        if not 2000 <= moment.year <= 2999:
            self.fail("out_of_range")
        return moment

    default_error_messages = {
        **serializers.DateTimeField.default_error_messages,
        "out_of_range": _("Enter a date between 2000 and 2999."),
    }


class FollowUpSerializer(serializers.ModelSerializer):
    by = PersonField()

    class Meta:
        model = DutyLogFollowUp
        fields = ["id", "kind", "at", "note", "reason", "new_due_at", "by"]
        read_only_fields = fields


class DutyLogEntrySerializer(serializers.ModelSerializer):
    caller_phone = serializers.SerializerMethodField()
    unit = serializers.SerializerMethodField()
    taken_by = PersonField()
    assigned_to = PersonField()
    promise_by = PersonField()
    ticket_serial = serializers.SerializerMethodField()

    class Meta:
        model = DutyLogEntry
        fields = [
            "id",
            "project",
            "at",
            "channel",
            "kind",
            "caller_name",
            "caller_phone",
            "household",
            "unit",
            "place",
            "matter",
            "taken_by",
            "assigned_to",
            "answered_on_spot",
            "promise",
            "promise_due_at",
            "promise_by",
            "status",
            "answered_at",
            "corrects",
            "correction_reason",
            "ticket",
            "ticket_serial",
            "created_at",
        ]
        read_only_fields = fields

    def get_caller_phone(self, obj: DutyLogEntry) -> str:
        return phone_for(self.context["request"].user, obj.caller_phone)

    def get_unit(self, obj: DutyLogEntry) -> str | None:
        return obj.household.unit.code if obj.household_id else None

    def get_ticket_serial(self, obj: DutyLogEntry) -> str | None:
        return obj.ticket.serial if obj.ticket_id else None


class DutyLogEntryDetailSerializer(DutyLogEntrySerializer):
    follow_ups = FollowUpSerializer(many=True, read_only=True)

    class Meta(DutyLogEntrySerializer.Meta):
        fields = [*DutyLogEntrySerializer.Meta.fields, "follow_ups"]
        read_only_fields = fields


class EntryInputSerializer(serializers.Serializer):
    project = serializers.IntegerField(required=False)
    at = DeskMomentField(required=False)
    channel = serializers.ChoiceField(choices=Channel.choices)
    kind = serializers.ChoiceField(choices=EntryKind.choices)
    caller_name = serializers.CharField(max_length=50, required=False, allow_blank=True)
    caller_phone = serializers.CharField(max_length=20, required=False, allow_blank=True)
    household = serializers.IntegerField(required=False, allow_null=True)
    place = serializers.ChoiceField(choices=Place.choices, required=False, allow_blank=True)
    matter = serializers.CharField(max_length=2000)
    assigned_to = serializers.IntegerField(required=False, allow_null=True)
    answered_on_spot = serializers.BooleanField(required=False, default=False)
    promise = serializers.CharField(max_length=200, required=False, allow_blank=True)
    promise_due_at = DeskMomentField(required=False, allow_null=True)
    promise_by = serializers.IntegerField(required=False, allow_null=True)


class CorrectionSerializer(EntryInputSerializer):
    reason = serializers.CharField(max_length=200)


class NoteSerializer(serializers.Serializer):
    note = serializers.CharField()


class SlipSerializer(serializers.Serializer):
    reason = serializers.CharField()
    told = serializers.CharField()
    new_due_at = DeskMomentField(required=False, allow_null=True)


class OpenOrderSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=TicketKind.choices)
    department = serializers.CharField(required=False, allow_blank=True)
    complaint = serializers.DictField(required=False)


class ShiftSerializer(serializers.ModelSerializer):
    clerk = PersonField()

    class Meta:
        model = Shift
        fields = ["id", "project", "clerk", "starts_at", "ends_at", "status", "closed_at"]
        read_only_fields = fields


class ShiftInputSerializer(serializers.Serializer):
    project = serializers.IntegerField(required=False)
    clerk = serializers.IntegerField()
    starts_at = DeskMomentField()
    ends_at = DeskMomentField()


class CloseShiftSerializer(serializers.Serializer):
    notes = serializers.CharField(required=False, allow_blank=True, default="")


@extend_schema_field(
    {
        "type": "array",
        "items": {
            "type": "object",
            "properties": {
                "key": {"type": "string"},
                "title": {"type": "string"},
                "items": {
                    "type": "array",
                    "items": {
                        "type": "object",
                        "properties": {
                            "text": {"type": "string"},
                            "url": {"type": "string"},
                            "due_at": {"type": "string", "format": "date-time", "nullable": True},
                            "due": {"type": "string"},
                        },
                    },
                },
            },
        },
    }
)
class OpenItemsField(serializers.JSONField):
    """The frozen open items of a handover, in sections."""


class HandoverSerializer(serializers.ModelSerializer):
    shift = ShiftSerializer(read_only=True)
    next_shift = ShiftSerializer(read_only=True, allow_null=True)
    closed_by = PersonField()
    acknowledged_by = PersonField()
    items = OpenItemsField(read_only=True)
    item_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = Handover
        fields = [
            "id",
            "project",
            "shift",
            "next_shift",
            "closed_by",
            "closed_at",
            "items",
            "item_count",
            "notes",
            "status",
            "acknowledged_by",
            "acknowledged_at",
        ]
        read_only_fields = fields


class ReviewSerializer(serializers.ModelSerializer):
    signed_by = PersonField()
    department = serializers.ChoiceField(
        choices=Department.choices, allow_blank=True, read_only=True
    )
    figures = serializers.SerializerMethodField()

    class Meta:
        model = Review
        fields = [
            "id",
            "project",
            "kind",
            "department",
            "starts_on",
            "ends_on",
            "status",
            "figures",
            "comment",
            "signed_by",
            "signed_at",
        ]
        read_only_fields = fields

    @extend_schema_field(OpenApiTypes.OBJECT)
    def get_figures(self, obj: Review) -> dict[str, Any]:
        """Frozen once signed; before, read live on a single review (empty in lists)."""
        if obj.status == "signed" or not self.context.get("live"):
            return dict(obj.figures)
        from ..selectors import review_figures

        return review_figures(
            project_id=obj.project_id,
            starts_on=obj.starts_on,
            ends_on=obj.ends_on,
            department=obj.department,
        )


class ReviewInputSerializer(serializers.Serializer):
    project = serializers.IntegerField(required=False)
    kind = serializers.ChoiceField(choices=ReviewKind.choices)
    department = serializers.ChoiceField(
        choices=Department.choices, required=False, allow_blank=True, default=""
    )
    day = serializers.DateField()


class SignSerializer(serializers.Serializer):
    comment = serializers.CharField()


# --- Incidents, key follow-ups, rings -----------------------------------------------------


class IncidentStepSerializer(serializers.ModelSerializer):
    by = PersonField()

    class Meta:
        model = IncidentStep
        fields = ["id", "kind", "at", "who", "text", "by"]
        read_only_fields = fields


class IncidentSerializer(serializers.ModelSerializer):
    recorded_by = PersonField()
    steps = IncidentStepSerializer(many=True, read_only=True)
    entries = serializers.PrimaryKeyRelatedField(many=True, read_only=True)
    tickets = serializers.PrimaryKeyRelatedField(many=True, read_only=True)

    class Meta:
        model = Incident
        fields = [
            "id",
            "project",
            "what",
            "where",
            "occurred_at",
            "status",
            "entries",
            "tickets",
            "steps",
            "outcome",
            "recorded_by",
            "created_at",
            "closed_at",
        ]
        read_only_fields = fields


class IncidentInputSerializer(serializers.Serializer):
    project = serializers.IntegerField(required=False)
    what = serializers.CharField(max_length=200)
    where = serializers.CharField(max_length=200)
    occurred_at = DeskMomentField(required=False)
    entries = serializers.ListField(child=serializers.IntegerField(), required=False)
    tickets = serializers.ListField(child=serializers.IntegerField(), required=False)


class IncidentStepInputSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=IncidentStepKind.choices)
    at = DeskMomentField(required=False)
    who = serializers.CharField(max_length=100, required=False, allow_blank=True)
    text = serializers.CharField(required=False, allow_blank=True)


class IncidentOutcomeSerializer(serializers.Serializer):
    outcome = serializers.CharField()


class TrackingCheckSerializer(serializers.ModelSerializer):
    by = PersonField()

    class Meta:
        model = TrackingCheck
        fields = ["id", "at", "note", "next_check_on", "by"]
        read_only_fields = fields


class TrackingSerializer(serializers.ModelSerializer):
    owner = PersonField()
    instructed_by = PersonField()
    checks = TrackingCheckSerializer(many=True, read_only=True)

    class Meta:
        model = Tracking
        fields = [
            "id",
            "project",
            "matter",
            "household",
            "entry",
            "review",
            "owner",
            "next_check_on",
            "referred_to",
            "instruction",
            "instructed_by",
            "instructed_at",
            "status",
            "checks",
            "created_at",
            "closed_at",
        ]
        read_only_fields = fields


class TrackingInputSerializer(serializers.Serializer):
    project = serializers.IntegerField(required=False)
    matter = serializers.CharField(max_length=200)
    owner = serializers.IntegerField()
    next_check_on = serializers.DateField()
    household = serializers.IntegerField(required=False, allow_null=True)
    entry = serializers.IntegerField(required=False, allow_null=True)
    review = serializers.IntegerField(required=False, allow_null=True)
    referred_to = serializers.ChoiceField(
        choices=ReferredTo.choices, required=False, allow_blank=True
    )


class TrackingCheckInputSerializer(serializers.Serializer):
    note = serializers.CharField()
    next_check_on = serializers.DateField(required=False, allow_null=True)


class InstructionSerializer(serializers.Serializer):
    instruction = serializers.CharField()


class RingInputSerializer(serializers.Serializer):
    number = serializers.CharField(max_length=30)
    extension = serializers.CharField(max_length=10)


class RingSerializer(serializers.ModelSerializer):
    class Meta:
        model = Ring
        fields = ["id", "project", "extension", "rang_at", "answered_at", "entry"]
        read_only_fields = fields
