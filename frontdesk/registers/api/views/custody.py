"""The valuables in custody register in the API.

/api/v1/custody/                    list (filters of DepositFilterSet); receive (multipart,
                                    with one or more photos)
/api/v1/custody/{id}/               one deposit with its delegates and photo links
/api/v1/custody/{id}/delegate/      the owner names a delegate
/api/v1/custody/{id}/return/        hand back against the receipt number (signature)
/api/v1/custody/{id}/print/         the receipt PDF: GET previews, POST prints (counted)
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from frontdesk.core.api.renderers import DeskJSONRenderer
from frontdesk.core.pdf import pdf_bytes_response
from residents.models import Household
from tickets.api.views import DeskViewSetMixin, _project, _row
from tickets.printing import PdfRenderer

from ...filtersets.custody import DepositFilterSet
from ...models.custody import Deposit
from ...selectors import custody as selectors
from ...services import custody as services
from ...views.custody import receipt_pdf
from ..serializers import custody as s


class CustodyViewSet(
    DeskViewSetMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """Valuables in custody (贵重物品寄存): receive with photos, delegate, hand back, print."""

    queryset = Deposit.objects.none()
    serializer_class = s.CustodyDepositSerializer
    filterset_class = DepositFilterSet
    ordering_fields: list[str] = []

    def get_queryset(self) -> QuerySet[Deposit]:
        if getattr(self, "swagger_fake_view", False):
            return Deposit.objects.none()
        qs = selectors.deposit_list(user=self.request.user)
        if self.action != "list":
            return qs.prefetch_related("delegates__recorded_by", "photos")
        return qs

    def get_serializer_class(self) -> type[Any]:
        return (
            s.CustodyDepositSerializer
            if self.action == "list"
            else s.CustodyDepositDetailSerializer
        )

    def _answer(self, pk: int, code: int = status.HTTP_200_OK) -> Response:
        deposit = (
            self.get_queryset().prefetch_related("delegates__recorded_by", "photos").get(pk=pk)
        )
        data = s.CustodyDepositDetailSerializer(deposit, context=self.get_serializer_context()).data
        return Response(data, code)

    @extend_schema(
        request={"multipart/form-data": s.CustodyDepositInputSerializer},
        responses={201: s.CustodyDepositDetailSerializer},
    )
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        data = self.valid(s.CustodyDepositInputSerializer, request)
        household = _row(request, Household, data.get("household"), "household")
        project = _project(request, data.get("project"), of=household)
        deposit = services.deposit_receive(
            project=project,
            by=request.user,
            household=household,
            owner_name=data["owner_name"],
            owner_phone=data["owner_phone"],
            description=data["description"],
            declared_value=data.get("declared_value"),
            delegate_name=data.get("delegate_name", ""),
            delegate_phone=data.get("delegate_phone", ""),
            photos=data["photos"],
        )
        return self._answer(deposit.pk, status.HTTP_201_CREATED)

    @extend_schema(
        request=s.CustodyDelegateInputSerializer, responses=s.CustodyDepositDetailSerializer
    )
    @action(detail=True, methods=["post"], url_path="delegate", url_name="delegate")
    def delegate(self, request: Request, pk: str | None = None) -> Response:
        deposit = self.get_object()
        services.deposit_name_delegate(
            deposit=deposit,
            by=request.user,
            **self.valid(s.CustodyDelegateInputSerializer, request),
        )
        return self._answer(deposit.pk)

    @extend_schema(
        request=s.CustodyReturnInputSerializer, responses=s.CustodyDepositDetailSerializer
    )
    @action(detail=True, methods=["post"], url_path="return", url_name="return")
    def hand_back(self, request: Request, pk: str | None = None) -> Response:
        deposit = self.get_object()
        data = self.valid(s.CustodyReturnInputSerializer, request)
        data["signature"] = data.get("signature") or None
        services.deposit_return(deposit=deposit, by=request.user, **data)
        return self._answer(deposit.pk)

    @extend_schema(
        methods=["GET"],
        summary="Preview the custody receipt (not counted)",
        description="The receipt as a PDF, phones masked as the caller sees them; a preview.",
        responses={(200, "application/pdf"): OpenApiTypes.BINARY},
    )
    @extend_schema(
        methods=["POST"],
        summary="Print the custody receipt (counted)",
        description="Counts one printing of the receipt and answers the PDF to send to paper.",
        request=None,
        responses={(200, "application/pdf"): OpenApiTypes.BINARY},
    )
    @action(
        detail=True,
        methods=["get", "post"],
        url_path="print",
        url_name="print",
        renderer_classes=[DeskJSONRenderer, PdfRenderer],
    )
    def print_receipt(self, request: Request, pk: str | None = None) -> HttpResponse:
        deposit = self.get_object()
        pdf = receipt_pdf(
            deposit, by=request.user, request=request._request, counted=request.method == "POST"
        )
        return pdf_bytes_response(
            pdf,
            filename=f"{deposit.number}.pdf",
            attachment=request.query_params.get("download") == "1",
        )


# (prefix, viewset, basename) registered on the API router.
ROUTES: list[tuple[str, Any, str]] = [("custody", CustodyViewSet, "custody")]
urlpatterns: list[Any] = []
