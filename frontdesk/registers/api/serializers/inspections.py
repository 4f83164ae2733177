"""Shapes of checklists and inspection runs in the API."""

from __future__ import annotations

from rest_framework import serializers

from frontdesk.desk.api.serializers import DeskMomentField
from tickets.api.serializers import PersonField
from tickets.choices import Department, Place

from ...choices.inspections import ChecklistKind
from ...models import Checklist, ChecklistItem, InspectionResult, InspectionRun


class ChecklistItemSerializer(serializers.ModelSerializer):
    class Meta:
        model = ChecklistItem
        fields = ["id", "position", "name", "department"]
        read_only_fields = fields


class ChecklistSerializer(serializers.ModelSerializer):
    items = ChecklistItemSerializer(many=True, read_only=True)
    times = serializers.ListField(child=serializers.CharField(), read_only=True)

    class Meta:
        model = Checklist
        fields = [
            "id",
            "project",
            "name",
            "kind",
            "place",
            "times",
            "grace_minutes",
            "is_active",
            "items",
            "created_at",
            "retired_at",
        ]
        read_only_fields = fields


class ChecklistItemInputSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=100)
    department = serializers.ChoiceField(choices=Department.choices)


class ChecklistInputSerializer(serializers.Serializer):
    project = serializers.IntegerField(required=False)
    name = serializers.CharField(max_length=100)
    kind = serializers.ChoiceField(choices=ChecklistKind.choices)
    place = serializers.ChoiceField(choices=Place.choices, required=False)
    times = serializers.ListField(child=serializers.TimeField(), required=False)
    grace_minutes = serializers.IntegerField(min_value=0, max_value=240, required=False)
    items = ChecklistItemInputSerializer(many=True)
    replaces = serializers.IntegerField(required=False)


class TicketBriefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    serial = serializers.CharField()
    status = serializers.CharField()
    department = serializers.CharField()


class InspectionResultSerializer(serializers.ModelSerializer):
    name = serializers.CharField(source="item.name", read_only=True)
    department = serializers.CharField(source="item.department", read_only=True)
    photo = serializers.SerializerMethodField()
    ticket = TicketBriefSerializer(read_only=True, allow_null=True)

    class Meta:
        model = InspectionResult
        fields = ["item", "name", "department", "ok", "note", "photo", "ticket"]
        read_only_fields = fields

    def get_photo(self, obj: InspectionResult) -> bool:
        """Whether a photo is kept (it is shown on the run's page)."""
        return bool(obj.photo)


class InspectionRunSerializer(serializers.ModelSerializer):
    walked_by = PersonField()
    checklist_name = serializers.CharField(source="checklist.name", read_only=True)
    kind = serializers.CharField(source="checklist.kind", read_only=True)

    class Meta:
        model = InspectionRun
        fields = [
            "id",
            "project",
            "checklist",
            "checklist_name",
            "kind",
            "walked_by",
            "started_at",
            "finished_at",
            "failed_count",
            "created_at",
        ]
        read_only_fields = fields


class InspectionRunDetailSerializer(InspectionRunSerializer):
    results = InspectionResultSerializer(many=True, read_only=True)

    class Meta(InspectionRunSerializer.Meta):
        fields = [*InspectionRunSerializer.Meta.fields, "results"]
        read_only_fields = fields


class ResultInputSerializer(serializers.Serializer):
    item = serializers.IntegerField()
    ok = serializers.BooleanField()
    note = serializers.CharField(max_length=200, required=False, allow_blank=True)


class InspectionRunInputSerializer(serializers.Serializer):
    checklist = serializers.IntegerField()
    started_at = DeskMomentField(required=False)
    finished_at = DeskMomentField(required=False)
    results = ResultInputSerializer(many=True, allow_empty=False)
