"""Mail and parcels in the API.

    /api/v1/parcels/                  list (filters of ParcelFilterSet); receive one, or a
                                      batch (a JSON list: all received, or none)
    /api/v1/parcels/{id}/             one item
    /api/v1/parcels/{id}/tell/        the household told
    /api/v1/parcels/{id}/pickup/      picked up with the collector's name and signature
    /api/v1/parcels/{id}/return/      returned to the sender with the reason

Rows of another project do not exist here (404); a refusal is a 400 with messages per field.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.urls import URLPattern
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from frontdesk.core.errors import ApplicationError
from residents.models import Household
from tickets.api.views import DeskViewSetMixin, _project, _row

from ...filtersets.parcels import ParcelFilterSet
from ...models.parcels import Parcel
from ...selectors import parcels as selectors
from ...services import parcels as services
from ..serializers import parcels as s

BATCH_LIMIT = 200


class ParcelViewSet(
    DeskViewSetMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """Mail, newspapers and parcels (邮件、报刊、快递) received at the desk for the households."""

    queryset = Parcel.objects.none()
    serializer_class = s.ParcelSerializer
    filterset_class = ParcelFilterSet
    ordering_fields: list[str] = []

    def get_queryset(self) -> QuerySet[Parcel]:
        if getattr(self, "swagger_fake_view", False):
            return Parcel.objects.none()
        return selectors.parcel_list(user=self.request.user).select_related(
            "told_by", "handed_over_by", "returned_by"
        )

    def answer(self, parcel: Parcel, code: int = status.HTTP_200_OK) -> Response:
        return Response(s.ParcelSerializer(self.get_queryset().get(pk=parcel.pk)).data, status=code)

    @extend_schema(
        request=s.ParcelInputSerializer,
        responses={201: s.ParcelSerializer},
        description="Receive one item. A JSON list of such objects (at most 200) receives a "
        "batch: all of it, or (400, errors named `<index>.<field>`) none; the answer is then "
        "the list of items received.",
    )
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        many = isinstance(request.data, list)
        raw = request.data if many else [request.data]
        if not raw or len(raw) > BATCH_LIMIT:
            raise ApplicationError(
                fields={"non_field_errors": [_("Send between 1 and 200 items.")]}
            )
        rows: list[dict[str, Any]] = []
        errors: dict[str, Any] = {}
        for index, item in enumerate(raw):
            serializer = s.ParcelInputSerializer(data=item, context={"request": request})
            if serializer.is_valid():
                rows.append(dict(serializer.validated_data))
                continue
            for field, messages in dict(serializer.errors).items():
                # One flat object, as every other 400: the n-th item's field is "n.field".
                errors[f"{index}.{field}" if many else field] = messages
        if errors:
            raise serializers.ValidationError(errors)
        projects = {row.get("project") for row in rows}
        if len(projects) > 1:
            raise ApplicationError(fields={"project": [_("One project per batch.")]})
        items = []
        for i, row in enumerate(rows):
            field = f"{i}.household" if many else "household"
            household = _row(request, Household, row["household"], field)
            items.append((household, row))
        project_id = rows[0].get("project")
        project = _project(request, project_id, of=items[0][0] if project_id is None else None)
        parcels = services.parcels_receive(
            project=project,
            by=request.user,
            items=[
                services.ParcelInput(
                    household=household,
                    kind=row["kind"],
                    carrier=row["carrier"],
                    tracking_number=row.get("tracking_number", ""),
                    note=row.get("note", ""),
                )
                for household, row in items
            ],
        )
        shown = s.ParcelSerializer(
            self.get_queryset().filter(pk__in=[p.pk for p in parcels]).order_by("id"), many=True
        ).data
        return Response(shown if many else shown[0], status=status.HTTP_201_CREATED)

    @extend_schema(request=s.ParcelTellSerializer, responses=s.ParcelSerializer)
    @action(detail=True, methods=["post"], url_path="tell", url_name="tell")
    def tell(self, request: Request, pk: str | None = None) -> Response:
        parcel = self.get_object()
        data = self.valid(s.ParcelTellSerializer, request)
        return self.answer(services.parcel_tell(parcel=parcel, by=request.user, **data))

    @extend_schema(request=s.ParcelPickupSerializer, responses=s.ParcelSerializer)
    @action(detail=True, methods=["post"], url_path="pickup", url_name="pickup")
    def pickup(self, request: Request, pk: str | None = None) -> Response:
        parcel = self.get_object()
        data = self.valid(s.ParcelPickupSerializer, request)
        return self.answer(
            services.parcel_pickup(
                parcel=parcel,
                by=request.user,
                collector_name=data["collector_name"],
                collector_kind=data["collector_kind"],
                signature=data.get("signature"),
                signed_on_paper=data["signed_on_paper"],
                id_type=data.get("id_type", ""),
                id_last_digits=data.get("id_last_digits", ""),
            )
        )

    @extend_schema(request=s.ParcelReturnSerializer, responses=s.ParcelSerializer)
    @action(detail=True, methods=["post"], url_path="return", url_name="return")
    def return_to_sender(self, request: Request, pk: str | None = None) -> Response:
        parcel = self.get_object()
        data = self.valid(s.ParcelReturnSerializer, request)
        return self.answer(services.parcel_return(parcel=parcel, by=request.user, **data))


# (prefix, viewset, basename) registered on the API router.
ROUTES: list[tuple[str, Any, str]] = [("parcels", ParcelViewSet, "parcel")]
urlpatterns: list[URLPattern] = []
