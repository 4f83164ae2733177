"""Shapes of work orders in the API. Serializers shape data; services run the workflow.

Output serializers read what the selectors joined (no query per row). Input
serializers only check types and shapes (a malformed time, an unknown
choice); the rules of the process are the services'.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from frontdesk.core.api.deadlines import DeadlineSerializer
from frontdesk.core.deadlines import deadlines_of
from frontdesk.core.masking import phone_for

from ..choices import (
    ComplaintCategory,
    ComplaintReason,
    ContractKind,
    Department,
    Dissatisfied,
    Place,
    Priority,
    Rating,
    ReferredTo,
    Satisfaction,
    ScheduleType,
    Source,
    Temper,
    TicketKind,
)
from ..models import (
    Callback,
    ComplaintDetail,
    ContractVisit,
    LiaisonForm,
    MonthlyContract,
    PromiseSlip,
    ResidentRating,
    Ticket,
    TicketEvent,
    WarrantyReport,
)
from ..printing import resident_url
from ..selectors import commitment_of
from ..transitions import allowed_actions


def _person(user: Any) -> dict[str, Any] | None:
    if user is None:
        return None
    return {"id": user.pk, "name": user.get_full_name() or user.get_username()}


STAFF_SCHEMA: dict[str, Any] = {
    "type": "object",
    "nullable": True,
    "properties": {"id": {"type": "integer"}, "name": {"type": "string"}},
    "required": ["id", "name"],
}


@extend_schema_field(STAFF_SCHEMA)
class PersonField(serializers.Field):
    """A staff member as ``{"id": 3, "name": "王芳"}`` (read only)."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs["read_only"] = True
        super().__init__(**kwargs)

    def to_representation(self, value: Any) -> dict[str, Any] | None:
        return _person(value)

    def get_attribute(self, instance: Any) -> Any:
        # A null foreign key must reach to_representation as None, not be skipped.
        try:
            return super().get_attribute(instance)
        except (AttributeError, KeyError):
            return None


@extend_schema_field(
    {
        "type": "string",
        "pattern": r"^([01][0-9]|2[0-3]):[0-5][0-9](:[0-5][0-9](\.[0-9]+)?)?$",
        "example": "09:30:00",
        "description": "A local time of day, HH:MM or HH:MM:SS (no time zone).",
    }
)
class LocalTimeField(serializers.TimeField):
    """A time of day in the project's local time, as the desk writes it (09:30)."""


# --- Output ------------------------------------------------------------------------------


class TicketEventSerializer(serializers.ModelSerializer):
    actor = PersonField()
    action_label = serializers.CharField(read_only=True)

    class Meta:
        model = TicketEvent
        fields = [
            "at",
            "actor",
            "action",
            "action_label",
            "from_status",
            "to_status",
            "note",
            "data",
        ]


class CommitmentSerializer(serializers.Serializer):
    """The commitment given to the resident: what will be done, by when, by whom."""

    what = serializers.CharField()
    by_when = serializers.DateTimeField(allow_null=True)
    by_whom = serializers.CharField()
    by_whom_user = serializers.IntegerField(allow_null=True)
    given_at = serializers.DateTimeField()
    given_by = PersonField()
    action = serializers.CharField()


class ComplaintSerializer(serializers.ModelSerializer):
    butler = PersonField()
    decided_by = PersonField()
    marked_by = PersonField()

    class Meta:
        model = ComplaintDetail
        exclude = ["id", "ticket"]


