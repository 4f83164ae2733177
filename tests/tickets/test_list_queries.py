"""The order lists and pages cost a fixed number of queries, whatever their size.

Each test measures a request on a small history and again on a larger one (or at two page
sizes) and asserts the same number of queries, within the budget of 12 a request; the lists'
SQL has no DISTINCT and counts nothing but the bounded overdue badge. The query plans at a
million orders are the benchmark's business; these tests keep the shape that makes them fast.
"""

import datetime as dt
import itertools

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from tests.factories import HouseholdFactory, PersonFactory, UnitFactory
from tickets import selectors, services
from tickets.choices import Priority, TicketKind, TicketStatus
from tickets.models import ComplaintDetail

from .factories import TicketEventFactory, TicketFactory, register

pytestmark = pytest.mark.django_db

BUDGET = 12
API = "/api/v1/tickets/"
PHONE = "13812345678"
COMPLAINT_SERIALS = itertools.count(800001)


def _queries(call):
    """Run a request; its response and the SQL it ran (read at once: the next request resets
    the connection's query log)."""
    with CaptureQueriesContext(connection) as captured:
        response = call()
    assert response.status_code == 200, response.status_code
    return response, [q["sql"] for q in captured.captured_queries]


def _history(project, household, *, staff, count):
    """`count` orders of each sort a list shows: repairs dispatched to a worker with a
    commitment, complaints with their butler, decider and marker, emergencies, orders
    overdue, public-place orders reported by phone."""
    desk, engineer, butler, supervisor = staff
    past = timezone.now() - dt.timedelta(days=2)
    for n in range(count):
        repair = TicketFactory(
            project=project,
            household=household,
            created_by=desk,
            status=TicketStatus.DISPATCHED,
            assignee=engineer,
            due_at=past,
        )
        TicketEventFactory(
            ticket=repair,
            actor=desk,
            action="commit",
            data={"commitment": {"what": f"换阀芯 {n}", "by_whom": "老张"}},
        )
        complaint = TicketFactory(
            project=project,
            household=household,
            created_by=desk,
            kind=TicketKind.COMPLAINT,
            department="",
            serial=f"TS-2026-{next(COMPLAINT_SERIALS):06d}",
        )
        ComplaintDetail.objects.create(
            ticket=complaint,
            category="cleaning",
            reason="service_quality",
            butler=butler,
            decided_by=supervisor,
            marked_by=supervisor,
        )
        TicketFactory(
            project=project,
            household=None,
            building=household.unit.building,
            place="lift",
            reporter_phone=PHONE,
            created_by=desk,
            priority=Priority.EMERGENCY,
        )


@pytest.fixture
def staff(desk_user, engineer, butler, supervisor):
    return desk_user, engineer, butler, supervisor


@pytest.fixture
def desk_api(desk_user):
    api = APIClient()
    api.force_authenticate(get_user_model().objects.get(pk=desk_user.pk))
    return api


QUEUE_FILTERS = [
    "",
    "kind=complaint",
    "status=dispatched",
    "overdue=true",
    "q=WX-2026-9",
    "q=3-1502",
    f"q={PHONE}",
]


@pytest.mark.parametrize("query", QUEUE_FILTERS)
def test_queue_costs_the_same_queries_for_few_and_many_orders(
    client, project, household, staff, desk_user, query
):
    """The queue page, unfiltered and filtered by kind, status, overdue, serial, unit and
    phone, runs the same queries for 3 orders of each sort as for 20 (a full page), within
    the budget, with no DISTINCT and no COUNT but the bounded overdue badge."""
    client.force_login(desk_user)
    url = reverse("tickets:queue") + "?" + query
    _history(project, household, staff=staff, count=3)
    client.get(url)  # session and caches warm
    few, few_sql = _queries(lambda: client.get(url))
    _history(project, household, staff=staff, count=20)
    many, many_sql = _queries(lambda: client.get(url))
    assert len(few.context["rows"]) < len(many.context["rows"])
    assert len(few_sql) == len(many_sql) <= BUDGET, many_sql
    assert not [sql for sql in many_sql if "DISTINCT" in sql.upper()]
    counts = [sql for sql in many_sql if "COUNT(" in sql.upper()]
    assert counts and all("LIMIT 100) subquery" in sql for sql in counts), counts


