"""API serializers of the valuables in custody register: shapes only, the services decide."""

from __future__ import annotations

from django.urls import reverse
from rest_framework import serializers

from frontdesk.core.masking import phone_for
from residents.choices import IdType
from tickets.api.serializers import PersonField

from ...models.custody import CustodyDelegate, Deposit
from ...signatures import SignatureSerializerField


class CustodyDelegateSerializer(serializers.ModelSerializer):
    phone = serializers.SerializerMethodField()
    recorded_by = PersonField()

    class Meta:
        model = CustodyDelegate
        fields = ["id", "name", "phone", "note", "named_at", "recorded_by"]

    def get_phone(self, obj: CustodyDelegate) -> str:
        return phone_for(self.context["request"].user, obj.phone)


class CustodyDepositSerializer(serializers.ModelSerializer):
    owner_phone = serializers.SerializerMethodField()
    unit = serializers.SerializerMethodField()
    received_by = PersonField()
    returned_by = PersonField()

    class Meta:
        model = Deposit
        fields = [
            "id",
            "project",
            "number",
            "household",
            "unit",
            "owner_name",
            "owner_phone",
            "description",
            "declared_value",
            "received_by",
            "received_at",
            "status",
            "print_count",
            "returned_at",
            "returned_by",
            "collector",
            "collector_name",
            "collector_id_type",
            "collector_id_last4",
            "signed_on_paper",
        ]

    def get_owner_phone(self, obj: Deposit) -> str:
        return phone_for(self.context["request"].user, obj.owner_phone)

    def get_unit(self, obj: Deposit) -> str | None:
        return obj.household.unit.code if obj.household_id else None


class CustodyDepositDetailSerializer(CustodyDepositSerializer):
    delegates = CustodyDelegateSerializer(many=True, read_only=True)
    photos = serializers.SerializerMethodField()
    signature_url = serializers.SerializerMethodField()

    class Meta(CustodyDepositSerializer.Meta):
        fields = [*CustodyDepositSerializer.Meta.fields, "delegates", "photos", "signature_url"]

    def get_photos(self, obj: Deposit) -> list[str]:
        return [reverse("registers:custody-photo", args=[p.pk]) for p in obj.photos.all()]

    def get_signature_url(self, obj: Deposit) -> str | None:
        return reverse("registers:custody-signature", args=[obj.pk]) if obj.signature else None


class CustodyDepositInputSerializer(serializers.Serializer):
    project = serializers.IntegerField(required=False, help_text="Default: the user's only one.")
    household = serializers.IntegerField(required=False, allow_null=True)
    owner_name = serializers.CharField(max_length=50)
    owner_phone = serializers.CharField(max_length=20)
    description = serializers.CharField(max_length=2000)
    declared_value = serializers.DecimalField(
        max_digits=12, decimal_places=2, required=False, allow_null=True, min_value=0
    )
    delegate_name = serializers.CharField(required=False, allow_blank=True, max_length=50)
    delegate_phone = serializers.CharField(required=False, allow_blank=True, max_length=20)
    photos = serializers.ListField(
        child=serializers.FileField(),
        help_text="One or more photos (JPEG, PNG or WebP), sent as multipart/form-data.",
    )


class CustodyDelegateInputSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=50)
    phone = serializers.CharField(required=False, allow_blank=True, max_length=20)
    note = serializers.CharField(max_length=200, help_text="How the owner named them.")


class CustodyReturnInputSerializer(serializers.Serializer):
    receipt_number = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        max_length=20,
        help_text="From the owner's receipt (required: a return without it is refused).",
    )
    collector_name = serializers.CharField(max_length=50)
    id_type = serializers.ChoiceField(choices=IdType.choices)
    id_last4 = serializers.CharField(max_length=4, help_text="The ID's last four characters only.")
    signature = SignatureSerializerField(required=False, allow_blank=True)
    signed_on_paper = serializers.BooleanField(required=False, default=False)
