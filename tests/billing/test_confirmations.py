"""The cashier confirms what finished paid orders charged and cost; margins use it."""

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse
from rest_framework.test import APIClient

from billing import selectors, services
from billing.models import ChargeConfirmation
from frontdesk.core.errors import ApplicationError
from tests.tickets.factories import register
from tickets import services as ticket_services

pytestmark = pytest.mark.django_db

SH = ZoneInfo("Asia/Shanghai")
NOVEMBER = dt.date(2026, 11, 1)


def _finished(household, desk_user, engineer, *, fee="80", material="20", paid=True):
    with time_machine.travel(dt.datetime(2026, 11, 10, 10, tzinfo=SH), tick=False):
        ticket = register(household=household, by=desk_user, paid=paid)
        if paid:
            ticket_services.ticket_quote_acknowledge(ticket=ticket, by=desk_user, fee_quote=fee)
        ticket_services.ticket_dispatch(ticket=ticket, by=desk_user, assignee=engineer)
        ticket_services.ticket_arrive(ticket=ticket, by=engineer)
        ticket_services.ticket_complete(
            ticket=ticket,
            by=engineer,
            fee_charged=fee if paid else None,
            material_cost=material if paid else None,
        )
    ticket.refresh_from_db()
    return ticket


def test_confirmation_then_correction_keeps_both_and_margins_follow(
    household, desk_user, engineer, cashier, project
):
    """The margins count the worker's figures until the cashier confirms; a correction is a
    new row superseding the first, with its reason, and the margins follow the latest."""
    ticket = _finished(household, desk_user, engineer)
    [row] = selectors.paid_service_margins(project=project, period=NOVEMBER)
    assert (row.charged, row.material, row.unconfirmed) == (Decimal("80"), Decimal("20"), 1)

    first = services.charge_confirm(
        ticket=ticket, fee_charged="80", material_cost="35.50", by=cashier
    )
    second = services.charge_confirm(
        ticket=ticket, fee_charged="70", material_cost="35.50", by=cashier, note="少收十元"
    )
    assert second.supersedes == first and second.note == "少收十元"
    assert ChargeConfirmation.objects.filter(ticket=ticket).count() == 2
    [row] = selectors.paid_service_margins(project=project, period=NOVEMBER)
    assert (row.charged, row.material, row.margin, row.unconfirmed) == (
        Decimal("70"),
        Decimal("35.50"),
        Decimal("34.50"),
        0,
    )


def test_refusals_write_nothing(household, desk_user, engineer, cashier, other_cashier):
    """A free order, a negative or over-precise amount, a correction without a reason, the
    same figures twice, a desk clerk and a cashier of another project are all refused."""
    from django.core.exceptions import PermissionDenied

    paid = _finished(household, desk_user, engineer)
    free = _finished(household, desk_user, engineer, paid=False)
    cases = [
        ({"ticket": free, "fee_charged": "0", "material_cost": "0", "by": cashier}, "ticket"),
        ({"ticket": paid, "fee_charged": "-1", "material_cost": "0", "by": cashier}, "fee_charged"),
        (
            {"ticket": paid, "fee_charged": "1", "material_cost": "0.001", "by": cashier},
            "material_cost",
        ),
        (
            {"ticket": paid, "fee_charged": "80", "material_cost": "0", "by": other_cashier},
            "ticket",
        ),
    ]
    for kwargs, field in cases:
        with pytest.raises(ApplicationError) as refused:
            services.charge_confirm(**kwargs)
        assert field in refused.value.fields
    with pytest.raises(PermissionDenied):
        services.charge_confirm(ticket=paid, fee_charged="80", material_cost="0", by=desk_user)
    assert not ChargeConfirmation.objects.exists()

    services.charge_confirm(ticket=paid, fee_charged="80", material_cost="20", by=cashier)
    for note, field in (("", "note"), ("再确认", "fee_charged")):
        with pytest.raises(ApplicationError) as refused:
            services.charge_confirm(
                ticket=paid, fee_charged="80", material_cost="20", by=cashier, note=note
            )
        assert field in refused.value.fields
    assert ChargeConfirmation.objects.count() == 1


def test_page_lists_unconfirmed_first_and_confirms(
    client, household, desk_user, engineer, cashier, project, django_assert_max_num_queries
):
    """The cashier's page shows the month's paid orders with the worker's figures, confirms
    one from its row, and a desk clerk is refused the page."""
    tickets = [_finished(household, desk_user, engineer) for _ in range(3)]
    url = reverse("billing:confirmations") + f"?project={project.pk}&period=2026-11"
    client.force_login(cashier)
    with django_assert_max_num_queries(14):
        page = client.get(url)
    assert [t.pk for t in page.context["rows"]] == [t.pk for t in tickets]
    assert page.context["unconfirmed"] == 3
    response = client.post(
        url, {"ticket": tickets[1].pk, "fee_charged": "80", "material_cost": "12"}
    )
    assert response.status_code == 302
    page = client.get(url)
    assert page.context["unconfirmed"] == 2
    assert page.context["rows"][-1].pk == tickets[1].pk  # confirmed rows come last
    refused = client.post(url, {"ticket": tickets[0].pk, "fee_charged": "x", "material_cost": "1"})
    assert refused.context["rows"][0].form_errors["fee_charged"]
    client.force_login(desk_user)
    assert client.get(url).status_code == 403


def test_api_confirms_lists_history_and_answers_field_errors(
    household, desk_user, engineer, cashier, other_cashier
):
    """POST charge-confirmations/ confirms; a bad amount is a 400 on its field; the list
    shows the correction chain with `current`; another project's cashier cannot reach it."""
    ticket = _finished(household, desk_user, engineer)
    api = APIClient()
    api.force_authenticate(cashier)
    url = "/api/v1/charge-confirmations/"
    bad = api.post(url, {"ticket": ticket.pk, "fee_charged": "1.234", "material_cost": "0"})
    assert bad.status_code == 400 and "fee_charged" in bad.json()
    ok = api.post(url, {"ticket": ticket.pk, "fee_charged": "80", "material_cost": "5"})
    assert ok.status_code == 201, ok.json()
    fix = api.post(
        url,
        {"ticket": ticket.pk, "fee_charged": "80", "material_cost": "9", "note": "补单据"},
        format="json",
    )
    assert fix.status_code == 201 and fix.json()["supersedes"] == ok.json()["id"]
    rows = api.get(url, {"ticket": ticket.pk}).json()["results"]
    assert [(r["material_cost"], r["current"]) for r in rows] == [("9.00", True), ("5.00", False)]
    assert [r["id"] for r in api.get(url, {"current": "true"}).json()["results"]] == [
        fix.json()["id"]
    ]
    api.force_authenticate(other_cashier)
    assert api.get(url).json()["results"] == []
    foreign = api.post(url, {"ticket": ticket.pk, "fee_charged": "1", "material_cost": "0"})
    assert foreign.status_code == 400 and "ticket" in foreign.json()
