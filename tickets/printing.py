"""Printed work orders: the three copies (三联单), the complaint form, the day's print run.

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
from django.db.models import TextChoices
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _
from rest_framework.renderers import BaseRenderer

from frontdesk.core.masking import phone_for
from frontdesk.core.pdf import qr_data_uri, render_pdf
from frontdesk.core.scoping import scope

from .choices import UNRETURNED_STATUSES, TicketKind, TicketStatus
from .models import Ticket, TicketSettings
from .selectors import local_midnight
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
    run: PrintRun | None = None,
) -> bytes:
    """Render the orders in one PDF as `by` may see them; with `counted`, count one printing
    of each (the explicit print action), else it is a preview that counts nothing.

    Repairs, housekeeping, greening and convenience orders print as three
    copies; complaints on their complaint form. Each order starts a new sheet. A day's
    `run` says on its first sheet which of how many orders it holds and how many remain.
    """
    if counted:
        tickets_record_print(tickets=tickets, by=by)
    context = {
        "orders": [_order_context(t, request, by=by, counted=counted) for t in tickets],
        "preview": not counted,
        "printed_at": timezone.now(),
        "printed_by": by,
        "run": run,
    }
    return render_pdf("print/orders.html", context, request=request)


# --- The day's print run ---------------------------------------------------------------

# One run prints at most this many orders: a sheet set the clerk can take from the printer,
# and a PDF a worker renders in a couple of seconds. The run says how many remain.
PRINT_RUN_SIZE = 50


class RunChoice(TextChoices):
    """Which orders a print run takes (today's unprinted ones unless the clerk chooses)."""

    UNPRINTED = "unprinted", _("Today's orders not yet printed")
    TODAY = "today", _("All of today's orders (a reprint)")
    BACKLOG = "backlog", _("Open orders never printed, any day")


@dataclass(frozen=True)
class PrintRun:
    """One bounded run of the day's printing: its orders and where it stands in the whole."""

    tickets: list[Ticket]
    which: str
    total: int
    skipped: int = 0

    @property
    def first(self) -> int:
        return self.skipped + 1 if self.tickets else 0

    @property
    def last(self) -> int:
        return self.skipped + len(self.tickets)

    @property
    def remaining(self) -> int:
        return max(self.total - self.last, 0)

    @property
    def note(self) -> str:
        """What the run holds and how many remain, in the active language (its first sheet
        and the desk's message say it)."""
        text = gettext("Print run: orders %(first)d–%(last)d of %(total)d (%(which)s).") % {
            "first": self.first,
            "last": self.last,
            "total": self.total,
            "which": RunChoice(self.which).label,
        }
        if not self.remaining:
            return text + " " + gettext("None remain.")
        more = ngettext(
            "%(n)d more remains: print again for the next.",
            "%(n)d more remain: print again for the next.",
            self.remaining,
        ) % {"n": self.remaining}
        return f"{text} {more}"


def print_run(
    *,
    user: Any,
    project_id: int | None,
    day: dt.date,
    which: str = RunChoice.UNPRINTED,
    page: int = 1,
    size: int | None = None,
) -> PrintRun:
    """The orders of one print run, in serial order per project (projects by name), at most
    `size` of them, voided ones left out, in three queries (count, orders, contacts):

    - `unprinted` (the default): registered on `day` and never printed. Printing them
      counts them printed, so the next run takes the next ones;
    - `today`: everything registered on `day`, printed or not (`page` 2 is the next run);
    - `backlog`: open orders never printed, registered on or before `day`.
    """
    start = local_midnight(day)
    end = local_midnight(day + dt.timedelta(days=1))
    qs = scope(print_queryset(), user).exclude(status=TicketStatus.VOIDED)
    if project_id is not None:
        qs = qs.filter(project_id=project_id)
    if which == RunChoice.TODAY:
        qs = qs.filter(created_at__gte=start, created_at__lt=end)
    elif which == RunChoice.BACKLOG:
        qs = qs.filter(print_count=0, status__in=UNRETURNED_STATUSES, created_at__lt=end)
    else:
        which = RunChoice.UNPRINTED
        qs = qs.filter(print_count=0, created_at__gte=start, created_at__lt=end)
    size = size or PRINT_RUN_SIZE
    skipped = (max(page, 1) - 1) * size
    total = qs.count()
    tickets = list(qs.order_by("project__name", "project_id", "serial")[skipped : skipped + size])
    return PrintRun(tickets=tickets, which=which, total=total, skipped=skipped)


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
