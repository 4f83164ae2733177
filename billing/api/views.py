"""Fees in the API: thin viewsets over the selectors and services.

    /api/v1/charge-standards/                  list, create, retrieve
    /api/v1/meter-readings/                    list, create, retrieve; POST import/ (a CSV)
    /api/v1/bills/                             list, retrieve; POST run/ (a project's month)
    /api/v1/payments/                          list, take, retrieve; POST {id}/reverse/
    /api/v1/receipts/                          list, retrieve; GET {id}/print/ (PDF)
    /api/v1/deposits/                          list, take, retrieve
    /api/v1/refunds/                           list, request, retrieve; POST {id}/approve/,
                                               {id}/reject/, {id}/pay/
    /api/v1/aircon-overtime/                   list, record, retrieve
    /api/v1/utility-payments/                  list, collect, retrieve; POST {id}/pay-over/,
                                               {id}/reverse/
    /api/v1/reports/collection/?project=&period=YYYY-MM
    /api/v1/reports/arrears/?project=&building=

Lists are scoped to the user's projects and filtered by the one FilterSet of
each model; a row of another project answers 404. A refused step is a 400
with messages per field; a role the transition table does not name, a 403.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import QuerySet
from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import mixins, permissions, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from frontdesk.core.api.pagination import DeskCursorPagination
from frontdesk.core.errors import ApplicationError
from frontdesk.core.models import Project
from frontdesk.core.pdf import pdf_bytes_response
from frontdesk.core.roles import has_role
from frontdesk.core.scoping import project_ids_for, scope
from residents.models import Building, Decoration, Household, Unit
from tickets.models import Ticket
from tickets.printing import PdfRenderer

from .. import selectors, services
from ..filtersets import (
    AirconOvertimeFilterSet,
    BillFilterSet,
    CashHandoverFilterSet,
    ChargeConfirmationFilterSet,
    ChargeStandardFilterSet,
    CreditFilterSet,
    DepositFilterSet,
    ExpenditureFilterSet,
    MeterReadingFilterSet,
    MonthField,
    PaymentFilterSet,
    ReceiptFilterSet,
    RefundFilterSet,
    UtilityPaymentFilterSet,
)
from ..models import (
    AirconOvertime,
    Bill,
    CashHandover,
    ChargeConfirmation,
    ChargeStandard,
    Credit,
    Deposit,
    Expenditure,
    MeterReading,
    Payment,
    Receipt,
    Refund,
    UtilityPayment,
)
from ..printing import receipt_pdf
from ..transitions import READERS
from . import serializers as s

ERRORS = {
    400: OpenApiResponse(
        OpenApiTypes.OBJECT,
        description='Refused: messages per field, {"field": ["message"], '
        '"non_field_errors": ["message"]}.',
    ),
    403: OpenApiResponse(description="The user's role may not take this step."),
}
NOT_FOUND = {404: OpenApiResponse(description="No such row in the user's projects.")}


class FeesPermission(permissions.BasePermission):
    """Staff who deal with fees may read them; who may write is the transition table's
    business (the service refuses a role it does not name)."""

    def has_permission(self, request: Request, view: Any) -> bool:
        user = request.user
        return bool(user and user.is_authenticated and has_role(user, *READERS))


def _project(request: Request, project_id: int | None) -> Project:
    ids = project_ids_for(request.user)
    if project_id is None:
        if len(ids) == 1:
            return Project.objects.get(pk=ids[0])
        raise ApplicationError(fields={"project": [_("Choose the project.")]})
    if project_id not in ids:
        raise ApplicationError(fields={"project": [_("Unknown project.")]})
    return Project.objects.get(pk=project_id)


def _row(request: Request, queryset: QuerySet[Any], pk: int | None, field: str) -> Any:
    if pk is None:
        return None
    found = scope(queryset, request.user).filter(pk=pk).first()
    if found is None:
        raise ApplicationError(fields={field: [_("Not found in your projects.")]})
    return found


def _valid(serializer_class: type[Any], request: Request) -> dict[str, Any]:
    serializer = serializer_class(data=request.data, context={"request": request})
    serializer.is_valid(raise_exception=True)
    return dict(serializer.validated_data)


class FeesViewSet(viewsets.GenericViewSet):  # type: ignore[type-arg]
    permission_classes = [FeesPermission]
    pagination_class = DeskCursorPagination
    ordering_fields: list[str] = []


# --- Charge standards --------------------------------------------------------------------


class ChargeStandardViewSet(FeesViewSet, mixins.ListModelMixin, mixins.RetrieveModelMixin):
    """Published rates (收费标准) per project, with validity dates."""

    queryset = ChargeStandard.objects.none()
    serializer_class = s.ChargeStandardSerializer
    filterset_class = ChargeStandardFilterSet

    def get_queryset(self) -> QuerySet[ChargeStandard]:
        return selectors.standard_list(user=self.request.user)

    @extend_schema(
        request=s.ChargeStandardCreateSerializer,
        responses={201: s.ChargeStandardSerializer, **ERRORS},
    )
    def create(self, request: Request) -> Response:
        data = _valid(s.ChargeStandardCreateSerializer, request)
        project = _project(request, data.pop("project", None))
        standard = services.charge_standard_create(project=project, by=request.user, **data)
        return Response(s.ChargeStandardSerializer(standard).data, status=status.HTTP_201_CREATED)


# --- Meter readings -----------------------------------------------------------------------


class MeterReadingViewSet(FeesViewSet, mixins.ListModelMixin, mixins.RetrieveModelMixin):
    """Meter readings (抄表) per unit and meter; a building's readings at once from a CSV."""

    queryset = MeterReading.objects.none()
    serializer_class = s.MeterReadingSerializer
    filterset_class = MeterReadingFilterSet

    def get_queryset(self) -> QuerySet[MeterReading]:
        return selectors.reading_list(user=self.request.user)

    @extend_schema(
        request=s.MeterReadingCreateSerializer,
        responses={201: s.MeterReadingSerializer, **ERRORS},
    )
    def create(self, request: Request) -> Response:
        data = _valid(s.MeterReadingCreateSerializer, request)
        data["unit"] = _row(request, Unit.objects.all(), data["unit"], "unit")
        reading = services.meter_reading_record(by=request.user, **data)
        return Response(s.MeterReadingSerializer(reading).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        request={"multipart/form-data": s.MeterReadingImportSerializer},
        responses={201: s.ImportResultSerializer, **ERRORS},
    )
    @action(
        detail=False,
        methods=["post"],
        url_path="import",
        url_name="import",
        parser_classes=[MultiPartParser, FormParser],
    )
    def import_csv(self, request: Request) -> Response:
        """Import a building's readings: every bad row reported ("rows"), none written."""
        data = _valid(s.MeterReadingImportSerializer, request)
        building = _row(request, Building.objects.all(), data["building"], "building")
        try:
            text = data["file"].read().decode("utf-8-sig")
        except UnicodeDecodeError:
            raise ApplicationError(fields={"file": [_("The file is not UTF-8 text.")]}) from None
        saved = services.meter_readings_import(building=building, data=text, by=request.user)
        return Response({"created": len(saved)}, status=status.HTTP_201_CREATED)


