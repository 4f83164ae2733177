"""The shape of a deadline in the API, for the apps that show their subjects' deadlines.

A work order's serializer nests them, e.g.
``deadlines = serializers.SerializerMethodField()`` filled from
`frontdesk.core.deadlines.deadlines_for_subjects` (one query for a page of orders).
"""

from __future__ import annotations

from rest_framework import serializers

from ..deadlines import kind_label
from ..models import Deadline


class DeadlineSerializer(serializers.ModelSerializer):
    label = serializers.SerializerMethodField()
    overdue = serializers.BooleanField(read_only=True)
    paused = serializers.BooleanField(source="is_paused", read_only=True)

    class Meta:
        model = Deadline
        fields = [
            "id",
            "kind",
            "label",
            "state",
            "start_at",
            "due_at",
            "met_at",
            "overdue",
            "paused",
            "counting",
            "responsible",
        ]
        read_only_fields = fields

    def get_label(self, obj: Deadline) -> str:
        return kind_label(obj.kind)
