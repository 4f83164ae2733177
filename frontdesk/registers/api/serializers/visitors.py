"""API shapes of visitors and of messages and items left.

Phones are masked for a role without `residents.view_phone`, ID numbers for every role
(as on the pages). Input serializers check types and shapes; the services decide.
"""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from frontdesk.core.masking import id_number_for, phone_for
from tickets.api.serializers import PersonField

from ...choices.visitors import MessageKind, TellHow, VisitorPost
from ...models.visitors import Visitor, VisitorMessage
from ...selectors.visitors import is_lapsed
from ...signatures import SignatureSerializerField


@extend_schema_field(OpenApiTypes.STR)
class MaskedPhoneField(serializers.Field):
    """A phone as the requesting user may see it (138****5678 without the right)."""

    def __init__(self, **kwargs: object) -> None:
        kwargs["read_only"] = True
        super().__init__(**kwargs)  # type: ignore[arg-type]

    def to_representation(self, value: str) -> str:
        request = self.context.get("request")
        return phone_for(request.user, value) if request is not None else ""


@extend_schema_field(OpenApiTypes.STR)
class MaskedIdNumberField(serializers.Field):
    def __init__(self, **kwargs: object) -> None:
        kwargs["read_only"] = True
        super().__init__(**kwargs)  # type: ignore[arg-type]

    def to_representation(self, value: str) -> str:
        request = self.context.get("request")
        return id_number_for(request.user, value) if request is not None else ""


class VisitorSerializer(serializers.ModelSerializer):
    unit = serializers.CharField(source="household.unit.code", read_only=True)
    phone = MaskedPhoneField()
    id_number = MaskedIdNumberField()
    lapsed = serializers.SerializerMethodField()
    registered_by = PersonField()

    class Meta:
        model = Visitor
        fields = [
            "id",
            "project",
            "household",
            "unit",
            "name",
            "phone",
            "id_number",
            "people",
            "purpose",
            "plate",
            "post",
            "status",
            "lapsed",
            "expected_on",
            "expected_at",
            "confirmed_by_phone",
            "confirmed_with",
            "confirmed_at",
            "arrived_at",
            "left_at",
            "registered_at",
            "registered_by",
        ]
        read_only_fields = fields

    def get_lapsed(self, visitor: Visitor) -> bool:
        return is_lapsed(visitor, timezone.localdate())


class VisitorInputSerializer(serializers.Serializer):
    project = serializers.IntegerField(required=False)
    household = serializers.IntegerField()
    name = serializers.CharField(max_length=50)
    phone = serializers.CharField(max_length=20, required=False, allow_blank=True)
    id_number = serializers.CharField(max_length=30, required=False, allow_blank=True)
    people = serializers.IntegerField(min_value=1, max_value=50, required=False, default=1)
    purpose = serializers.CharField(max_length=200)
    plate = serializers.CharField(max_length=16, required=False, allow_blank=True)
    post = serializers.ChoiceField(
        choices=VisitorPost.choices, required=False, default=VisitorPost.DESK
    )
    expected_on = serializers.DateField(required=False, allow_null=True)
    expected_at = serializers.TimeField(required=False, allow_null=True)
    confirmed_by_phone = serializers.BooleanField(required=False, default=False)
    confirmed_with = serializers.CharField(max_length=50, required=False, allow_blank=True)


class VisitorArriveSerializer(serializers.Serializer):
    confirmed_by_phone = serializers.BooleanField(required=False, default=False)
    confirmed_with = serializers.CharField(max_length=50, required=False, allow_blank=True)


class VisitorMessageSerializer(serializers.ModelSerializer):
    unit = serializers.CharField(source="household.unit.code", read_only=True)
    left_by_phone = MaskedPhoneField()
    received_by = PersonField()
    told_by = PersonField()
    handed_over_by = PersonField()
    signature_url = serializers.SerializerMethodField()

    class Meta:
        model = VisitorMessage
        fields = [
            "id",
            "project",
            "household",
            "unit",
            "kind",
            "left_by",
            "left_by_phone",
            "content",
            "status",
            "received_at",
            "received_by",
            "told_at",
            "told_how",
            "told_whom",
            "told_by",
            "collected_at",
            "collector_name",
            "signed_on_paper",
            "signature_url",
            "handed_over_by",
        ]
        read_only_fields = fields

    def get_signature_url(self, message: VisitorMessage) -> str | None:
        if not message.signature:
            return None
        return reverse("registers:visitor-message-signature", args=[message.pk])


class MessageInputSerializer(serializers.Serializer):
    project = serializers.IntegerField(required=False)
    household = serializers.IntegerField()
    kind = serializers.ChoiceField(choices=MessageKind.choices)
    left_by = serializers.CharField(max_length=50)
    left_by_phone = serializers.CharField(max_length=20, required=False, allow_blank=True)
    content = serializers.CharField(max_length=2000)


class MessageTellSerializer(serializers.Serializer):
    how = serializers.ChoiceField(choices=TellHow.choices)
    whom = serializers.CharField(max_length=50)


class MessageCollectSerializer(serializers.Serializer):
    collector_name = serializers.CharField(max_length=50)
    signature = SignatureSerializerField(required=False, allow_blank=True)
    signed_on_paper = serializers.BooleanField(required=False, default=False)
