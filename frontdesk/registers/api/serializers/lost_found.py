"""API serializers of the lost and found register: shapes only, the services decide."""

from __future__ import annotations

from django.urls import reverse
from rest_framework import serializers

from frontdesk.core.masking import phone_for
from tickets.api.serializers import PersonField

from ...choices.lost_found import Disposal
from ...models.lost_found import FoundItem
from ...signatures import SignatureSerializerField


class FoundItemSerializer(serializers.ModelSerializer):
    found_by = PersonField()
    registered_by = PersonField()
    returned_by = PersonField()
    approved_by = PersonField()
    owner_phone = serializers.SerializerMethodField()
    photo_url = serializers.SerializerMethodField()
    signature_url = serializers.SerializerMethodField()

    class Meta:
        model = FoundItem
        fields = [
            "id",
            "project",
            "what",
            "where_found",
            "found_at",
            "found_by_name",
            "found_by",
            "kept_at",
            "perishable",
            "photo_url",
            "registered_by",
            "registered_at",
            "hold_until",
            "status",
            "owner_name",
            "owner_phone",
            "proof",
            "signed_on_paper",
            "signature_url",
            "returned_at",
            "returned_by",
            "disposal",
            "disposal_reason",
            "disposed_at",
            "approved_by",
        ]

    def get_owner_phone(self, obj: FoundItem) -> str:
        return phone_for(self.context["request"].user, obj.owner_phone)

    def get_photo_url(self, obj: FoundItem) -> str | None:
        return reverse("registers:found-photo", args=[obj.pk]) if obj.photo else None

    def get_signature_url(self, obj: FoundItem) -> str | None:
        return reverse("registers:found-signature", args=[obj.pk]) if obj.signature else None


class FoundItemInputSerializer(serializers.Serializer):
    project = serializers.IntegerField(required=False, help_text="Default: the user's only one.")
    what = serializers.CharField(max_length=200)
    where_found = serializers.CharField(max_length=200)
    found_at = serializers.DateTimeField(required=False, allow_null=True)
    found_by = serializers.IntegerField(
        required=False, allow_null=True, help_text="A staff member who found it (user id)."
    )
    found_by_name = serializers.CharField(
        required=False, allow_blank=True, max_length=50, help_text="A resident who found it."
    )
    kept_at = serializers.CharField(max_length=100)
    perishable = serializers.BooleanField(required=False, default=False)
    photo = serializers.FileField(
        required=False, allow_null=True, help_text="A JPEG, PNG or WebP photo (multipart)."
    )


class FoundReturnInputSerializer(serializers.Serializer):
    owner_name = serializers.CharField(max_length=50)
    owner_phone = serializers.CharField(max_length=20)
    proof = serializers.CharField(max_length=200, help_text="How ownership was proved.")
    signature = SignatureSerializerField(required=False, allow_blank=True)
    signed_on_paper = serializers.BooleanField(required=False, default=False)


class DisposeInputSerializer(serializers.Serializer):
    disposal = serializers.ChoiceField(choices=Disposal.choices)
    reason = serializers.CharField(max_length=200)
