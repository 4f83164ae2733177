"""Work orders in the API: thin viewsets over the selectors and services.

`TicketViewSet` lists, creates and retrieves orders (filtered by the one
`TicketFilterSet`, paginated by cursor) and has one `POST` action per
transition of `tickets.transitions`, at the transition's URL name
(`/api/v1/tickets/{id}/acknowledge-quote/`). A refused action is a 400 with
messages per field, through the one ApplicationError mapping; a step the
user's role may not take is a 403.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import Model, QuerySet
from django.http import Http404, HttpResponse
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, permissions, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from frontdesk.core.api.renderers import DeskJSONRenderer
from frontdesk.core.errors import ApplicationError
from frontdesk.core.models import Project
from frontdesk.core.pdf import pdf_bytes_response
from frontdesk.core.roles import Role, has_role
from frontdesk.core.scoping import project_ids_for, scope
from residents.models import Building, Household

from .. import selectors, services
from ..filtersets import LiaisonFormFilterSet, MonthlyContractFilterSet, TicketFilterSet
from ..models import LiaisonForm, MonthlyContract, Ticket
from ..printing import PdfRenderer, print_orders, print_queryset
from ..transitions import check_register, check_role
from . import serializers as s


class DeskStaffPermission(permissions.BasePermission):
    """Any staff member with a role of the desk (rows are scoped to their projects).

    Who may take which step is the transition table's business: a
    supervisor's action by anyone else is refused by the service.
    """

    def has_permission(self, request: Request, view: Any) -> bool:
        user = request.user
        return bool(user and user.is_authenticated and has_role(user, *Role.values))


def _project(request: Request, project_id: int | None, of: Any = None) -> Project:
    """The project of a new row: the one named, else that of the row it concerns (`of`: a
    household, a building, an order), else the user's only project."""
    ids = project_ids_for(request.user)
    if project_id is None and of is not None:
        return Project.objects.get(pk=of.project_id)
    if project_id is None:
        if len(ids) == 1:
            return Project.objects.get(pk=ids[0])
        raise ApplicationError(fields={"project": [_("Choose the project.")]})
    if project_id not in ids:
        raise ApplicationError(fields={"project": [_("Unknown project.")]})
    return Project.objects.get(pk=project_id)


def _row(
    request: Request, model: type[Model], pk: int | None, field: str, path: str = "project"
) -> Any:
    """A row of the user's projects by id, or a field error (never a row of another project)."""
    if pk is None:
        return None
    found = scope(model.objects.all(), request.user, path).filter(pk=pk).first()  # type: ignore[attr-defined]
    if found is None:
        raise ApplicationError(fields={field: [_("Not found in your projects.")]})
    return found


def _user(pk: int | None, field: str) -> Any:
    if pk is None:
        return None
    found = get_user_model().objects.filter(pk=pk, is_active=True).first()
    if found is None:
        raise ApplicationError(fields={field: [_("Unknown user.")]})
    return found


