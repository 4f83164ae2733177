"""Shapes of incoming documents in the API. Input serializers check types; rules are the
services'."""

from __future__ import annotations

from rest_framework import serializers

from frontdesk.desk.api.serializers import DeskMomentField
from tickets.api.serializers import PersonField
from tickets.choices import Department

from ...choices.documents import Urgency
from ...models import DocumentReceipt, IncomingDocument


class DocumentReceiptSerializer(serializers.ModelSerializer):
    acknowledged_by = PersonField()

    class Meta:
        model = DocumentReceipt
        fields = ["department", "acknowledged_at", "acknowledged_by", "signer"]
        read_only_fields = fields


class IncomingDocumentSerializer(serializers.ModelSerializer):
    received_by = PersonField()
    instructed_by = PersonField()
    receipts = DocumentReceiptSerializer(many=True, read_only=True)
    scan = serializers.SerializerMethodField()

    class Meta:
        model = IncomingDocument
        fields = [
            "id",
            "project",
            "serial",
            "sender",
            "title",
            "reference",
            "pages",
            "copies",
            "urgency",
            "received_at",
            "received_by",
            "scan",
            "status",
            "instruction",
            "instructed_by",
            "instructed_at",
            "receipts",
            "corrects",
            "void_reason",
            "voided_at",
            "created_at",
        ]
        read_only_fields = fields

    def get_scan(self, obj: IncomingDocument) -> bool:
        """Whether a scan is kept (it is downloaded from the page)."""
        return bool(obj.scan)


class DocumentInputSerializer(serializers.Serializer):
    project = serializers.IntegerField(required=False)
    sender = serializers.CharField(max_length=100)
    title = serializers.CharField(max_length=200)
    reference = serializers.CharField(max_length=50, required=False, allow_blank=True)
    pages = serializers.IntegerField(min_value=1, max_value=9999, required=False)
    copies = serializers.IntegerField(min_value=1, max_value=9999, required=False)
    urgency = serializers.ChoiceField(choices=Urgency.choices, required=False)
    received_at = DeskMomentField(required=False)
    scan = serializers.FileField(required=False)


class InstructSerializer(serializers.Serializer):
    instruction = serializers.CharField(max_length=2000)
    departments = serializers.ListField(
        child=serializers.ChoiceField(choices=Department.choices), required=False
    )


class AcknowledgeSerializer(serializers.Serializer):
    department = serializers.ChoiceField(choices=Department.choices)
    signer = serializers.CharField(max_length=50, required=False, allow_blank=True)


class DocumentVoidSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=200)
