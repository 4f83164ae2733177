"""Printed work orders: the three copies (三联单), the complaint form, the day's orders.

Every order prints as three copies on one sheet set: copy 1 for the resident
(客户联), copy 2 for the executing department (执行联), copy 3 for customer
service (存根联). A complaint prints on its own form (客人投诉处理单).

Only a printing sent to paper is counted (`tickets_record_print`): the
explicit print action (a POST, from the page's Print button or the API), after
which a reprint says so on every copy. Opening or downloading the PDF is a
preview: it counts nothing and its copies say "preview".

A printed copy shows personal data as the screen does to whoever prints it:
the reporter's or the household's phone is masked for a role without
`residents.view_phone`, copy by copy.

Each copy carries a QR code. The department's and the desk's copies open the
order page (after login); the resident's copy opens a public page through a
signed link that expires after the project's `resident_link_days`, where the
resident follows the order and rates the service.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.core import signing
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from rest_framework.renderers import BaseRenderer

from frontdesk.core.masking import phone_for
from frontdesk.core.pdf import qr_data_uri, render_pdf

from .choices import TicketKind
from .models import Ticket, TicketSettings
from .services import tickets_record_print

# --- The resident's signed link ------------------------------------------------------

_LINK_SALT = "tickets.resident-link"


class LinkRefused(Exception):
    """A resident's link that is tampered with, expired, or for an order that no longer exists."""

    def __init__(self, reason: str):
        self.reason = reason
        super().__init__(reason)


def resident_token(ticket: Ticket) -> str:
    """A signed, timestamped token naming the order ("123:1vAbCd:signature").

    Kept short: it is printed as a QR code, whose size grows with the text.
    """
    return signing.TimestampSigner(salt=_LINK_SALT).sign(str(ticket.pk))


def resident_link_days(project_id: int) -> int:
    return TicketSettings.for_project(project_id).resident_link_days


def ticket_for_token(token: str) -> Ticket:
    """The order a resident's token names, or LinkRefused ("tampered" / "expired" / "gone").

    The signature is checked first; the age is then checked against the
    order's project setting.
    """
    signer = signing.TimestampSigner(salt=_LINK_SALT)
    try:
        value = signer.unsign(token)
    except signing.BadSignature:
        raise LinkRefused("tampered") from None
    try:
        ticket = Ticket.objects.select_related(
            "project", "household__unit__building", "building", "assignee"
        ).get(pk=int(value))
    except (Ticket.DoesNotExist, ValueError):
        raise LinkRefused("gone") from None
    max_age = dt.timedelta(days=resident_link_days(ticket.project_id))
    try:
        signer.unsign(token, max_age=max_age)
    except signing.SignatureExpired:
        raise LinkRefused("expired") from None
    return ticket


def resident_url(ticket: Ticket, request: HttpRequest | None = None) -> str:
    path = reverse("tickets:resident", kwargs={"token": resident_token(ticket)})
    return request.build_absolute_uri(path) if request is not None else path


def order_url(ticket: Ticket, request: HttpRequest | None = None) -> str:
    path = reverse("tickets:detail", kwargs={"pk": ticket.pk})
    return request.build_absolute_uri(path) if request is not None else path


# --- The three copies -------------------------------------------------------------------


@dataclass(frozen=True)
class Copy:
    number: int
    label: Promise
    holder: Promise
    qr: str
    qr_caption: Promise


FORM_TITLES: dict[str, Promise] = {
    TicketKind.REPAIR: _("Repair work order"),
    TicketKind.HOUSEKEEPING: _("Housekeeping service order"),
    TicketKind.GREENING: _("Greening service order"),
    TicketKind.CONVENIENCE: _("Convenience service order"),
    TicketKind.COMPLAINT: _("Complaint handling form"),
}

COPY_LABELS: tuple[tuple[Promise, Promise], ...] = (
    (_("Copy 1 · Resident"), _("Keep this copy")),
    (_("Copy 2 · Executing department"), _("Return to the desk after the work")),
    (_("Copy 3 · Customer service"), _("Stub kept by the desk")),
)


def copies_for(
    ticket: Ticket, request: HttpRequest | None, staff_qr: str | None = None
) -> list[Copy]:
    """The three copies of an order, each with its label and QR code."""
    resident_qr = qr_data_uri(resident_url(ticket, request))
    staff_qr = staff_qr or qr_data_uri(order_url(ticket, request))
    captions = (
        _("Scan to follow the order and rate the service"),
        _("Scan to accept or complete the order"),
        _("Scan to open the order"),
    )
    return [
        Copy(n, label, holder, resident_qr if n == 1 else staff_qr, captions[n - 1])
        for n, (label, holder) in enumerate(COPY_LABELS, start=1)
    ]


def print_queryset() -> Any:
    """Orders with everything a printed copy shows, in one query."""
    return Ticket.objects.select_related(
        "project",
        "household__unit__building",
        "building",
        "assignee",
        "created_by",
        "complaint__butler",
        "complaint__marked_by",
        "complaint__decided_by",
    ).prefetch_related("household__persons")


def _order_context(
    ticket: Ticket, request: HttpRequest | None, *, by: Any, counted: bool
) -> dict[str, Any]:
    staff_qr = qr_data_uri(order_url(ticket, request))
    complaint = ticket.kind == TicketKind.COMPLAINT
    name, phone = _contact(ticket)
    return {
        "ticket": ticket,
        "title": FORM_TITLES[ticket.kind],
        "contact": (name, phone_for(by, phone)),
        "reprint": counted and ticket.print_count > 1,
        "copies": [] if complaint else copies_for(ticket, request, staff_qr),
        "staff_qr": staff_qr,
    }


def _contact(ticket: Ticket) -> tuple[str, str]:
    """Who to contact about the order: its reporter, else the household's main contact."""
    if ticket.reporter_name or ticket.reporter_phone:
        return ticket.reporter_name, ticket.reporter_phone
    if ticket.household_id is not None:
        people = [p for p in ticket.household.persons.all() if p.is_active]
        people.sort(key=lambda p: (not p.is_primary, p.pk))
        if people:
            return people[0].name, people[0].phone
    return "", ""


def print_orders(
    tickets: Sequence[Ticket],
    *,
    by: Any,
    request: HttpRequest | None = None,
    counted: bool = True,
) -> bytes:
    """Render the orders in one PDF as `by` may see them; with `counted`, count one printing
    of each (the explicit print action), else it is a preview that counts nothing.

    Repairs, housekeeping, greening and convenience orders print as three
    copies; complaints on their complaint form. Each order starts a new sheet.
    """
    if counted:
        tickets_record_print(tickets=tickets, by=by)
    context = {
        "orders": [_order_context(t, request, by=by, counted=counted) for t in tickets],
        "preview": not counted,
        "printed_at": timezone.now(),
        "printed_by": by,
    }
    return render_pdf("print/orders.html", context, request=request)


class PdfRenderer(BaseRenderer):
    """Lets an API client ask for a printed order with `Accept: application/pdf`.

    The view returns the PDF itself; an error (a 404) is written as JSON.
    """

    media_type = "application/pdf"
    format = "pdf"
    charset = None
    render_style = "binary"

    def render(
        self, data: Any, accepted_media_type: Any = None, renderer_context: Any = None
    ) -> bytes:
        if isinstance(data, bytes):
            return data
        # Not a PDF (a refusal, a 404): JSON, and labelled so.
        response = (renderer_context or {}).get("response")
        if response is not None:
            response["Content-Type"] = "application/json"
        return json.dumps(data, default=str, ensure_ascii=False).encode()