# --- Bills ---------------------------------------------------------------------------------


class BillViewSet(FeesViewSet, mixins.ListModelMixin, mixins.RetrieveModelMixin):
    """Monthly bills (账单) with their lines and what has been paid on them."""

    queryset = Bill.objects.none()
    filterset_class = BillFilterSet

    def get_serializer_class(self) -> type[Any]:
        return s.BillDetailSerializer if self.action == "retrieve" else s.BillSerializer

    def get_queryset(self) -> QuerySet[Bill]:
        queryset = selectors.bill_list(user=self.request.user)
        if self.action == "retrieve":
            queryset = queryset.prefetch_related("lines", "allocations")
        return queryset

    @extend_schema(
        request=s.BillRunSerializer, responses={200: s.BillRunResultSerializer, **ERRORS}
    )
    @action(detail=False, methods=["post"], url_path="run", url_name="run")
    def run(self, request: Request) -> Response:
        """Run the bills of a project's month now (safe to repeat; `draft` for a month not
        yet ended)."""
        data = _valid(s.BillRunSerializer, request)
        project = _project(request, data.get("project"))
        month = MonthField().clean(data["month"])
        result = services.bill_run(
            project=project, month=month, by=request.user, draft=data["draft"]
        )
        return Response(s.BillRunResultSerializer(result).data)


