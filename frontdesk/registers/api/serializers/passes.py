"""Shapes of the item release passes in the API. Serializers shape data; services decide.

The person's phone is masked for a role without `residents.view_phone`; the ID
number is always masked (see `frontdesk.core.masking`).
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from frontdesk.core.masking import id_number_for, phone_for
from frontdesk.desk.api.serializers import DeskMomentField
from tickets.api.serializers import PersonField

from ...choices.passes import ConfirmedVia
from ...models.passes import ReleasePass


class ReleasePassSerializer(serializers.ModelSerializer):
    unit = serializers.SerializerMethodField()
    carrier_phone = serializers.SerializerMethodField()
    carrier_id_number = serializers.SerializerMethodField()
    issued_by = PersonField()
    used_by = PersonField()
    voided_by = PersonField()

    class Meta:
        model = ReleasePass
        fields = [
            "id",
            "project",
            "number",
            "household",
            "unit",
            "carrier_person",
            "carrier_name",
            "carrier_phone",
            "carrier_id_number",
            "confirmed_by",
            "confirmed_via",
            "confirmed_at",
            "goods",
            "quantity",
            "valid_from",
            "valid_until",
            "gate",
            "status",
            "issued_by",
            "issued_at",
            "used_at",
            "used_by",
            "used_gate",
            "voided_at",
            "voided_by",
            "void_reason",
            "print_count",
        ]
        read_only_fields = fields

    def get_unit(self, obj: ReleasePass) -> str:
        return str(obj.household.unit.code)

    def get_carrier_phone(self, obj: ReleasePass) -> str:
        return phone_for(self.context["request"].user, obj.carrier_phone)

    def get_carrier_id_number(self, obj: ReleasePass) -> str:
        return id_number_for(self.context["request"].user, obj.carrier_id_number)


class ReleasePassInputSerializer(serializers.Serializer):
    project = serializers.IntegerField(required=False)
    household = serializers.IntegerField()
    carrier_name = serializers.CharField(max_length=50)
    carrier_phone = serializers.CharField(max_length=20, required=False, allow_blank=True)
    carrier_id_number = serializers.CharField(max_length=30, required=False, allow_blank=True)
    goods = serializers.CharField(max_length=2000)
    quantity = serializers.IntegerField(min_value=1, max_value=100_000)
    valid_from = serializers.DateField()
    valid_until = serializers.DateField(required=False, allow_null=True)
    gate = serializers.CharField(max_length=50)
    confirmed_by = serializers.CharField(max_length=50, required=False, allow_blank=True)
    confirmed_via = serializers.ChoiceField(
        choices=ConfirmedVia.choices, required=False, allow_blank=True
    )
    confirmed_at = DeskMomentField(required=False, allow_null=True)


class GateSerializer(serializers.Serializer):
    gate = serializers.CharField(max_length=50, help_text=_("The gate the goods leave by."))


class VerifyByNumberSerializer(GateSerializer):
    number = serializers.CharField(
        max_length=200,
        help_text=_("The pass number as typed (FX-2026-000001), or the printed QR code's text."),
    )


class VoidSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=200)