class TicketRowSerializer(serializers.ModelSerializer):
    """An order as a list shows it: what, where, who has it, where it stands, when it is due
    and whether it is overdue, and the commitment given to the resident.

    Its timeline, promises, complaint handling, fees and the steps open now are on the
    order itself (`GET /tickets/{id}/`). Reads only what `selectors.ticket_rows` loads.
    """

    unit = serializers.SerializerMethodField()
    where = serializers.CharField(read_only=True)
    place = serializers.ChoiceField(choices=Place.choices, allow_blank=True, read_only=True)
    department = serializers.ChoiceField(
        choices=Department.choices, allow_blank=True, read_only=True
    )
    reporter_phone = serializers.SerializerMethodField()
    assignee = PersonField()
    created_by = PersonField()
    overdue = serializers.BooleanField(
        source="is_overdue",
        read_only=True,
        help_text=_(
            "An open promise of the order is past its due time, or the order is not back "
            "at the desk (a complaint: not answered) past its own due time."
        ),
    )
    commitment = serializers.SerializerMethodField()

    class Meta:
        model = Ticket
        fields = [
            "id",
            "serial",
            "project",
            "kind",
            "status",
            "household",
            "unit",
            "building",
            "place",
            "location",
            "where",
            "reporter_name",
            "reporter_phone",
            "matter",
            "source",
            "priority",
            "appointment_at",
            "due_at",
            "overdue",
            "department",
            "assignee",
            "created_by",
            "paid",
            "rework_of",
            "complaint_from",
            "created_at",
            "dispatched_at",
            "accepted_at",
            "arrived_at",
            "done_at",
            "returned_at",
            "visited_at",
            "closed_at",
            "voided_at",
            "follow_up_count",
            "commitment",
        ]
        read_only_fields = fields

    @extend_schema_field(CommitmentSerializer(allow_null=True))
    def get_commitment(self, ticket: Ticket) -> dict[str, Any] | None:
        """The latest commitment given to the resident (null before one is given)."""
        given = commitment_of(ticket)
        return CommitmentSerializer(given).data if given is not None else None

    @extend_schema_field(OpenApiTypes.STR)
    def get_unit(self, ticket: Ticket) -> str:
        return ticket.household.unit.code if ticket.household_id else ""

    @extend_schema_field(OpenApiTypes.STR)
    def get_reporter_phone(self, ticket: Ticket) -> str:
        request = self.context.get("request")
        if request is None:
            return ""
        return phone_for(request.user, ticket.reporter_phone)


class TicketSerializer(TicketRowSerializer):
    """An order's own fields with its timeline, promises and complaint handling: the base of
    the order's detail."""

    complaint = ComplaintSerializer(read_only=True, default=None, allow_null=True)
    timeline = TicketEventSerializer(source="events", many=True, read_only=True)
    deadlines = serializers.SerializerMethodField()

    class Meta:
        model = Ticket
        fields = [
            "id",
            "serial",
            "project",
            "kind",
            "status",
            "household",
            "unit",
            "building",
            "place",
            "location",
            "where",
            "reporter_name",
            "reporter_phone",
            "matter",
            "description",
            "source",
            "priority",
            "appointment_at",
            "address_confirmed",
            "confirmed_time_at",
            "due_at",
            "department",
            "assignee",
            "created_by",
            "paid",
            "is_hourly",
            "fee_quote",
            "fee_acknowledged_at",
            "priced_at",
            "fee_charged",
            "material_cost",
            "rework_of",
            "complaint_from",
            "created_at",
            "dispatched_at",
            "accepted_at",
            "arrived_at",
            "done_at",
            "returned_at",
            "visited_at",
            "closed_at",
            "return_late_reason",
            "result",
            "pause_reason",
            "close_reason",
            "voided_at",
            "void_reason",
            "voided_by",
            "print_count",
            "follow_up_count",
            "complaint",
            "timeline",
            "commitment",
            "deadlines",
        ]
        read_only_fields = fields

    @extend_schema_field(DeadlineSerializer(many=True))
    def get_deadlines(self, ticket: Ticket) -> list[dict[str, Any]]:
        """The order's promises (due_at, met_at, overdue)."""
        return DeadlineSerializer(deadlines_of(ticket), many=True).data  # type: ignore[return-value]

    def to_representation(self, instance: Ticket) -> dict[str, Any]:
        data = super().to_representation(instance)
        if instance.kind != TicketKind.COMPLAINT:
            data["complaint"] = None
        return data


class CallbackSerializer(serializers.ModelSerializer):
    by = PersonField()
    follow_up_serial = serializers.CharField(
        source="follow_up_ticket.serial", default="", read_only=True
    )

    class Meta:
        model = Callback
        exclude = ["ticket"]


class PromiseSlipSerializer(serializers.ModelSerializer):
    by = PersonField()

    class Meta:
        model = PromiseSlip
        exclude = ["ticket"]


class WarrantyReportSerializer(serializers.ModelSerializer):
    by = PersonField()

    class Meta:
        model = WarrantyReport
        fields = ["date", "progress", "by", "created_at"]


class ResidentRatingSerializer(serializers.ModelSerializer):
    class Meta:
        model = ResidentRating
        fields = ["at", "satisfaction", "comment"]