# --- Payments ------------------------------------------------------------------------------


class PaymentViewSet(FeesViewSet, mixins.ListModelMixin, mixins.RetrieveModelMixin):
    """Payments (收款) with their receipts; a wrong one is reversed, never edited."""

    queryset = Payment.objects.none()
    filterset_class = PaymentFilterSet

    def get_serializer_class(self) -> type[Any]:
        return s.PaymentDetailSerializer if self.action == "retrieve" else s.PaymentSerializer

    def get_queryset(self) -> QuerySet[Payment]:
        queryset = selectors.payment_list(user=self.request.user)
        if self.action == "retrieve":
            queryset = queryset.prefetch_related("allocations")
        return queryset

    def _answer(self, pk: int, code: int = status.HTTP_200_OK) -> Response:
        payment = self.get_queryset().prefetch_related("allocations").get(pk=pk)
        return Response(s.PaymentDetailSerializer(payment).data, status=code)

    @extend_schema(
        request=s.PaymentCreateSerializer, responses={201: s.PaymentDetailSerializer, **ERRORS}
    )
    def create(self, request: Request) -> Response:
        """Take a payment for a household's bills; the answer names its receipt."""
        data = _valid(s.PaymentCreateSerializer, request)
        household = _row(request, Household.objects.all(), data.pop("household"), "household")
        split = data.pop("split", None)
        if split:
            try:
                data["split"] = {int(k): v for k, v in split.items()}
            except ValueError:
                raise ApplicationError(fields={"split": [_("Name bills by their id.")]}) from None
        payment = services.payment_take(household=household, taken_by=request.user, **data)
        return self._answer(payment.pk, status.HTTP_201_CREATED)

    @extend_schema(
        request=s.ReasonSerializer,
        responses={200: s.PaymentDetailSerializer, **ERRORS, **NOT_FOUND},
    )
    @action(detail=True, methods=["post"], url_path="reverse", url_name="reverse")
    def reverse(self, request: Request, pk: str | None = None) -> Response:
        """Reverse a wrong payment by a new entry; its bills are owed again."""
        payment = self.get_object()
        data = _valid(s.ReasonSerializer, request)
        services.payment_reverse(payment=payment, by=request.user, reason=data["reason"])
        return self._answer(payment.pk)


# --- Receipts ------------------------------------------------------------------------------


class ReceiptViewSet(FeesViewSet, mixins.ListModelMixin, mixins.RetrieveModelMixin):
    """Numbered receipts (收据), gap-free per project and year."""

    queryset = Receipt.objects.none()
    serializer_class = s.ReceiptSerializer
    filterset_class = ReceiptFilterSet

    def get_queryset(self) -> QuerySet[Receipt]:
        return selectors.receipt_list(user=self.request.user)

    @extend_schema(responses={(200, "application/pdf"): OpenApiTypes.BINARY, **NOT_FOUND})
    @action(
        detail=True,
        methods=["get"],
        url_path="print",
        url_name="print",
        renderer_classes=[JSONRenderer, PdfRenderer],
    )
    def print_receipt(self, request: Request, pk: str | None = None) -> HttpResponse:
        """The receipt as a PDF; every print after the first is marked as a reprint."""
        receipt = self.get_object()
        pdf = receipt_pdf(receipt=receipt, by=request.user, request=request._request)
        return pdf_bytes_response(pdf, filename=f"{receipt.number}.pdf")


# --- Deposits and refunds ---------------------------------------------------------------


class DepositViewSet(FeesViewSet, mixins.ListModelMixin, mixins.RetrieveModelMixin):
    """Deposits (押金) held for households, with what has been refunded."""

    queryset = Deposit.objects.none()
    serializer_class = s.DepositSerializer
    filterset_class = DepositFilterSet

    def get_queryset(self) -> QuerySet[Deposit]:
        return selectors.deposit_list(user=self.request.user)

    @extend_schema(
        request=s.DepositCreateSerializer, responses={201: s.DepositSerializer, **ERRORS}
    )
    def create(self, request: Request) -> Response:
        data = _valid(s.DepositCreateSerializer, request)
        household = _row(request, Household.objects.all(), data.pop("household"), "household")
        data["decoration"] = _row(
            request, Decoration.objects.all(), data.get("decoration"), "decoration"
        )
        deposit = services.deposit_take(household=household, by=request.user, **data)
        found = self.get_queryset().get(pk=deposit.pk)
        return Response(s.DepositSerializer(found).data, status=status.HTTP_201_CREATED)


