"""Reads of the key and file loans register: the key board, the loans, the overdue ones."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Prefetch, QuerySet
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from frontdesk.core.models import Project
from frontdesk.core.open_items import ITEM_LIMIT, OpenItem, OpenItemSource
from frontdesk.core.scoping import scope

from ..choices.loans import LoanStatus
from ..models.loans import Key, Loan


def loan_list(*, user: Any) -> QuerySet[Loan]:
    """Loans of the user's projects with everything a list row shows, newest first."""
    return scope(Loan.objects.all(), user).select_related(
        "project", "key", "household__unit", "borrower", "lent_by", "received_by"
    )


def loan_detail(*, user: Any, loan_id: int) -> Loan:
    return loan_list(user=user).get(pk=loan_id)


def key_list(*, user: Any) -> QuerySet[Key]:
    """Keys on the boards of the user's projects, each with its open loan (if out) prefetched
    as `open_loans`."""
    return (
        scope(Key.objects.filter(is_active=True), user)
        .select_related("project", "unit")
        .prefetch_related(
            Prefetch(
                "loans",
                queryset=Loan.objects.filter(status=LoanStatus.OUT).select_related("borrower"),
                to_attr="open_loans",
            )
        )
        .order_by("project_id", "hook", "id")
    )


def files_out(*, user: Any) -> QuerySet[Loan]:
    """Household files lent out now, the earliest due first."""
    return (
        loan_list(user=user)
        .filter(household__isnull=False, status=LoanStatus.OUT)
        .order_by("due_at", "id")
    )


def overdue_loans(*, project: Project, now: dt.datetime) -> QuerySet[Loan]:
    return Loan.objects.filter(project=project, status=LoanStatus.OUT, due_at__lt=now).order_by(
        "due_at", "id"
    )


def overdue_count(*, user: Any, now: dt.datetime) -> int:
    return scope(Loan.objects.filter(status=LoanStatus.OUT, due_at__lt=now), user).count()


def _overdue_items(project: Project, now: dt.datetime) -> list[OpenItem]:
    """Keys and files past their due time, with who has them (the handover's open items)."""
    return [
        OpenItem(
            _("%(what)s with %(name)s (overdue)")
            % {"what": loan.item_label, "name": loan.borrower_name},
            reverse("registers:loan", args=[loan.pk]),
            loan.due_at,
        )
        for loan in overdue_loans(project=project, now=now)[:ITEM_LIMIT]
    ]


# The open items this register adds to the shift handover (key "registers.<name>").
OPEN_ITEMS: tuple[OpenItemSource, ...] = (
    OpenItemSource(
        key="registers.loans_overdue",
        title=gettext_lazy("Keys and files not back by their due time"),
        gather=_overdue_items,
    ),
)
