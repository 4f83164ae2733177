"""API serializers of the key and file loans register: shapes only, the services decide."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from frontdesk.core.masking import phone_for
from tickets.api.serializers import PersonField

from ...models.loans import Key, Loan


class KeySerializer(serializers.ModelSerializer):
    unit = serializers.SerializerMethodField()
    out = serializers.SerializerMethodField()
    borrower_name = serializers.SerializerMethodField()
    due_at = serializers.SerializerMethodField()

    class Meta:
        model = Key
        fields = [
            "id",
            "project",
            "kind",
            "label",
            "hook",
            "unit",
            "out",
            "borrower_name",
            "due_at",
        ]

    def _loan(self, obj: Key) -> Any:
        loans = getattr(obj, "open_loans", [])
        return loans[0] if loans else None

    def get_unit(self, obj: Key) -> str | None:
        return obj.unit.code if obj.unit_id else None

    def get_out(self, obj: Key) -> bool:
        return self._loan(obj) is not None

    def get_borrower_name(self, obj: Key) -> str | None:
        loan = self._loan(obj)
        return loan.borrower_name if loan else None

    def get_due_at(self, obj: Key) -> str | None:
        loan = self._loan(obj)
        return loan.due_at.isoformat() if loan else None


class LoanSerializer(serializers.ModelSerializer):
    borrower = PersonField()
    borrower_phone = serializers.SerializerMethodField()
    lent_by = PersonField()
    received_by = PersonField()
    overdue = serializers.BooleanField(source="is_overdue", read_only=True)

    class Meta:
        model = Loan
        fields = [
            "id",
            "project",
            "key",
            "household",
            "item_label",
            "borrower",
            "borrower_name",
            "borrower_company",
            "borrower_phone",
            "purpose",
            "lent_by",
            "lent_at",
            "due_at",
            "status",
            "overdue",
            "returned_at",
            "returned_by_name",
            "received_by",
            "return_note",
        ]

    def get_borrower_phone(self, obj: Loan) -> str:
        return phone_for(self.context["request"].user, obj.borrower_phone)


class LendInputSerializer(serializers.Serializer):
    project = serializers.IntegerField(
        required=False, help_text="Default: that of the key or file."
    )
    key = serializers.IntegerField(required=False, allow_null=True)
    household = serializers.IntegerField(
        required=False, allow_null=True, help_text="The household whose file is lent."
    )
    borrower = serializers.IntegerField(
        required=False, allow_null=True, help_text="A staff member of the project (user id)."
    )
    borrower_name = serializers.CharField(required=False, allow_blank=True, max_length=50)
    borrower_company = serializers.CharField(required=False, allow_blank=True, max_length=100)
    borrower_phone = serializers.CharField(required=False, allow_blank=True, max_length=20)
    purpose = serializers.CharField(max_length=200)
    due_at = serializers.DateTimeField(
        required=False, allow_null=True, help_text="Default: a few hours from now."
    )


class ReturnInputSerializer(serializers.Serializer):
    returned_by_name = serializers.CharField(
        required=False, allow_blank=True, max_length=50, help_text="Default: the borrower."
    )
    note = serializers.CharField(required=False, allow_blank=True, max_length=200)