class RefundViewSet(FeesViewSet, mixins.ListModelMixin, mixins.RetrieveModelMixin):
    """Refunds (退款) of deposits: requested, approved by a manager (not their own), paid."""

    queryset = Refund.objects.none()
    serializer_class = s.RefundSerializer
    filterset_class = RefundFilterSet

    def get_queryset(self) -> QuerySet[Refund]:
        return selectors.refund_list(user=self.request.user)

    def _answer(self, pk: int, code: int = status.HTTP_200_OK) -> Response:
        return Response(s.RefundSerializer(self.get_queryset().get(pk=pk)).data, status=code)

    @extend_schema(request=s.RefundCreateSerializer, responses={201: s.RefundSerializer, **ERRORS})
    def create(self, request: Request) -> Response:
        data = _valid(s.RefundCreateSerializer, request)
        data["deposit"] = _row(request, Deposit.objects.all(), data["deposit"], "deposit")
        refund = services.refund_request(by=request.user, **data)
        return self._answer(refund.pk, status.HTTP_201_CREATED)

    @extend_schema(
        request=s.RefundNoteSerializer, responses={200: s.RefundSerializer, **ERRORS, **NOT_FOUND}
    )
    @action(detail=True, methods=["post"])
    def approve(self, request: Request, pk: str | None = None) -> Response:
        """A manager approves the refund (never their own request)."""
        refund = self.get_object()
        data = _valid(s.RefundNoteSerializer, request)
        services.refund_approve(refund=refund, by=request.user, note=data["note"])
        return self._answer(refund.pk)

    @extend_schema(
        request=s.RefundNoteSerializer, responses={200: s.RefundSerializer, **ERRORS, **NOT_FOUND}
    )
    @action(detail=True, methods=["post"])
    def reject(self, request: Request, pk: str | None = None) -> Response:
        """A manager rejects the refund, saying why."""
        refund = self.get_object()
        data = _valid(s.RefundNoteSerializer, request)
        services.refund_reject(refund=refund, by=request.user, note=data["note"])
        return self._answer(refund.pk)

    @extend_schema(request=None, responses={200: s.RefundSerializer, **ERRORS, **NOT_FOUND})
    @action(detail=True, methods=["post"])
    def pay(self, request: Request, pk: str | None = None) -> Response:
        """The cashier pays an approved refund out, against a receipt."""
        refund = self.get_object()
        services.refund_pay(refund=refund, by=request.user)
        return self._answer(refund.pk)


# --- Credit notes, cash handovers, expenditure ----------------------------------------------


class CreditViewSet(FeesViewSet, mixins.ListModelMixin, mixins.RetrieveModelMixin):
    """Credit notes (减免) granted by the manager; they settle open bills at once."""

    queryset = Credit.objects.none()
    serializer_class = s.CreditSerializer
    filterset_class = CreditFilterSet

    def get_queryset(self) -> QuerySet[Credit]:
        return selectors.credit_list(user=self.request.user)

    @extend_schema(request=s.CreditCreateSerializer, responses={201: s.CreditSerializer, **ERRORS})
    def create(self, request: Request) -> Response:
        data = _valid(s.CreditCreateSerializer, request)
        household = _row(request, Household.objects.all(), data.pop("household"), "household")
        credit = services.credit_grant(household=household, by=request.user, **data)
        return Response(s.CreditSerializer(credit).data, status=status.HTTP_201_CREATED)