class WarrantySerializer(serializers.Serializer):
    """A repair passed to the developer (返修): who has it and the daily reports."""

    contractor = serializers.CharField()
    contractor_contact = serializers.CharField()
    liaison = PersonField()
    passed_at = serializers.DateTimeField()
    reports = WarrantyReportSerializer(many=True)


class LiaisonSummarySerializer(serializers.Serializer):
    id = serializers.IntegerField()
    number = serializers.CharField()
    to_department = serializers.CharField()
    status = serializers.CharField()


class TicketDetailSerializer(TicketSerializer):
    """One order with everything about it, and the actions open to the caller now."""

    callbacks = CallbackSerializer(many=True, read_only=True)
    promise_slips = PromiseSlipSerializer(many=True, read_only=True)
    warranty = serializers.SerializerMethodField()
    resident_rating = serializers.SerializerMethodField()
    liaison_forms = serializers.SerializerMethodField()
    actions = serializers.SerializerMethodField()
    resident_link = serializers.SerializerMethodField(
        help_text=_(
            "The resident's signed, expiring page of the order (progress and rating), "
            "as on the resident's copy's QR code: for an SMS or a resident app."
        )
    )

    class Meta(TicketSerializer.Meta):
        fields = [
            *TicketSerializer.Meta.fields,
            "callbacks",
            "promise_slips",
            "warranty",
            "resident_rating",
            "liaison_forms",
            "actions",
            "resident_link",
        ]
        read_only_fields = fields

    @extend_schema_field(WarrantySerializer(allow_null=True))
    def get_warranty(self, ticket: Ticket) -> dict[str, Any] | None:
        warranty = getattr(ticket, "warranty", None)
        if warranty is None:
            return None
        return {
            "contractor": warranty.contractor,
            "contractor_contact": warranty.contractor_contact,
            "liaison": _person(warranty.liaison),
            "passed_at": serializers.DateTimeField().to_representation(warranty.passed_at),
            "reports": WarrantyReportSerializer(warranty.reports.all(), many=True).data,
        }

    @extend_schema_field(ResidentRatingSerializer(allow_null=True))
    def get_resident_rating(self, ticket: Ticket) -> dict[str, Any] | None:
        rating = getattr(ticket, "resident_rating", None)
        return ResidentRatingSerializer(rating).data if rating is not None else None

    @extend_schema_field(LiaisonSummarySerializer(many=True))
    def get_liaison_forms(self, ticket: Ticket) -> list[dict[str, Any]]:
        return [
            {"id": f.id, "number": f.number, "to_department": f.to_department, "status": f.status}
            for f in ticket.liaison_forms.all()
        ]

    @extend_schema_field(OpenApiTypes.URI)
    def get_resident_link(self, ticket: Ticket) -> str:
        return resident_url(ticket, self.context.get("request"))

    @extend_schema_field({"type": "array", "items": {"type": "string"}})
    def get_actions(self, ticket: Ticket) -> list[str]:
        request = self.context.get("request")
        by = request.user if request is not None else None
        return [t.url_name for t in allowed_actions(ticket, by)]


# --- Input -------------------------------------------------------------------------------


class ComplaintInputSerializer(serializers.Serializer):
    category = serializers.ChoiceField(choices=ComplaintCategory.choices)
    reason = serializers.ChoiceField(choices=ComplaintReason.choices)
    temper = serializers.ChoiceField(choices=Temper.choices, required=False)
    resident_wants = serializers.CharField(required=False, allow_blank=True)


class TicketCreateSerializer(serializers.Serializer):
    project = serializers.IntegerField(
        required=False,
        min_value=1,
        help_text=_(
            "Needed only when you work in more than one project and name neither a household "
            "nor a building: the order is otherwise in their project."
        ),
    )
    kind = serializers.ChoiceField(choices=TicketKind.choices)
    household = serializers.IntegerField(required=False, allow_null=True, min_value=1)
    building = serializers.IntegerField(required=False, allow_null=True, min_value=1)
    place = serializers.ChoiceField(choices=Place.choices, required=False, allow_blank=True)
    location = serializers.CharField(required=False, allow_blank=True, max_length=200)
    reporter_name = serializers.CharField(required=False, allow_blank=True, max_length=50)
    reporter_phone = serializers.CharField(required=False, allow_blank=True, max_length=20)
    matter = serializers.CharField(max_length=200)
    description = serializers.CharField(required=False, allow_blank=True)
    source = serializers.ChoiceField(choices=Source.choices, required=False)
    priority = serializers.ChoiceField(choices=Priority.choices, required=False)
    appointment_at = serializers.DateTimeField(required=False, allow_null=True)
    address_confirmed = serializers.BooleanField(required=False)
    time_confirmed = serializers.BooleanField(required=False)
    department = serializers.ChoiceField(
        choices=Department.choices, required=False, allow_blank=True
    )
    paid = serializers.BooleanField(required=False, allow_null=True, default=None)
    is_hourly = serializers.BooleanField(required=False)
    fee_quote = serializers.DecimalField(
        max_digits=10, decimal_places=2, min_value=0, required=False, allow_null=True
    )
    complaint = ComplaintInputSerializer(required=False)