def test_queue_rows_read_no_more_than_the_page_shows(client, project, household, staff, desk_user):
    """A queue row reads its order's short columns only: the description and the work done
    of each order are not loaded for the list."""
    client.force_login(desk_user)
    _history(project, household, staff=staff, count=2)
    page, sql = _queries(lambda: client.get(reverse("tickets:queue")))
    listed = [q for q in sql if '"tickets_ticket"."matter"' in q and "LIMIT 51" in q]
    assert len(listed) == 1
    assert '"tickets_ticket"."description"' not in listed[0]
    assert '"tickets_ticket"."result"' not in listed[0]
    assert len(page.context["rows"]) == 6


def test_queue_overdue_badge_stops_counting_at_its_cap(
    client, project, household, staff, desk_user, monkeypatch
):
    """The overdue badge counts up to its cap and then says "cap+": past the cap the desk
    is told there are more, and the count reads no further."""
    monkeypatch.setattr(selectors, "OVERDUE_CAP", 2)
    client.force_login(desk_user)
    _history(project, household, staff=staff, count=1)
    page = client.get(reverse("tickets:queue"))
    assert (page.context["overdue_count"], page.context["overdue_more"]) == (1, False)
    _history(project, household, staff=staff, count=3)
    page = client.get(reverse("tickets:queue"))
    assert (page.context["overdue_count"], page.context["overdue_more"]) == (2, True)
    assert "2+ 张超时" in page.content.decode()  # "2+ overdue", as the desk reads it


def test_queue_lists_the_open_emergencies_oldest_first(client, project, household, desk_user):
    """The emergency strip shows the open emergencies, oldest first; a closed or voided one
    and an urgent one are not there."""
    client.force_login(desk_user)
    old = TicketFactory(project=project, household=household, priority=Priority.EMERGENCY)
    TicketFactory(
        project=project, household=household, priority=Priority.EMERGENCY, status="closed"
    )
    TicketFactory(project=project, household=household, priority=Priority.URGENT)
    new = TicketFactory(
        project=project, household=household, priority=Priority.EMERGENCY, status="dispatched"
    )
    page = client.get(reverse("tickets:queue"))
    assert [t.pk for t in page.context["emergencies"]] == [old.pk, new.pk]
    assert f"{old.serial}" in page.content.decode()


@pytest.mark.parametrize("query", ["", "kind=complaint", "status=dispatched", "overdue=true"])
def test_api_list_costs_the_same_queries_for_any_page_size_and_history(
    desk_api, project, household, staff, query
):
    """The API list, unfiltered and filtered, runs the same queries for a page of 5 as for 50
    and on a short history as on a long one (complaints' butlers and commitments included),
    within the budget and without DISTINCT."""
    _history(project, household, staff=staff, count=3)
    desk_api.get(f"{API}?{query}")
    _, few_sql = _queries(lambda: desk_api.get(f"{API}?page_size=5&{query}"))
    _history(project, household, staff=staff, count=20)
    small, small_sql = _queries(lambda: desk_api.get(f"{API}?page_size=5&{query}"))
    large, large_sql = _queries(lambda: desk_api.get(f"{API}?page_size=50&{query}"))
    assert len(small.json()["results"]) == 5
    assert len(large.json()["results"]) > 5
    assert len(few_sql) == len(small_sql) == len(large_sql) <= BUDGET, large_sql
    assert not [sql for sql in large_sql if "DISTINCT" in sql.upper() or "COUNT(" in sql.upper()]