class CashHandoverViewSet(FeesViewSet, mixins.ListModelMixin, mixins.RetrieveModelMixin):
    """After-hours money handed by the desk to the cashier, per method, both signing."""

    queryset = CashHandover.objects.none()
    serializer_class = s.CashHandoverSerializer
    filterset_class = CashHandoverFilterSet

    def get_queryset(self) -> QuerySet[CashHandover]:
        return selectors.handover_list(user=self.request.user)

    def _answer(self, pk: int, code: int = status.HTTP_200_OK) -> Response:
        return Response(s.CashHandoverSerializer(self.get_queryset().get(pk=pk)).data, status=code)

    @extend_schema(
        request=s.CashHandoverCreateSerializer,
        responses={201: s.CashHandoverSerializer, **ERRORS},
    )
    def create(self, request: Request) -> Response:
        """The desk hands over what it took after hours, with what it counted per method."""
        data = _valid(s.CashHandoverCreateSerializer, request)
        project = _project(request, data.pop("project", None))
        handover = services.handover_hand(project=project, by=request.user, **data)
        return self._answer(handover.pk, status.HTTP_201_CREATED)

    @extend_schema(request=None, responses={200: s.CashHandoverSerializer, **ERRORS, **NOT_FOUND})
    @action(detail=True, methods=["post"])
    def receive(self, request: Request, pk: str | None = None) -> Response:
        """The cashier signs for the money (never the one who handed it over)."""
        handover = self.get_object()
        services.handover_receive(handover=handover, by=request.user)
        return self._answer(handover.pk)


class ExpenditureViewSet(FeesViewSet, mixins.ListModelMixin, mixins.RetrieveModelMixin):
    """The project's costs entered by the cashier, by category."""

    queryset = Expenditure.objects.none()
    serializer_class = s.ExpenditureSerializer
    filterset_class = ExpenditureFilterSet

    def get_queryset(self) -> QuerySet[Expenditure]:
        return selectors.expenditure_list(user=self.request.user)

    @extend_schema(
        request=s.ExpenditureCreateSerializer, responses={201: s.ExpenditureSerializer, **ERRORS}
    )
    def create(self, request: Request) -> Response:
        data = _valid(s.ExpenditureCreateSerializer, request)
        project = _project(request, data.pop("project", None))
        expense = services.expenditure_record(project=project, by=request.user, **data)
        return Response(s.ExpenditureSerializer(expense).data, status=status.HTTP_201_CREATED)


class ChargeConfirmationViewSet(FeesViewSet, mixins.ListModelMixin, mixins.RetrieveModelMixin):
    """The cashier's confirmations of finished paid orders' charge and material cost; a
    correction is a new row superseding the last (`current` marks the one in force)."""

    queryset = ChargeConfirmation.objects.none()
    serializer_class = s.ChargeConfirmationSerializer
    filterset_class = ChargeConfirmationFilterSet

    def get_queryset(self) -> QuerySet[ChargeConfirmation]:
        return selectors.charge_confirmation_list(user=self.request.user).select_related(
            "superseded_by"
        )

    @extend_schema(
        request=s.ChargeConfirmationCreateSerializer,
        responses={201: s.ChargeConfirmationSerializer, **ERRORS},
    )
    def create(self, request: Request) -> Response:
        data = _valid(s.ChargeConfirmationCreateSerializer, request)
        ticket = _row(request, Ticket.objects.all(), data.pop("ticket"), "ticket")
        row = services.charge_confirm(ticket=ticket, by=request.user, **data)
        return Response(s.ChargeConfirmationSerializer(row).data, status=status.HTTP_201_CREATED)


# --- Reports -------------------------------------------------------------------------------


def _report_project(request: Request) -> Project:
    raw = request.query_params.get("project")
    if raw is not None and not raw.isdecimal():
        raise ApplicationError(fields={"project": [_("Unknown project.")]})
    return _project(request, int(raw) if raw is not None else None)


def _period(request: Request) -> dt.date:
    raw = request.query_params.get("period")
    if not raw:
        return selectors.latest_complete_period()
    try:
        value = MonthField().clean(raw)
    except Exception:  # noqa: BLE001 - a form field's ValidationError
        raise ApplicationError(fields={"period": [_("Enter a month as YYYY-MM.")]}) from None
    assert value is not None
    return value


PROJECT_PARAM = OpenApiParameter(
    "project", int, description="Project id (may be left out by staff of one project)"
)