class StepNoteSerializer(serializers.Serializer):
    """A note on a step of an order (optional)."""

    note = serializers.CharField(required=False, allow_blank=True, default="")


class ReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=200)


class QuoteSerializer(StepNoteSerializer):
    fee_quote = serializers.DecimalField(
        max_digits=10, decimal_places=2, min_value=0, required=False, allow_null=True
    )


class PriceSerializer(StepNoteSerializer):
    price = serializers.DecimalField(max_digits=10, decimal_places=2, min_value=0)
    lead = serializers.IntegerField(min_value=1, help_text=_("User id of the area lead."))


class ConfirmTimeSerializer(StepNoteSerializer):
    appointment_at = serializers.DateTimeField()


class CommitSerializer(StepNoteSerializer):
    what = serializers.CharField(max_length=200, help_text=_("What will be done."))
    by_when = serializers.DateTimeField(help_text=_("By when it will be done."))
    by_whom = serializers.CharField(
        max_length=100, required=False, allow_blank=True, default="", help_text=_("By whom.")
    )
    by_whom_user = serializers.IntegerField(
        required=False,
        allow_null=True,
        min_value=1,
        help_text=_("User id of the staff member who will do it (instead of a name)."),
    )


class DispatchSerializer(StepNoteSerializer):
    department = serializers.ChoiceField(
        choices=Department.choices, required=False, allow_blank=True
    )
    assignee = serializers.IntegerField(required=False, allow_null=True, min_value=1)


class ArriveSerializer(StepNoteSerializer):
    at = serializers.DateTimeField(required=False, allow_null=True)


class TransferSerializer(ReasonSerializer):
    department = serializers.ChoiceField(
        choices=Department.choices, required=False, allow_blank=True
    )
    assignee = serializers.IntegerField(required=False, allow_null=True, min_value=1)


class CompleteSerializer(serializers.Serializer):
    result = serializers.CharField(required=False, allow_blank=True, default="")
    fee_charged = serializers.DecimalField(
        max_digits=10, decimal_places=2, min_value=0, required=False, allow_null=True
    )
    material_cost = serializers.DecimalField(
        max_digits=10, decimal_places=2, min_value=0, required=False, allow_null=True
    )


class ReturnSerializer(StepNoteSerializer):
    late_reason = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=200
    )


class CallbackInputSerializer(serializers.Serializer):
    reached = serializers.BooleanField(default=True)
    satisfaction = serializers.ChoiceField(
        choices=Satisfaction.choices, required=False, allow_blank=True
    )
    attitude = serializers.ChoiceField(choices=Rating.choices, required=False, allow_blank=True)
    quality = serializers.ChoiceField(choices=Rating.choices, required=False, allow_blank=True)
    improper_charge = serializers.BooleanField(default=False)
    improper_charge_note = serializers.CharField(required=False, allow_blank=True, max_length=200)
    comment = serializers.CharField(required=False, allow_blank=True)
    follow_up = serializers.ChoiceField(
        choices=Dissatisfied.choices, required=False, allow_blank=True
    )


class ReworkSerializer(serializers.Serializer):
    matter = serializers.CharField(required=False, allow_blank=True, max_length=200, default="")


class PromiseSlipInputSerializer(serializers.Serializer):
    reason = serializers.CharField()
    remedy = serializers.CharField()
    told_resident_at = serializers.DateTimeField(required=False, allow_null=True)


class FindingsSerializer(serializers.Serializer):
    findings = serializers.CharField()


class ReplySerializer(serializers.Serializer):
    reply = serializers.CharField()


