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
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from frontdesk.core.errors import ApplicationError
from frontdesk.core.scoping import project_ids_for

from .. import statistics
from ..models import ComplaintReport
from .views import DeskStaffPermission


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
            OpenApiParameter("project", OpenApiTypes.INT, description="Project id"),
            OpenApiParameter(
                "period", OpenApiTypes.STR, required=True, description="YYYY-MM (ends on the 27th)"
            ),
        ],
        responses=OpenApiTypes.OBJECT,
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
        return Response(data)