class CollectionReportView(APIView):
    """The collection rate (收缴率) of a project's month and the 12 months up to it."""

    permission_classes = [FeesPermission]

    @extend_schema(
        parameters=[
            PROJECT_PARAM,
            OpenApiParameter("period", str, description="Month, YYYY-MM (default: last month)"),
        ],
        responses={200: s.CollectionReportSerializer, 400: ERRORS[400]},
    )
    def get(self, request: Request) -> Response:
        project = _report_project(request)
        period = _period(request)
        trend = selectors.collection_trend(project=project, last=period)
        data = {
            "project": project.pk,
            "definitions": {
                "current_rate": _(
                    "Of the bills of the month, the part paid by the end of the following "
                    "month, over their issued amount."
                ),
                "arrears_rate": _(
                    "What was paid during the following month on bills of earlier months, "
                    "over what was left on them when that month began."
                ),
            },
            "period": trend[-1],
            "trend": trend,
        }
        return Response(s.CollectionReportSerializer(data).data)


class ArrearsReportView(APIView):
    """Households in arrears (欠费) with the ageing of what they owe."""

    permission_classes = [FeesPermission]

    @extend_schema(
        parameters=[
            PROJECT_PARAM,
            OpenApiParameter("building", int, description="Building id"),
        ],
        responses={200: s.ArrearsReportSerializer, 400: ERRORS[400]},
    )
    def get(self, request: Request) -> Response:
        project = _report_project(request)
        raw = request.query_params.get("building")
        building_id = None
        if raw:
            building = Building.objects.filter(project=project, pk=raw if raw.isdecimal() else 0)
            if not building.exists():
                raise ApplicationError(fields={"building": [_("Not found in your projects.")]})
            building_id = int(raw)
        today = timezone.localdate()
        rows = selectors.arrears(project=project, today=today, building_id=building_id)
        data = {
            "project": project.pk,
            "as_of": today,
            "definitions": _(
                "Arrears: what is left to pay on bills past their due date; the age of a bill "
                "is the days since it was due."
            ),
            "totals": selectors.arrears_totals(rows),
            "households": rows,
        }
        return Response(s.ArrearsReportSerializer(data).data)


def _month_param(request: Request, name: str, default: dt.date) -> dt.date:
    raw = request.query_params.get(name)
    if not raw:
        return default
    try:
        value = MonthField().clean(raw)
    except Exception:  # noqa: BLE001 - a form field's ValidationError
        raise ApplicationError(fields={name: [_("Enter a month as YYYY-MM.")]}) from None
    assert value is not None
    return value


class StatementReportView(APIView):
    """The income and expenditure statement of a project for a range of months, for
    publication to residents."""

    permission_classes = [FeesPermission]

    @extend_schema(
        parameters=[
            PROJECT_PARAM,
            OpenApiParameter("from", str, description="First month, YYYY-MM (default: last)"),
            OpenApiParameter("to", str, description="Last month, YYYY-MM (default: last)"),
        ],
        responses={200: s.StatementSerializer, 400: ERRORS[400]},
    )
    def get(self, request: Request) -> Response:
        project = _report_project(request)
        last = _month_param(request, "to", selectors.latest_complete_period())
        first = _month_param(request, "from", last)
        if first > last:
            raise ApplicationError(fields={"from": [_("The first month is after the last.")]})
        statement = selectors.income_statement(project=project, first=first, last=last)
        data = {
            "project": project.pk,
            "first": statement.first,
            "last": statement.last,
            "definitions": _(
                "Billed: the bills of the months, per charge. Collected: payments taken in the "
                "months less reversals made in them, per method. Deposits and money collected "
                "for utilities are held, not income."
            ),
            "billed": [{"code": c, "label": k, "amount": v} for c, k, v in statement.billed],
            "billed_total": statement.billed_total,
            "collected": [{"code": c, "label": k, "amount": v} for c, k, v in statement.collected],
            "collected_total": statement.collected_total,
            "expenditure": [
                {"code": c, "label": k, "amount": v} for c, k, v in statement.expenditure
            ],
            "expenditure_total": statement.expenditure_total,
            "surplus": statement.surplus,
            "utilities": {
                "collected": statement.utilities_collected,
                "paid_over": statement.utilities_paid_over,
                "held": statement.utilities_held,
            },
        }
        return Response(s.StatementSerializer(data).data)