class DeskViewSetMixin:
    permission_classes = [DeskStaffPermission]

    def valid(self, serializer_class: type[Any], request: Request) -> dict[str, Any]:
        serializer = serializer_class(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        return dict(serializer.validated_data)


# --- Work orders -------------------------------------------------------------------------


def _transition_action(
    attr: str,
    name: str,
    input_class: type[Any] | None,
    run: Callable[[Ticket, dict[str, Any], Any], Any],
) -> Any:
    """A `POST /tickets/{id}/<name>/` action: validate the body, run the service, answer with
    the order as it now is. A role that may not take the step is refused first (403)."""

    def handler(self: TicketViewSet, request: Request, pk: str | None = None) -> Response:
        ticket = self.get_object()
        check_role(ticket, name.replace("-", "_"), request.user)
        data = self.valid(input_class, request) if input_class is not None else {}
        run(ticket, data, request.user)
        return self.answer(ticket.pk)

    # DRF finds an action by its method's name, which must be the attribute's.
    handler.__name__ = attr
    handler.__doc__ = f"Transition `{name}` of the order."
    # The schema is attached after `action`, which would otherwise replace it.
    routed = action(detail=True, methods=["post"], url_path=name, url_name=name)(handler)
    return extend_schema(request=input_class, responses=s.TicketDetailSerializer)(routed)


def _with_user(data: dict[str, Any], key: str, field: str | None = None) -> dict[str, Any]:
    data = dict(data)
    if key in data:
        data[key] = _user(data[key], field or key)
    return data


class TicketViewSet(
    DeskViewSetMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """Work orders: list, register, retrieve, and one POST per transition."""

    queryset = Ticket.objects.all()
    serializer_class = s.TicketRowSerializer
    filterset_class = TicketFilterSet
    ordering_fields = ["id"]

    def get_queryset(self) -> QuerySet[Ticket]:
        if self.action == "list":
            return selectors.ticket_rows(
                user=self.request.user, with_handler=True, with_commitment=True
            )
        return scope(Ticket.objects.all(), self.request.user)

    def get_serializer_class(self) -> type[Any]:
        if self.action == "create":
            return s.TicketCreateSerializer
        if self.action == "list":
            return s.TicketRowSerializer
        return s.TicketDetailSerializer

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        pk = str(kwargs.get("pk", ""))
        if not pk.isdecimal():
            raise Http404
        try:
            ticket = selectors.ticket_detail(user=request.user, ticket_id=int(pk))
        except Ticket.DoesNotExist:
            raise Http404 from None
        data = s.TicketDetailSerializer(ticket, context=self.get_serializer_context()).data
        return Response(data)

    def answer(self, pk: int, status_code: int = status.HTTP_200_OK) -> Response:
        ticket = selectors.ticket_detail(user=self.request.user, ticket_id=pk)
        data = s.TicketDetailSerializer(ticket, context=self.get_serializer_context()).data
        return Response(data, status=status_code)

    @extend_schema(request=s.TicketCreateSerializer, responses={201: s.TicketDetailSerializer})
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        check_register(request.user)
        data = self.valid(s.TicketCreateSerializer, request)
        data["household"] = _row(request, Household, data.get("household"), "household")
        data["building"] = _row(request, Building, data.get("building"), "building")
        project = _project(
            request, data.pop("project", None), data["household"] or data["building"]
        )
        ticket = services.ticket_register(project=project, by=request.user, **data)
        return self.answer(ticket.pk, status.HTTP_201_CREATED)

    acknowledge_quote = _transition_action(
        "acknowledge_quote",
        "acknowledge-quote",
        s.QuoteSerializer,
        lambda t, d, u: services.ticket_quote_acknowledge(ticket=t, by=u, **d),
    )
    price = _transition_action(
        "price",
        "price",
        s.PriceSerializer,
        lambda t, d, u: services.ticket_price(ticket=t, by=u, **_with_user(d, "lead")),
    )
    confirm_time = _transition_action(
        "confirm_time",
        "confirm-time",
        s.ConfirmTimeSerializer,
        lambda t, d, u: services.ticket_confirm_time(ticket=t, by=u, **d),
    )
    commit = _transition_action(
        "commit",
        "commit",
        s.CommitSerializer,
        lambda t, d, u: services.ticket_commit(ticket=t, by=u, **_with_user(d, "by_whom_user")),
    )
    # `dispatch` is the name of the view's own entry point: the action's method is named apart.
    dispatch_order = _transition_action(
        "dispatch_order",
        "dispatch",
        s.DispatchSerializer,
        lambda t, d, u: services.ticket_dispatch(ticket=t, by=u, **_with_user(d, "assignee")),
    )
    accept = _transition_action(
        "accept",
        "accept",
        s.StepNoteSerializer,
        lambda t, d, u: services.ticket_accept(ticket=t, by=u, **d),
    )
    arrive = _transition_action(
        "arrive",
        "arrive",
        s.ArriveSerializer,
        lambda t, d, u: services.ticket_arrive(ticket=t, by=u, **d),
    )
    pause = _transition_action(
        "pause",
        "pause",
        s.ReasonSerializer,
        lambda t, d, u: services.ticket_pause(ticket=t, by=u, **d),
    )
    resume = _transition_action(
        "resume",
        "resume",
        s.StepNoteSerializer,
        lambda t, d, u: services.ticket_resume(ticket=t, by=u, **d),
    )
    transfer = _transition_action(
        "transfer",
        "transfer",
        s.TransferSerializer,
        lambda t, d, u: services.ticket_transfer(ticket=t, by=u, **_with_user(d, "assignee")),
    )
    follow_up = _transition_action(
        "follow_up",
        "follow-up",
        s.StepNoteSerializer,
        lambda t, d, u: services.ticket_follow_up(ticket=t, by=u, **d),
    )
    complete = _transition_action(
        "complete",
        "complete",
        s.CompleteSerializer,
        lambda t, d, u: services.ticket_complete(ticket=t, by=u, **d),
    )
    return_order = _transition_action(
        "return_order",
        "return",
        s.ReturnSerializer,
        lambda t, d, u: services.ticket_return(ticket=t, by=u, **d),
    )
    callback = _transition_action(
        "callback",
        "callback",
        s.CallbackInputSerializer,
        lambda t, d, u: services.ticket_callback(ticket=t, by=u, **d),
    )
    close = _transition_action(
        "close",
        "close",
        s.StepNoteSerializer,
        lambda t, d, u: services.ticket_close(ticket=t, by=u, **d),
    )
    void = _transition_action(
        "void",
        "void",
        s.ReasonSerializer,
        lambda t, d, u: services.ticket_void(ticket=t, by=u, **d),
    )
    force_close = _transition_action(
        "force_close",
        "force-close",
        s.ReasonSerializer,
        lambda t, d, u: services.ticket_force_close(ticket=t, by=u, **d),
    )
    promise_slip = _transition_action(
        "promise_slip",
        "promise-slip",
        s.PromiseSlipInputSerializer,
        lambda t, d, u: services.ticket_promise_slip(ticket=t, by=u, **d),
    )
    warranty_pass = _transition_action(
        "warranty_pass",
        "warranty-pass",
        s.WarrantyPassSerializer,
        lambda t, d, u: services.warranty_pass(ticket=t, by=u, **_with_user(d, "liaison")),
    )
    warranty_report = _transition_action(
        "warranty_report",
        "warranty-report",
        s.WarrantyReportInputSerializer,
        lambda t, d, u: services.warranty_report(ticket=t, by=u, **d),
    )
    investigate = _transition_action(
        "investigate",
        "investigate",
        s.FindingsSerializer,
        lambda t, d, u: services.complaint_investigate(ticket=t, by=u, **d),
    )
    butler_reply = _transition_action(
        "butler_reply",
        "butler-reply",
        s.ReplySerializer,
        lambda t, d, u: services.complaint_butler_reply(ticket=t, by=u, **d),
    )
    answer_resident = _transition_action(
        "answer_resident",
        "answer",
        s.AnswerSerializer,
        lambda t, d, u: services.complaint_answer(ticket=t, by=u, **d),
    )
    sign_off = _transition_action(
        "sign_off",
        "sign-off",
        s.StepNoteSerializer,
        lambda t, d, u: services.complaint_sign_off(ticket=t, by=u, **d),
    )
    confirm = _transition_action(
        "confirm",
        "confirm",
        s.StepNoteSerializer,
        lambda t, d, u: services.complaint_confirm(ticket=t, by=u, **d),
    )
    refer = _transition_action(
        "refer",
        "refer",
        s.ReferSerializer,
        lambda t, d, u: services.complaint_refer(ticket=t, by=u, **d),
    )
    decide = _transition_action(
        "decide",
        "decide",
        s.DecideSerializer,
        lambda t, d, u: services.complaint_decide(ticket=t, by=u, **d),
    )
    mark_valid = _transition_action(
        "mark_valid",
        "mark-valid",
        s.MarkValidSerializer,
        lambda t, d, u: services.complaint_mark_valid(ticket=t, by=u, **d),
    )

    @extend_schema(request=s.ReworkSerializer, responses={201: s.TicketDetailSerializer})
    @action(detail=True, methods=["post"], url_path="rework", url_name="rework")
    def rework(self, request: Request, pk: str | None = None) -> Response:
        """Open a rework order linked to this one; answers with the new order."""
        ticket = self.get_object()
        check_role(ticket, "rework", request.user)
        data = self.valid(s.ReworkSerializer, request)
        fresh = services.ticket_rework(ticket=ticket, by=request.user, **data)
        return self.answer(fresh.pk, status.HTTP_201_CREATED)

    @extend_schema(
        methods=["GET"],
        summary="Preview the printed copies (not counted)",
        description=(
            "The order's three copies (a complaint: its form) as a PDF, with phones masked as "
            "the caller sees them. A preview: it does not count as a printing and its copies "
            "say so. `?download=1` offers it as a file."
        ),
        responses={(200, "application/pdf"): OpenApiTypes.BINARY},
    )
    @extend_schema(
        methods=["POST"],
        summary="Print the copies (counted)",
        description=(
            "The print action: counts one printing of the order (recorded in its timeline; a "
            "later printing is marked as a reprint on every copy) and answers the PDF to send "
            "to paper, with phones masked as the caller sees them."
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
    def print_copies(self, request: Request, pk: str | None = None) -> HttpResponse:
        """The order's copies as a PDF: POST prints (counted), GET previews (not counted)."""
        ticket = self.get_object()
        ticket = print_queryset().get(pk=ticket.pk)
        pdf = print_orders(
            [ticket],
            by=request.user,
            request=request._request,
            counted=request.method == "POST",
        )
        return pdf_bytes_response(
            pdf,
            filename=f"{ticket.serial}.pdf",
            attachment=request.query_params.get("download") == "1",
        )


# --- Liaison forms --------------------------------------------------------------------------


class LiaisonFormViewSet(
    DeskViewSetMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """Numbered liaison forms (工作联系单): write, answer, close."""

    serializer_class = s.LiaisonFormSerializer
    filterset_class = LiaisonFormFilterSet
    ordering_fields = ["id"]

    def get_queryset(self) -> QuerySet[LiaisonForm]:
        return selectors.liaison_list(user=self.request.user)

    def _answer(self, pk: int, status_code: int = status.HTTP_200_OK) -> Response:
        form = self.get_queryset().get(pk=pk)
        return Response(s.LiaisonFormSerializer(form).data, status=status_code)

    @extend_schema(request=s.LiaisonCreateSerializer, responses={201: s.LiaisonFormSerializer})
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        data = self.valid(s.LiaisonCreateSerializer, request)
        data["ticket"] = _row(request, Ticket, data.get("ticket"), "ticket")
        project = _project(request, data.pop("project", None), data["ticket"])
        form = services.liaison_create(project=project, by=request.user, **data)
        return self._answer(form.pk, status.HTTP_201_CREATED)

    @extend_schema(request=s.ReplySerializer, responses=s.LiaisonFormSerializer)
    @action(detail=True, methods=["post"], url_path="answer", url_name="answer")
    def answer(self, request: Request, pk: str | None = None) -> Response:
        form = self.get_object()
        services.liaison_answer(
            form=form, by=request.user, **self.valid(s.ReplySerializer, request)
        )
        return self._answer(form.pk)

    @extend_schema(request=None, responses=s.LiaisonFormSerializer)
    @action(detail=True, methods=["post"], url_path="close", url_name="close")
    def close(self, request: Request, pk: str | None = None) -> Response:
        form = self.get_object()
        services.liaison_close(form=form, by=request.user)
        return self._answer(form.pk)


# --- Monthly contracts -----------------------------------------------------------------------


class MonthlyContractViewSet(
    DeskViewSetMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """Monthly housekeeping and greening contracts (包月), their register and visits."""

    serializer_class = s.MonthlyContractSerializer
    filterset_class = MonthlyContractFilterSet
    ordering_fields = ["id"]

    def get_queryset(self) -> QuerySet[MonthlyContract]:
        return selectors.contract_list(user=self.request.user)

    @extend_schema(request=s.ContractCreateSerializer, responses={201: s.MonthlyContractSerializer})
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        data = self.valid(s.ContractCreateSerializer, request)
        data["household"] = _row(request, Household, data["household"], "household")
        contract = services.contract_create(by=request.user, **data)
        fresh = self.get_queryset().get(pk=contract.pk)
        return Response(s.MonthlyContractSerializer(fresh).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=s.ContractVisitOpenSerializer, responses={201: s.TicketDetailSerializer})
    @action(detail=True, methods=["post"], url_path="open-visit", url_name="open-visit")
    def open_visit(self, request: Request, pk: str | None = None) -> Response:
        """Open the order of a due visit after confirming its time with the customer."""
        contract = self.get_object()
        data = self.valid(s.ContractVisitOpenSerializer, request)
        ticket = services.contract_open_visit(contract=contract, by=request.user, **data)
        detail = selectors.ticket_detail(user=request.user, ticket_id=ticket.pk)
        return Response(
            s.TicketDetailSerializer(detail, context={"request": request}).data,
            status=status.HTTP_201_CREATED,
        )

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "month",
                OpenApiTypes.STR,
                OpenApiParameter.PATH,
                pattern=r"^(19|2[0-9])[0-9]{2}-(0[1-9]|1[0-2])$",
                description="YYYY-MM",
            )
        ],
        responses=s.ContractRegisterRowSerializer(many=True),
    )
    @action(
        detail=True,
        methods=["get"],
        url_path=r"register/(?P<month>\d{4}-\d{2})",
        url_name="register",
        pagination_class=None,
        filter_backends=[],
    )
    def register(self, request: Request, pk: str | None = None, month: str = "") -> Response:
        """The monthly register: each due visit of `month` (YYYY-MM) and its order."""
        contract = self.get_object()
        year, number = (int(part) for part in month.split("-"))
        if not (1 <= number <= 12 and 1900 <= year <= 2999):
            raise ApplicationError(fields={"month": [_("Enter a month as YYYY-MM.")]})
        rows = selectors.contract_register(contract=contract, year=year, month=number)
        return Response(
            [
                {
                    "date": row["date"].isoformat(),
                    "due": row["due"],
                    "ticket": row["ticket"].pk if row["ticket"] else None,
                    "serial": row["ticket"].serial if row["ticket"] else "",
                    "status": row["status"],
                }
                for row in rows
            ]
        )
