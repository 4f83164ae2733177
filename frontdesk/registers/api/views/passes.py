"""Item release passes in the API: thin viewsets over the selectors and services.

    /api/v1/passes/                 list (filters of ReleasePassFilterSet), issue
    /api/v1/passes/{id}/            one pass
    /api/v1/passes/{id}/verify/     the gate's check: VALID once, then refused with the reason
    /api/v1/passes/verify/          the same by number (typed, or the printed QR code's text)
    /api/v1/passes/{id}/print/      POST prints (counted) and answers the PDF; GET previews
    /api/v1/passes/{id}/void/       void with a reason, before use
    /api/v1/temporary-passes/       temporary passes: list, lend; {id}/return/, {id}/lose/
    /api/v1/card-work/              work on household cards: list, record (lose/replace/return)

A pass of another project does not exist here (404); a refusal is a 400 with the
reason; a step the caller's role may not take at all is a 403.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpResponse
from django.urls import URLPattern
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from frontdesk.core.api.renderers import DeskJSONRenderer
from frontdesk.core.errors import ApplicationError
from frontdesk.core.pdf import pdf_bytes_response
from residents.models import Card, Household
from tickets.api.views import DeskViewSetMixin, _project, _row
from tickets.printing import PdfRenderer

from ...filtersets.passes import CardWorkFilterSet, ReleasePassFilterSet, TemporaryPassFilterSet
from ...models.passes import CardWork, ReleasePass, TemporaryPass
from ...printing.passes import print_release_pass
from ...selectors import passes as selectors
from ...services import passes as services
from ...transitions import may
from ...transitions.passes import CARD_WORK, RELEASE_PASS, TEMPORARY_PASS
from ..serializers import passes as s


def _may(request: Request, step: str, message: str) -> None:
    if not may(request.user, RELEASE_PASS, step):
        raise PermissionDenied(message)


class ReleasePassViewSet(
    DeskViewSetMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """Item release passes (物品放行条): issue, check once at the gate, print, void."""

    queryset = ReleasePass.objects.none()
    serializer_class = s.ReleasePassSerializer
    filterset_class = ReleasePassFilterSet
    ordering_fields: list[str] = []

    def get_queryset(self) -> QuerySet[ReleasePass]:
        if getattr(self, "swagger_fake_view", False):
            return ReleasePass.objects.none()
        return selectors.release_pass_list(user=self.request.user)

    def answer(self, pk: int, code: int = status.HTTP_200_OK) -> Response:
        release_pass = selectors.release_pass_list(user=self.request.user).get(pk=pk)
        context = self.get_serializer_context()
        return Response(s.ReleasePassSerializer(release_pass, context=context).data, status=code)

    @extend_schema(
        request=s.ReleasePassInputSerializer,
        responses={201: s.ReleasePassSerializer},
        description=(
            "Issue a pass. The person taking the goods out must be a listed owner or tenant "
            "of the household; anyone else needs `confirmed_by` (a listed owner), "
            "`confirmed_via` and optionally `confirmed_at` (default: now). The number is "
            "given last: a refused pass consumes none."
        ),
    )
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        _may(request, "issue", _("Your role may not issue item release passes."))
        data = self.valid(s.ReleasePassInputSerializer, request)
        household = _row(request, Household, data.pop("household"), "household")
        project = _project(request, data.pop("project", None), of=household)
        release_pass = services.release_pass_issue(
            project=project,
            household=household,
            by=request.user,
            data=services.PassInput(**data),
        )
        return self.answer(release_pass.pk, status.HTTP_201_CREATED)

    @extend_schema(
        request=s.GateSerializer,
        responses={200: s.ReleasePassSerializer},
        description=(
            "The gate's check: a pass good today and not yet used is marked used (by the "
            "caller, now, at `gate`) and returned. A used, expired, not-yet-valid or voided "
            "pass is a 400 whose message says why; nothing is written."
        ),
    )
    @action(detail=True, methods=["post"], url_path="verify", url_name="verify")
    def verify(self, request: Request, pk: str | None = None) -> Response:
        _may(request, "verify", _("Your role may not check passes at the gate."))
        release_pass = self.get_object()
        data = self.valid(s.GateSerializer, request)
        services.release_pass_verify(release_pass=release_pass, by=request.user, **data)
        return self.answer(release_pass.pk)

    @extend_schema(
        operation_id="passes_verify_by_number",
        request=s.VerifyByNumberSerializer,
        responses={200: s.ReleasePassSerializer},
        description=(
            "The gate's check by number, without knowing the id: `number` is the typed pass "
            "number or the text of the printed QR code. A code not signed by the desk, or a "
            "number not found in the caller's projects, is a 400 on `number`."
        ),
    )
    @action(detail=False, methods=["post"], url_path="verify", url_name="verify-number")
    def verify_number(self, request: Request) -> Response:
        _may(request, "verify", _("Your role may not check passes at the gate."))
        data = self.valid(s.VerifyByNumberSerializer, request)
        number = data["number"].strip()
        if ":" in number:
            number = selectors.number_from_code(number) or ""
            if not number:
                raise ApplicationError(
                    fields={"number": [_("This code was not printed by the desk.")]}
                )
        release_pass = selectors.release_pass_by_number(user=request.user, number=number)
        if release_pass is None:
            raise ApplicationError(
                fields={"number": [_("No pass with this number in your projects.")]}
            )
        services.release_pass_verify(release_pass=release_pass, by=request.user, gate=data["gate"])
        return self.answer(release_pass.pk)

    @extend_schema(request=s.VoidSerializer, responses={200: s.ReleasePassSerializer})
    @action(detail=True, methods=["post"], url_path="void", url_name="void")
    def void(self, request: Request, pk: str | None = None) -> Response:
        """Void a pass not yet used, with the reason; it stays in the register."""
        _may(request, "void", _("Your role may not void passes."))
        release_pass = self.get_object()
        data = self.valid(s.VoidSerializer, request)
        services.release_pass_void(release_pass=release_pass, by=request.user, **data)
        return self.answer(release_pass.pk)

    @extend_schema(
        methods=["GET"],
        summary="Preview the printed pass (not counted)",
        description=(
            "The pass as a PDF with its QR code, the phone masked as the caller sees it. A "
            "preview: it does not count as a printing and says so. `?download=1` offers it "
            "as a file."
        ),
        responses={(200, "application/pdf"): OpenApiTypes.BINARY},
    )
    @extend_schema(
        methods=["POST"],
        summary="Print the pass (counted)",
        description=(
            "The print action: counts one printing (a later one reads “reprint”) and "
            "answers the PDF to send to paper. Only a pass not yet used or voided prints."
        ),
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
    def print_pass(self, request: Request, pk: str | None = None) -> HttpResponse:
        counted = request.method == "POST"
        if counted:
            _may(request, "print", _("Your role may not print passes."))
        release_pass = self.get_object()
        pdf = print_release_pass(
            release_pass, by=request.user, request=request._request, counted=counted
        )
        return pdf_bytes_response(
            pdf,
            filename=f"{release_pass.number}.pdf",
            attachment=request.query_params.get("download") == "1",
        )


# --- Temporary passes and card work --------------------------------------------------------------


class TemporaryPassViewSet(
    DeskViewSetMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """Temporary passes (临时出入证): lend, take back, report lost. A fee goes to the bill."""

    queryset = TemporaryPass.objects.none()
    serializer_class = s.TemporaryPassSerializer
    filterset_class = TemporaryPassFilterSet
    ordering_fields: list[str] = []

    def get_queryset(self) -> QuerySet[TemporaryPass]:
        if getattr(self, "swagger_fake_view", False):
            return TemporaryPass.objects.none()
        return selectors.temporary_pass_list(user=self.request.user)

    def answer(self, pk: int, code: int = status.HTTP_200_OK) -> Response:
        row = selectors.temporary_pass_list(user=self.request.user).get(pk=pk)
        context = self.get_serializer_context()
        return Response(s.TemporaryPassSerializer(row, context=context).data, status=code)

    @extend_schema(
        request=s.TemporaryPassInputSerializer,
        responses={201: s.TemporaryPassSerializer},
        description=(
            "Lend a temporary pass for a household's (`household`) or a company's "
            "(`company`) work. A `fee` is recorded for the household's next bill (billing's "
            "desk charge) and needs the household; a `deposit` is noted and given back on "
            "return."
        ),
    )
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        if not may(request.user, TEMPORARY_PASS, "issue"):
            raise PermissionDenied(_("Your role may not issue temporary passes."))
        data = self.valid(s.TemporaryPassInputSerializer, request)
        household = _row(request, Household, data.pop("household", None), "household")
        project = _project(request, data.pop("project", None), of=household)
        row = services.temporary_pass_issue(
            project=project,
            by=request.user,
            data=services.TemporaryPassInput(household=household, **data),
        )
        return self.answer(row.pk, status.HTTP_201_CREATED)

    @extend_schema(request=s.TemporaryPassReturnSerializer, responses=s.TemporaryPassSerializer)
    @action(detail=True, methods=["post"], url_path="return", url_name="return")
    def take_back(self, request: Request, pk: str | None = None) -> Response:
        """Take the pass back (a second return is a 400)."""
        row = self.get_object()
        data = self.valid(s.TemporaryPassReturnSerializer, request)
        services.temporary_pass_return(temporary_pass=row, by=request.user, **data)
        return self.answer(row.pk)

    @extend_schema(request=s.LoseSerializer, responses=s.TemporaryPassSerializer)
    @action(detail=True, methods=["post"], url_path="lose", url_name="lose")
    def lose(self, request: Request, pk: str | None = None) -> Response:
        """Record the pass as lost (its deposit is kept)."""
        row = self.get_object()
        data = self.valid(s.LoseSerializer, request)
        services.temporary_pass_lose(temporary_pass=row, by=request.user, **data)
        return self.answer(row.pk)


class CardWorkViewSet(
    DeskViewSetMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """The desk's work on household cards: each a new entry (lost, replaced, returned)."""

    queryset = CardWork.objects.none()
    serializer_class = s.CardWorkSerializer
    filterset_class = CardWorkFilterSet
    ordering_fields: list[str] = []

    def get_queryset(self) -> QuerySet[CardWork]:
        if getattr(self, "swagger_fake_view", False):
            return CardWork.objects.none()
        return selectors.card_work_list(user=self.request.user)

    @extend_schema(
        request=s.CardWorkInputSerializer,
        responses={201: s.CardWorkSerializer},
        description=(
            "Record work on a household's card (`kind`: lose, replace, return). The card on "
            "the household file changes with it; a replacement needs `new_number` and issues "
            "the new card. A `fee` goes on the household's next bill."
        ),
    )
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        if not may(request.user, CARD_WORK, "record"):
            raise PermissionDenied(_("Your role may not do card work."))
        data = self.valid(s.CardWorkInputSerializer, request)
        card = _row(request, Card, data.pop("card"), "card")
        row = services.card_work_record(card=card, by=request.user, **data)
        found = selectors.card_work_list(user=request.user).get(pk=row.pk)
        context = self.get_serializer_context()
        return Response(
            s.CardWorkSerializer(found, context=context).data, status=status.HTTP_201_CREATED
        )


# (prefix, viewset, basename) registered on the API router.
ROUTES: list[tuple[str, Any, str]] = [
    ("passes", ReleasePassViewSet, "release-pass"),
    ("temporary-passes", TemporaryPassViewSet, "temporary-pass"),
    ("card-work", CardWorkViewSet, "card-work"),
]
urlpatterns: list[URLPattern] = []
