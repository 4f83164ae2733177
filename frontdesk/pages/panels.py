"""The panels of the household file page, in the order they are shown.

The file (一户一档) shows everything about a household on one page. Each
section is a `Panel`: a template and, if it needs more than the household the
file selector loaded, a `load` function that returns its extra context. Work
orders and bills join the page by appending their panel to `FILE_PANELS`;
a `load` function must cost a fixed number of queries, whatever the size of
the household, because the page's query count is asserted in the tests.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from billing.selectors import household_account
from billing.transitions import READERS
from billing.transitions import may as billing_may
from frontdesk.core.roles import has_role
from frontdesk.desk.selectors import household_entries
from frontdesk.registers.selectors.passes import household_passes
from residents.models import Household
from tickets.choices import TicketKind
from tickets.selectors import household_tickets

PanelLoader = Callable[[HttpRequest, Household], Mapping[str, Any]]


@dataclass(frozen=True)
class Panel:
    key: str
    title: str | Promise
    template: str
    # Width on the page's 12-column grid: 4 (a third), 6, 8 or 12.
    width: int = 12
    load: PanelLoader | None = None


@dataclass(frozen=True)
class BoundPanel:
    panel: Panel
    data: Mapping[str, Any]


def _load_tickets(request: HttpRequest, household: Household) -> Mapping[str, Any]:
    """The household's work orders and complaints with their timelines (fixed queries)."""
    return {
        "tickets": household_tickets(user=request.user, household_id=household.pk),
        "kinds": TicketKind.choices,
    }


def _load_duty_log(request: HttpRequest, household: Household) -> Mapping[str, Any]:
    """The household's latest duty-log entries (one query)."""
    return {"entries": household_entries(user=request.user, household_id=household.pk)}


def _load_passes(request: HttpRequest, household: Household) -> Mapping[str, Any]:
    """The household's latest item release passes and temporary passes (two queries)."""
    return household_passes(user=request.user, household_id=household.pk)


def _load_account(request: HttpRequest, household: Household) -> Mapping[str, Any]:
    """The household's fees for the roles that deal with them (a fixed number of queries)."""
    if not has_role(request.user, *READERS):
        return {"account": None}
    receipt = request.GET.get("receipt", "")
    return {
        "account": household_account(household=household),
        "can_pay": billing_may(request.user, "payment_take")
        or billing_may(request.user, "payment_take_after_hours"),
        "receipt": int(receipt) if receipt.isdecimal() else None,
        "can_record_aircon": billing_may(request.user, "aircon_overtime_record"),
        "can_collect_utility": billing_may(request.user, "utility_collect"),
    }


FILE_PANELS: list[Panel] = [
    Panel("unit", _("Unit"), "pages/panels/unit.html", width=4),
    Panel("household", _("Household"), "pages/panels/household.html", width=4),
    Panel("movein", _("Move-in record"), "pages/panels/movein.html", width=4),
    Panel("persons", _("Persons"), "pages/panels/persons.html", width=12),
    Panel(
        "tickets",
        _("Work orders and complaints"),
        "pages/panels/tickets.html",
        width=12,
        load=_load_tickets,
    ),
    Panel(
        "duty_log",
        _("Duty log"),
        "desk/panels/duty_log.html",
        width=12,
        load=_load_duty_log,
    ),
    Panel("fees", _("Fees"), "billing/panel_account.html", width=12, load=_load_account),
    Panel("vehicles", _("Vehicles"), "pages/panels/vehicles.html", width=6),
    Panel("cards", _("Cards"), "pages/panels/cards.html", width=6),
    Panel(
        "passes",
        _("Passes issued"),
        "registers/passes/panel.html",
        width=12,
        load=_load_passes,
    ),
    Panel("decorations", _("Decoration"), "pages/panels/decorations.html", width=12),
    Panel("attachments", _("Attachments"), "pages/panels/attachments.html", width=6),
    Panel("notes", _("Notes"), "pages/panels/notes.html", width=6),
    Panel("history", _("Change history"), "pages/panels/history.html", width=12),
]


def bind_panels(request: HttpRequest, household: Household) -> list[BoundPanel]:
    return [
        BoundPanel(panel, panel.load(request, household) if panel.load else {})
        for panel in FILE_PANELS
    ]
