"""`GET /api/v1/reports/complaints/?project=…&period=YYYY-MM`: an issued monthly report.

Answers the report's frozen figures with labels in the request's language and
the definitions of its rates; 404 for a period not issued (or a project not
the user's), 400 for a malformed period.
"""

from __future__ import annotations

from typing import Any

from django.http import Http404
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from frontdesk.core.errors import ApplicationError
from frontdesk.core.scoping import project_ids_for

from .. import statistics
from ..choices import ComplaintCategory, Department
from ..models import ComplaintReport, EffectivenessBasis
from .views import DeskStaffPermission

RATE_HELP = 'A percentage with one decimal ("66.7"); null when there is nothing to divide by.'


def _rate(**kwargs: Any) -> serializers.CharField:
    return serializers.CharField(allow_null=True, help_text=RATE_HELP, **kwargs)


class ReportSummarySerializer(serializers.Serializer):
    """The headline figures of the period."""

    period = serializers.CharField(help_text="YYYY-MM")
    total = serializers.IntegerField(help_text="Complaints registered in the period.")
    valid = serializers.IntegerField(help_text="Marked valid (有效投诉).")
    invalid = serializers.IntegerField(help_text="Marked not valid.")
    unmarked = serializers.IntegerField(help_text="Not marked yet.")
    called_back = serializers.IntegerField(help_text="With a callback that reached the resident.")
    satisfied = serializers.IntegerField(help_text="Last callback satisfied or basically so.")
    on_time = serializers.IntegerField(help_text="Answered to the resident by the due time.")
    valid_rate = _rate()
    satisfied_rate = _rate()
    on_time_rate = _rate()


class ReportTrendSerializer(serializers.Serializer):
    period = serializers.CharField(help_text="YYYY-MM")
    total = serializers.IntegerField()
    valid_rate = _rate()
    satisfied_rate = _rate()
    on_time_rate = _rate()


class ReportCategorySerializer(serializers.Serializer):
    category = serializers.ChoiceField(choices=ComplaintCategory.choices)
    label = serializers.CharField()
    count = serializers.IntegerField()


class ReportRisingCategorySerializer(ReportCategorySerializer):
    previous = serializers.IntegerField(help_text="Count of the period before.")


class ReportRisingHouseholdSerializer(serializers.Serializer):
    household = serializers.IntegerField()
    unit = serializers.CharField()
    count = serializers.IntegerField()
    previous = serializers.IntegerField(help_text="Count of the period before.")


class ReportCallbacksSerializer(serializers.Serializer):
    returned = serializers.IntegerField(
        help_text="Orders returned to the desk (回单) in the period."
    )
    called_back = serializers.IntegerField()
    satisfied = serializers.IntegerField()
    callback_rate = _rate()
    satisfied_rate = _rate()


class ReportDepartmentCallbacksSerializer(ReportCallbacksSerializer):
    department = serializers.ChoiceField(choices=Department.choices, allow_blank=True)
    label = serializers.CharField()


class ReportButlerCallbacksSerializer(ReportCallbacksSerializer):
    butler = serializers.CharField(help_text="Username of the butler (管家).")


class ReportDefinitionsSerializer(serializers.Serializer):
    """How each figure is counted, in the request's language."""

    valid = serializers.CharField()
    satisfied = serializers.CharField()
    on_time = serializers.CharField()
    period = serializers.CharField()
    rising = serializers.CharField()


class ComplaintReportSerializer(serializers.Serializer):
    """An issued monthly complaint report (投诉月报): its frozen figures."""

    project = serializers.IntegerField()
    period = serializers.CharField(help_text="YYYY-MM")
    starts_at = serializers.DateTimeField()
    ends_at = serializers.DateTimeField()
    issued_at = serializers.DateTimeField()
    effectiveness_basis = serializers.ChoiceField(choices=EffectivenessBasis.choices)
    effectiveness_rate = _rate()
    summary = ReportSummarySerializer()
    categories = ReportCategorySerializer(many=True)
    trend = ReportTrendSerializer(many=True, help_text="The last 12 periods, oldest first.")
    rising_categories = ReportRisingCategorySerializer(many=True)
    rising_households = ReportRisingHouseholdSerializer(many=True)
    callbacks_by_department = ReportDepartmentCallbacksSerializer(many=True)
    callbacks_by_butler = ReportButlerCallbacksSerializer(many=True)
    definitions = ReportDefinitionsSerializer()


def _project_id(request: Request) -> int:
    ids = project_ids_for(request.user)
    raw = request.query_params.get("project")
    if not raw:
        if len(ids) == 1:
            return ids[0]
        raise ApplicationError(fields={"project": [_("Choose the project.")]})
    try:
        chosen = int(raw)
    except ValueError:
        raise ApplicationError(fields={"project": [_("Unknown project.")]}) from None
    if chosen not in ids:
        raise Http404
    return chosen


class ComplaintReportView(APIView):
    """An issued monthly complaint report (frozen figures)."""

    permission_classes = [DeskStaffPermission]

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "project",
                OpenApiTypes.INT,
                description="Project id; needed when the caller works in more than one project.",
            ),
            OpenApiParameter(
                "period",
                OpenApiTypes.STR,
                required=True,
                pattern=r"^\d{4}-\d{2}$",
                description="YYYY-MM (the period ends on the 27th of that month)",
            ),
        ],
        responses={200: ComplaintReportSerializer, 404: None},
    )
    def get(self, request: Request) -> Response:
        period = request.query_params.get("period") or ""
        statistics.parse_period(period)
        project_id = _project_id(request)
        try:
            report = statistics.complaint_report_get(
                user=request.user, project_id=project_id, period=period
            )
        except ComplaintReport.DoesNotExist:
            raise Http404 from None
        view = statistics.report_view(report)
        data: dict[str, Any] = {
            "project": report.project_id,
            "period": report.period,
            "starts_at": report.starts_at,
            "ends_at": report.ends_at,
            "issued_at": report.generated_at,
            "effectiveness_basis": view["basis"],
            "effectiveness_rate": view["effectiveness_rate"],
            "summary": view["summary"],
            "categories": view["categories"],
            "trend": view["trend"],
            "rising_categories": view["rising_categories"],
            "rising_households": view["rising_households"],
            "callbacks_by_department": view["callbacks_by_department"],
            "callbacks_by_butler": view["callbacks_by_butler"],
            "definitions": view["definitions"],
        }
        return Response(ComplaintReportSerializer(data).data)
