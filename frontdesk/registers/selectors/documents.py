"""Reads of the incoming documents' register."""

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

from ..choices.documents import DocumentStatus
from ..models import DocumentReceipt, IncomingDocument


def document_list(*, user: Any) -> QuerySet[IncomingDocument]:
    """Documents of the user's projects, newest first, with their receipts (two queries)."""
    return (
        scope(IncomingDocument.objects.all(), user)
        .select_related("project", "received_by", "instructed_by")
        .prefetch_related(
            Prefetch(
                "receipts",
                queryset=DocumentReceipt.objects.select_related("acknowledged_by").order_by("id"),
            )
        )
        .order_by("-received_at", "-id")
    )


def document_detail(*, user: Any, document_id: int) -> IncomingDocument:
    """One document of the user's projects (DoesNotExist for another project's)."""
    return document_list(user=user).select_related("corrects", "voided_by").get(pk=document_id)


def documents_for_print(
    *, user: Any, project: Project, start: dt.datetime, end: dt.datetime
) -> list[IncomingDocument]:
    """The register's rows of a period, in the order they arrived (form R01—WKF08)."""
    return list(
        document_list(user=user)
        .filter(project=project, received_at__gte=start, received_at__lt=end)
        .order_by("received_at", "id")[:1000]
    )


def documents_open(project: Project, now: dt.datetime) -> list[OpenItem]:
    """Documents awaiting the manager's instruction or a department's receipt (handover)."""
    rows = (
        IncomingDocument.objects.filter(
            project=project,
            status__in=[DocumentStatus.REGISTERED, DocumentStatus.DISTRIBUTED],
        )
        .prefetch_related("receipts")
        .order_by("received_at", "id")[:ITEM_LIMIT]
    )
    items = []
    for d in rows:
        if d.status == DocumentStatus.REGISTERED:
            waiting = _("awaiting the manager's instruction")
        else:
            pending = [
                r.get_department_display() for r in d.receipts.all() if not r.acknowledged_at
            ]
            waiting = _("awaiting receipt by %(departments)s") % {
                "departments": ", ".join(str(p) for p in pending)
            }
        items.append(
            OpenItem(
                f"{d.serial} {d.title} · {waiting}",
                reverse("registers:document", args=[d.pk]),
                d.received_at,
            )
        )
    return items


# The open items this register adds to the shift handover (key "registers.<name>").
OPEN_ITEMS: tuple[OpenItemSource, ...] = (
    OpenItemSource(
        key="registers.documents",
        title=gettext_lazy("Incoming documents not yet signed for"),
        gather=documents_open,
    ),
)