def test_api_list_rows_carry_what_a_list_shows(desk_api, project, household, staff):
    """A row of the API list says what, where, who, where it stands, whether it is overdue and
    the commitment given; the timeline, the deadlines, the complaint's handling and the fees
    are on the order itself, and a page of 50 rows stays small."""
    _history(project, household, staff=staff, count=20)
    body = desk_api.get(f"{API}?page_size=50").json()
    rows = {(row["kind"], row["status"]): row for row in body["results"]}
    repair = rows["repair", "dispatched"]
    assert repair["overdue"] is True and repair["status"] == "dispatched"
    assert repair["commitment"]["by_whom"] == "老张"
    assert repair["assignee"]["id"] == staff[1].pk and repair["unit"] == "3-1502"
    complaint = rows["complaint", "registered"]
    assert complaint["overdue"] is False and complaint["commitment"] is None
    for absent in ("timeline", "deadlines", "complaint", "description", "fee_quote", "actions"):
        assert absent not in repair
    one = desk_api.get(f"{API}{repair['id']}/").json()
    assert one["timeline"] and one["complaint"] is None and "deadlines" in one
    assert len(desk_api.get(f"{API}?page_size=50").content) < 50 * 1200


def test_api_list_masks_the_reporters_phone(project, household, staff):
    """A role that sees phones masked reads a public-place reporter's phone masked in the
    list, as on the order."""
    from frontdesk.core.roles import Role
    from tests.factories import UserFactory

    _history(project, household, staff=staff, count=1)
    engineer = UserFactory(role=Role.ENGINEERING, projects=[project])
    api = APIClient()
    api.force_authenticate(engineer)
    rows = api.get(f"{API}?public=true").json()["results"]
    assert rows and all(PHONE not in row["reporter_phone"] for row in rows)
    assert all(row["reporter_phone"].endswith("5678") for row in rows)


def _long_history(ticket, desk_user, engineer):
    services.ticket_dispatch(ticket=ticket, by=desk_user, assignee=engineer)
    for _ in range(6):
        services.ticket_follow_up(ticket=ticket, by=desk_user)
    services.ticket_promise_slip(ticket=ticket, by=desk_user, reason="缺货", remedy="明天")
    services.ticket_promise_slip(ticket=ticket, by=desk_user, reason="缺货", remedy="后天")


def test_order_page_and_api_order_cost_the_same_for_a_short_and_a_long_history(
    client, desk_api, household, desk_user, engineer, butler
):
    """The order page and GET /tickets/{id}/ run the same queries for an order just registered
    as for one with a long timeline, promise slips and a complaint's butler, within the
    budget for the API."""
    client.force_login(desk_user)
    complaint = {"category": "cleaning", "reason": "service_quality"}
    short = register(household=household, by=desk_user, kind="complaint", complaint=complaint)
    long = register(household=household, by=desk_user, kind="complaint", complaint=complaint)
    _long_history(long, desk_user, engineer)
    ComplaintDetail.objects.filter(ticket=long).update(butler=butler)
    client.get(reverse("tickets:detail", args=[short.pk]))
    _, page_short = _queries(lambda: client.get(reverse("tickets:detail", args=[short.pk])))
    page, page_long = _queries(lambda: client.get(reverse("tickets:detail", args=[long.pk])))
    assert len(page_short) == len(page_long)
    assert len(page.context["events"]) > 8 and len(page.context["slips"]) == 2
    desk_api.get(f"{API}{short.pk}/")
    _, api_short = _queries(lambda: desk_api.get(f"{API}{short.pk}/"))
    body, api_long = _queries(lambda: desk_api.get(f"{API}{long.pk}/"))
    assert len(api_short) == len(api_long) <= BUDGET
    assert body.json()["complaint"]["butler"]["id"] == butler.pk


def test_household_file_costs_the_same_with_three_orders_or_fifty(
    client, project, household, staff, desk_user
):
    """The household file page, orders panel included (timelines and callbacks), runs the
    same queries for a household with 3 orders as for one with 50."""
    client.force_login(desk_user)
    unit = UnitFactory(building=household.unit.building, project=project, number="1601")
    busy = HouseholdFactory(unit=unit, project=project)
    PersonFactory(household=busy, project=project, name="李娜", phone="13900001111")
    _history(project, household, staff=staff, count=1)
    _history(project, busy, staff=staff, count=1)
    url = reverse("household-file", args=[busy.pk])
    client.get(url)
    _, few = _queries(lambda: client.get(url))
    _history(project, busy, staff=staff, count=16)
    page, many = _queries(lambda: client.get(url))
    assert len(few) == len(many)
    panel = next(p for p in page.context["panels"] if p.panel.key == "tickets")
    assert len(panel.data["tickets"]) == 34  # the public-place emergencies are not the file's
