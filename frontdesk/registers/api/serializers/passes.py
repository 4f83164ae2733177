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

from ...choices.passes import CardWorkKind, ConfirmedVia, HolderKind
from ...models.passes import CardWork, ReleasePass, TemporaryPass


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


class TemporaryPassSerializer(serializers.ModelSerializer):
    unit = serializers.SerializerMethodField()
    holder_phone = serializers.SerializerMethodField()
    holder_id_number = serializers.SerializerMethodField()
    issued_by = PersonField()
    closed_by = PersonField()

    class Meta:
        model = TemporaryPass
        fields = [
            "id",
            "project",
            "number",
            "holder_kind",
            "holder_name",
            "holder_phone",
            "holder_id_number",
            "household",
            "unit",
            "company",
            "valid_from",
            "valid_until",
            "deposit",
            "fee",
            "desk_charge",
            "status",
            "issued_by",
            "issued_at",
            "closed_at",
            "closed_by",
            "deposit_returned",
            "note",
        ]
        read_only_fields = fields

    def get_unit(self, obj: TemporaryPass) -> str | None:
        return str(obj.household.unit.code) if obj.household_id else None

    def get_holder_phone(self, obj: TemporaryPass) -> str:
        return phone_for(self.context["request"].user, obj.holder_phone)

    def get_holder_id_number(self, obj: TemporaryPass) -> str:
        return id_number_for(self.context["request"].user, obj.holder_id_number)


class TemporaryPassInputSerializer(serializers.Serializer):
    project = serializers.IntegerField(required=False)
    household = serializers.IntegerField(required=False, allow_null=True)
    holder_kind = serializers.ChoiceField(choices=HolderKind.choices)
    holder_name = serializers.CharField(max_length=50)
    holder_phone = serializers.CharField(max_length=20, required=False, allow_blank=True)
    holder_id_number = serializers.CharField(max_length=30, required=False, allow_blank=True)
    company = serializers.CharField(max_length=100, required=False, allow_blank=True)
    valid_from = serializers.DateField()
    valid_until = serializers.DateField()
    deposit = serializers.DecimalField(max_digits=10, decimal_places=2, required=False)
    fee = serializers.DecimalField(
        max_digits=10,
        decimal_places=2,
        required=False,
        help_text=_("Put on the household's next bill (needs the household)."),
    )
    note = serializers.CharField(max_length=200, required=False, allow_blank=True)


class TemporaryPassReturnSerializer(serializers.Serializer):
    deposit_returned = serializers.BooleanField(required=False, default=True)


class LoseSerializer(serializers.Serializer):
    note = serializers.CharField(max_length=200, required=False, allow_blank=True)


class CardWorkSerializer(serializers.ModelSerializer):
    unit = serializers.SerializerMethodField()
    card_number = serializers.CharField(source="card.number", read_only=True)
    card_kind = serializers.CharField(source="card.kind", read_only=True)
    new_card_number = serializers.SerializerMethodField()
    done_by = PersonField()

    class Meta:
        model = CardWork
        fields = [
            "id",
            "project",
            "household",
            "unit",
            "card",
            "card_kind",
            "card_number",
            "kind",
            "new_card",
            "new_card_number",
            "fee",
            "desk_charge",
            "note",
            "done_by",
            "done_at",
        ]
        read_only_fields = fields

    def get_unit(self, obj: CardWork) -> str:
        return str(obj.household.unit.code)

    def get_new_card_number(self, obj: CardWork) -> str | None:
        return obj.new_card.number if obj.new_card_id else None


class CardWorkInputSerializer(serializers.Serializer):
    card = serializers.IntegerField()
    kind = serializers.ChoiceField(choices=CardWorkKind.choices)
    new_number = serializers.CharField(
        max_length=30,
        required=False,
        allow_blank=True,
        help_text=_("The new card's number (a replacement)."),
    )
    fee = serializers.DecimalField(max_digits=10, decimal_places=2, required=False)
    note = serializers.CharField(max_length=200, required=False, allow_blank=True)
