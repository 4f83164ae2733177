"""API shapes of mail and parcels. Serializers shape data; the services decide."""

from __future__ import annotations

from django.urls import reverse
from rest_framework import serializers

from tickets.api.serializers import PersonField

from ...choices.parcels import Carrier, CollectorKind, IdType, ParcelKind, TellChannel
from ...models.parcels import Parcel
from ...signatures import SignatureSerializerField


class ParcelSerializer(serializers.ModelSerializer):
    unit = serializers.CharField(source="household.unit.code", read_only=True)
    received_by = PersonField()
    told_by = PersonField()
    handed_over_by = PersonField()
    returned_by = PersonField()
    signature_url = serializers.SerializerMethodField()

    class Meta:
        model = Parcel
        fields = [
            "id",
            "project",
            "household",
            "unit",
            "building",
            "kind",
            "carrier",
            "tracking_number",
            "note",
            "status",
            "received_at",
            "received_by",
            "told_at",
            "told_channel",
            "told_by",
            "collected_at",
            "collector_name",
            "collector_kind",
            "collector_id_type",
            "collector_id_last",
            "signed_on_paper",
            "signature_url",
            "handed_over_by",
            "returned_at",
            "return_reason",
            "returned_by",
        ]
        read_only_fields = fields

    def get_signature_url(self, parcel: Parcel) -> str | None:
        if not parcel.signature:
            return None
        return reverse("registers:parcel-signature", args=[parcel.pk])


class ParcelInputSerializer(serializers.Serializer):
    project = serializers.IntegerField(required=False)
    household = serializers.IntegerField()
    kind = serializers.ChoiceField(choices=ParcelKind.choices)
    carrier = serializers.ChoiceField(choices=Carrier.choices)
    tracking_number = serializers.CharField(max_length=60, required=False, allow_blank=True)
    note = serializers.CharField(max_length=200, required=False, allow_blank=True)


class ParcelTellSerializer(serializers.Serializer):
    channel = serializers.ChoiceField(choices=TellChannel.choices)


class ParcelPickupSerializer(serializers.Serializer):
    collector_name = serializers.CharField(max_length=50)
    collector_kind = serializers.ChoiceField(
        choices=CollectorKind.choices, required=False, default=CollectorKind.RESIDENT
    )
    signature = SignatureSerializerField(required=False, allow_blank=True)
    signed_on_paper = serializers.BooleanField(required=False, default=False)
    id_type = serializers.ChoiceField(choices=IdType.choices, required=False, allow_blank=True)
    id_last_digits = serializers.CharField(max_length=6, required=False, allow_blank=True)


class ParcelReturnSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=200)