class AnswerSerializer(serializers.Serializer):
    answer = serializers.CharField()


class ReferSerializer(serializers.Serializer):
    referred_to = serializers.ChoiceField(choices=ReferredTo.choices)
    note = serializers.CharField()


class DecideSerializer(serializers.Serializer):
    decision = serializers.CharField()
    close_tracking = serializers.BooleanField(default=False)


class MarkValidSerializer(serializers.Serializer):
    valid = serializers.BooleanField()
    cause = serializers.CharField(required=False, allow_blank=True, default="")
    lesson = serializers.CharField(required=False, allow_blank=True, default="")
    change = serializers.CharField(required=False, allow_blank=True, default="")


class WarrantyPassSerializer(serializers.Serializer):
    contractor = serializers.CharField(max_length=100)
    contractor_contact = serializers.CharField(
        required=False, allow_blank=True, max_length=100, default=""
    )
    liaison = serializers.IntegerField(min_value=1, help_text=_("User id of the liaison."))


class WarrantyReportInputSerializer(serializers.Serializer):
    progress = serializers.CharField()
    date = serializers.DateField(required=False, allow_null=True)


# --- Liaison forms and contracts -----------------------------------------------------------


class LiaisonFormSerializer(serializers.ModelSerializer):
    created_by = PersonField()
    replied_by = PersonField()
    ticket_serial = serializers.CharField(source="ticket.serial", default="", read_only=True)

    class Meta:
        model = LiaisonForm
        fields = [
            "id",
            "project",
            "number",
            "from_department",
            "to_department",
            "matter",
            "ticket",
            "ticket_serial",
            "status",
            "reply",
            "replied_at",
            "replied_by",
            "closed_at",
            "created_by",
            "created_at",
        ]
        read_only_fields = fields


class LiaisonCreateSerializer(serializers.Serializer):
    project = serializers.IntegerField(
        required=False,
        min_value=1,
        help_text=_(
            "Needed only when you work in more than one project and name no order: the form "
            "is otherwise in the order's project."
        ),
    )
    from_department = serializers.ChoiceField(choices=Department.choices)
    to_department = serializers.ChoiceField(choices=Department.choices)
    matter = serializers.CharField()
    ticket = serializers.IntegerField(required=False, allow_null=True, min_value=1)


class ContractVisitSerializer(serializers.ModelSerializer):
    ticket_serial = serializers.CharField(source="ticket.serial", default="", read_only=True)

    class Meta:
        model = ContractVisit
        fields = ["date", "ticket", "ticket_serial"]


class ContractRegisterRowSerializer(serializers.Serializer):
    """One due visit of a contract's month, and its order once opened."""

    date = serializers.DateField()
    due = serializers.BooleanField(help_text="Whether the contract's schedule falls on this day.")
    ticket = serializers.IntegerField(allow_null=True)
    serial = serializers.CharField()
    status = serializers.CharField(help_text="The order's status; blank before it is opened.")


class MonthlyContractSerializer(serializers.ModelSerializer):
    unit = serializers.CharField(source="household.unit.code", read_only=True)
    visit_time = LocalTimeField(read_only=True, allow_null=True)
    created_by = PersonField()

    class Meta:
        model = MonthlyContract
        fields = [
            "id",
            "project",
            "household",
            "unit",
            "kind",
            "service",
            "schedule_type",
            "schedule_days",
            "visit_time",
            "price",
            "starts_on",
            "ends_on",
            "created_by",
            "created_at",
        ]
        read_only_fields = fields


class ContractCreateSerializer(serializers.Serializer):
    household = serializers.IntegerField(min_value=1)
    kind = serializers.ChoiceField(choices=ContractKind.choices)
    service = serializers.CharField(max_length=200)
    schedule_type = serializers.ChoiceField(choices=ScheduleType.choices)
    schedule_days = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=31), min_length=1
    )
    visit_time = LocalTimeField(required=False, allow_null=True)
    price = serializers.DecimalField(max_digits=10, decimal_places=2, min_value=0)
    starts_on = serializers.DateField()
    ends_on = serializers.DateField(required=False, allow_null=True)


class ContractVisitOpenSerializer(serializers.Serializer):
    date = serializers.DateField()
    appointment_at = serializers.DateTimeField()
    matter = serializers.CharField(required=False, allow_blank=True, max_length=200, default="")