class MarginReportView(APIView):
    """Income, material cost and margin of the paid services finished in a month, per
    department."""

    permission_classes = [FeesPermission]

    @extend_schema(
        parameters=[
            PROJECT_PARAM,
            OpenApiParameter("period", str, description="Month, YYYY-MM (default: last month)"),
        ],
        responses={200: s.MarginReportSerializer, 400: ERRORS[400]},
    )
    def get(self, request: Request) -> Response:
        project = _report_project(request)
        period = _period(request)
        rows = selectors.paid_service_margins(project=project, period=period)
        data = {"project": project.pk, "period": period, "departments": rows}
        return Response(s.MarginReportSerializer(data).data)


# --- Overtime air-conditioning and utilities paid on a resident's behalf -------------------


class AirconOvertimeViewSet(FeesViewSet, mixins.ListModelMixin, mixins.RetrieveModelMixin):
    """Overtime air-conditioning (加班空调) by household: hours × the rate of the day, charged
    to the household's next bill."""

    queryset = AirconOvertime.objects.none()
    serializer_class = s.AirconOvertimeSerializer
    filterset_class = AirconOvertimeFilterSet

    def get_queryset(self) -> QuerySet[AirconOvertime]:
        return selectors.aircon_overtime_list(user=self.request.user)

    @extend_schema(
        request=s.AirconOvertimeCreateSerializer,
        responses={201: s.AirconOvertimeSerializer, **ERRORS},
    )
    def create(self, request: Request) -> Response:
        """Record a household's overtime air-conditioning: a day with from–to or hours."""
        data = _valid(s.AirconOvertimeCreateSerializer, request)
        household = _row(request, Household.objects.all(), data.pop("household"), "household")
        record = services.aircon_overtime_record(household=household, by=request.user, **data)
        found = self.get_queryset().get(pk=record.pk)
        return Response(s.AirconOvertimeSerializer(found).data, status=status.HTTP_201_CREATED)


class UtilityPaymentViewSet(FeesViewSet, mixins.ListModelMixin, mixins.RetrieveModelMixin):
    """Money collected for utilities on a resident's behalf (代收代缴): held for the utility
    until the cashier pays it over, or reversed before that."""

    queryset = UtilityPayment.objects.none()
    serializer_class = s.UtilityPaymentSerializer
    filterset_class = UtilityPaymentFilterSet

    def get_queryset(self) -> QuerySet[UtilityPayment]:
        return selectors.utility_payment_list(user=self.request.user)

    def _answer(self, pk: int, code: int = status.HTTP_200_OK) -> Response:
        found = self.get_queryset().get(pk=pk)
        return Response(s.UtilityPaymentSerializer(found).data, status=code)

    @extend_schema(
        request=s.UtilityPaymentCreateSerializer,
        responses={201: s.UtilityPaymentSerializer, **ERRORS},
    )
    def create(self, request: Request) -> Response:
        """Collect a resident's money for a utility."""
        data = _valid(s.UtilityPaymentCreateSerializer, request)
        household = _row(request, Household.objects.all(), data.pop("household"), "household")
        payment = services.utility_collect(household=household, by=request.user, **data)
        return self._answer(payment.pk, status.HTTP_201_CREATED)

    @extend_schema(
        request=s.UtilityPayOverSerializer,
        responses={200: s.UtilityPaymentSerializer, **ERRORS, **NOT_FOUND},
    )
    @action(detail=True, methods=["post"], url_path="pay-over", url_name="pay-over")
    def pay_over(self, request: Request, pk: str | None = None) -> Response:
        """Record that the held money went to the utility, with its receipt number and date."""
        payment = self.get_object()
        data = _valid(s.UtilityPayOverSerializer, request)
        services.utility_pay_over(payment=payment, by=request.user, **data)
        return self._answer(payment.pk)

    @extend_schema(
        request=s.ReasonSerializer,
        responses={200: s.UtilityPaymentSerializer, **ERRORS, **NOT_FOUND},
    )
    @action(detail=True, methods=["post"], url_path="reverse", url_name="reverse")
    def reverse(self, request: Request, pk: str | None = None) -> Response:
        """Reverse a wrong collection before it is paid over."""
        payment = self.get_object()
        data = _valid(s.ReasonSerializer, request)
        services.utility_reverse(payment=payment, by=request.user, reason=data["reason"])
        return self._answer(payment.pk)
