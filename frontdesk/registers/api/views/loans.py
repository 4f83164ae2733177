"""The key and file loans register in the API.

/api/v1/keys/                      the key boards of the user's projects (read)
/api/v1/key-loans/                 list (filters of LoanFilterSet), lend
/api/v1/key-loans/{id}/            one loan
/api/v1/key-loans/{id}/return/     take it back (a second return is a 400)
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from residents.models import Household
from tickets.api.views import DeskViewSetMixin, _project, _row, _user

from ...filtersets.loans import LoanFilterSet
from ...models.loans import Key, Loan
from ...selectors import loans as selectors
from ...services import loans as services
from ..serializers import loans as s


class KeyViewSet(
    DeskViewSetMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """The keys on the boards, each saying whether it is out, with whom and until when."""

    queryset = Key.objects.none()
    serializer_class = s.KeySerializer
    ordering_fields: list[str] = []
    filterset_fields = ["project", "kind"]

    def get_queryset(self) -> QuerySet[Key]:
        if getattr(self, "swagger_fake_view", False):
            return Key.objects.none()
        return selectors.key_list(user=self.request.user)


class LoanViewSet(
    DeskViewSetMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """Keys and household files lent (钥匙借用 / 档案借阅): lend, take back."""

    queryset = Loan.objects.none()
    serializer_class = s.LoanSerializer
    filterset_class = LoanFilterSet
    ordering_fields: list[str] = []

    def get_queryset(self) -> QuerySet[Loan]:
        if getattr(self, "swagger_fake_view", False):
            return Loan.objects.none()
        return selectors.loan_list(user=self.request.user)

    def _answer(self, pk: int, code: int = status.HTTP_200_OK) -> Response:
        loan = self.get_queryset().get(pk=pk)
        return Response(s.LoanSerializer(loan, context=self.get_serializer_context()).data, code)

    @extend_schema(request=s.LendInputSerializer, responses={201: s.LoanSerializer})
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        data = self.valid(s.LendInputSerializer, request)
        key = _row(request, Key, data.get("key"), "key")
        household = _row(request, Household, data.get("household"), "household")
        project = _project(request, data.get("project"), of=key or household)
        loan = services.loan_lend(
            project=project,
            by=request.user,
            key=key,
            household=household,
            borrower=_user(data.get("borrower"), "borrower"),
            borrower_name=data.get("borrower_name", ""),
            borrower_company=data.get("borrower_company", ""),
            borrower_phone=data.get("borrower_phone", ""),
            purpose=data["purpose"],
            due_at=data.get("due_at"),
        )
        return self._answer(loan.pk, status.HTTP_201_CREATED)

    @extend_schema(request=s.ReturnInputSerializer, responses=s.LoanSerializer)
    @action(detail=True, methods=["post"], url_path="return", url_name="return")
    def take_back(self, request: Request, pk: str | None = None) -> Response:
        loan = self.get_object()
        services.loan_return(
            loan=loan, by=request.user, **self.valid(s.ReturnInputSerializer, request)
        )
        return self._answer(loan.pk)


# (prefix, viewset, basename) registered on the API router.
ROUTES: list[tuple[str, Any, str]] = [
    ("keys", KeyViewSet, "key"),
    ("key-loans", LoanViewSet, "key-loan"),
]
urlpatterns: list[Any] = []
