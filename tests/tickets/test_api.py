"""Work orders through the REST API: the processes, the refusals, filters and query counts."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.contrib.auth import get_user_model
from rest_framework.test import APIClient

from tickets import services
from tickets.choices import TicketStatus
from tickets.models import Ticket

from .factories import TicketEventFactory, TicketFactory, register

pytestmark = pytest.mark.django_db

SH = ZoneInfo("Asia/Shanghai")
URL = "/api/v1/tickets/"


def client_for(user) -> APIClient:
    """A client for a freshly loaded user (nothing cached from an earlier request)."""
    client = APIClient()
    client.force_authenticate(get_user_model().objects.get(pk=user.pk))
    return client


def post(client, ticket_id, step, **body):
    return client.post(f"{URL}{ticket_id}/{step}/", body, format="json")


def ok(response, status=200):
    assert response.status_code == status, response.json()
    return response.json()


# --- Processes -------------------------------------------------------------------------------


def test_paid_repair_through_the_api(household, desk_user, engineer):
    """A paid repair is registered, its fee acknowledged, dispatched, worked, returned, called
    back and closed; each answer carries serial, kind, status and the timeline."""
    desk, worker = client_for(desk_user), client_for(engineer)
    body = ok(
        desk.post(
            URL,
            {
                "kind": "repair",
                "household": household.pk,
                "matter": "更换龙头",
                "paid": True,
                "fee_quote": "60.00",
                "address_confirmed": True,
                "appointment_at": "2026-11-27T10:00:00+08:00",
            },
            format="json",
        ),
        201,
    )
    pk = body["id"]
    assert (body["serial"][:8], body["kind"], body["status"], body["unit"]) == (
        "WX-2026-",
        "repair",
        "registered",
        "3-1502",
    )
    assert "acknowledge-quote" in body["actions"] and "accept" not in body["actions"]
    refused = post(desk, pk, "dispatch", assignee=engineer.pk)
    assert refused.status_code == 400 and "fee_quote" in refused.json()
    ok(post(desk, pk, "acknowledge-quote"))
    ok(post(desk, pk, "dispatch", assignee=engineer.pk))
    ok(post(worker, pk, "accept"))
    ok(post(worker, pk, "arrive"))
    assert "fee_charged" in post(worker, pk, "complete", result="换龙头").json()
    ok(post(worker, pk, "complete", result="换龙头", fee_charged="60.00", material_cost="25"))
    ok(post(desk, pk, "return", late_reason="配件晚到"))
    ok(post(desk, pk, "callback", satisfaction="satisfied", attitude="good", quality="good"))
    body = ok(post(desk, pk, "close"))
    assert body["status"] == "closed" and body["fee_charged"] == "60.00"
    assert [e["action"] for e in body["timeline"]] == [
        "register",
        "acknowledge_quote",
        "dispatch",
        "accept",
        "arrive",
        "complete",
        "return",
        "callback",
        "close",
    ]
    assert body["callbacks"][0]["satisfaction"] == "satisfied"


def test_order_detours_through_the_api(household, desk_user, engineer, cleaner, supervisor):
    """Follow-up, pause, resume, transfer, promise slip and a supervisor's forced close each have
    their action; the desk cannot force-close (403)."""
    desk = client_for(desk_user)
    pk = register(household=household, by=desk_user).pk
    ok(post(desk, pk, "dispatch", assignee=engineer.pk))
    assert ok(post(desk, pk, "follow-up", note="催"))["priority"] == "urgent"
    ok(post(desk, pk, "pause", reason="等配件"))
    assert ok(post(desk, pk, "resume"))["status"] == "dispatched"
    body = ok(
        post(desk, pk, "transfer", reason="转清洁", department="cleaning", assignee=cleaner.pk)
    )
    assert (body["department"], body["assignee"]["id"]) == ("cleaning", cleaner.pk)
    body = ok(post(desk, pk, "promise-slip", reason="配件缺货", remedy="周五前修好"))
    assert body["promise_slips"][0]["remedy"] == "周五前修好"
    assert post(desk, pk, "force-close", reason="住户取消").status_code == 403
    body = ok(post(client_for(supervisor), pk, "force-close", reason="住户取消"))
    assert (body["status"], body["close_reason"]) == ("closed", "住户取消")


def test_complaint_through_the_api(household, desk_user, butler, supervisor):
    """A complaint goes through investigation, the butler's reply, the answer, sign-off,
    callback and the resident's confirmation; only a supervisor marks it valid."""
    desk, the_butler = client_for(desk_user), client_for(butler)
    body = ok(
        desk.post(
            URL,
            {
                "kind": "complaint",
                "household": household.pk,
                "matter": "保安态度差",
                "complaint": {
                    "category": "attitude",
                    "reason": "service_attitude",
                    "temper": "angry",
                    "resident_wants": "道歉",
                },
            },
            format="json",
        ),
        201,
    )
    pk = body["id"]
    assert body["serial"].startswith("TS-") and body["complaint"]["temper"] == "angry"
    ok(post(desk, pk, "investigate", findings="核实属实"))
    body = ok(post(desk, pk, "dispatch"))
    assert body["complaint"]["butler"]["id"] == butler.pk
    ok(post(the_butler, pk, "butler-reply", reply="已约谈当班保安"))
    ok(post(the_butler, pk, "refer", referred_to="service_center_manager", note="住户要求处分"))
    ok(post(client_for(supervisor), pk, "decide", decision="书面致歉", close_tracking=True))
    ok(post(desk, pk, "answer", answer="已书面致歉"))
    ok(post(the_butler, pk, "sign-off"))
    ok(post(desk, pk, "callback", satisfaction="basically_satisfied"))
    body = ok(post(desk, pk, "confirm"))
    assert body["status"] == "closed" and body["complaint"]["resident_confirmed_at"]
    assert post(desk, pk, "mark-valid", valid=True, cause="培训不足").status_code == 403
    body = ok(
        post(
            client_for(supervisor),
            pk,
            "mark-valid",
            valid=True,
            cause="培训不足",
            lesson="加强礼仪培训",
            change="每月培训",
        )
    )
    assert (body["complaint"]["valid"], body["complaint"]["close_tracking"]) == (True, True)


def test_public_emergency_through_the_api(building, desk_user):
    """An emergency in a lift is registered without a household, with who reported it."""
    desk = client_for(desk_user)
    body = ok(
        desk.post(
            URL,
            {
                "kind": "repair",
                "building": building.pk,
                "place": "lift",
                "location": "2号梯",
                "reporter_name": "张先生",
                "reporter_phone": "13900001111",
                "priority": "emergency",
                "matter": "电梯困人",
            },
            format="json",
        ),
        201,
    )
    assert (body["household"], body["place"], body["priority"]) == (None, "lift", "emergency")
    assert body["reporter_phone"] == "13900001111"


# --- Refusals -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"kind": "plumbing"}, "kind"),
        ({"matter": ""}, "matter"),
        ({"appointment_at": "2026-13-45T25:00"}, "appointment_at"),
        ({"appointment_at": "next tuesday"}, "appointment_at"),
        ({"fee_quote": "abc"}, "fee_quote"),
        (
            {"kind": "complaint", "complaint": {"category": "noise", "reason": "emergency"}},
            "complaint.category",
        ),
        ({"kind": "complaint"}, "category"),
        ({"household": None}, "household"),
        ({"household": 999999}, "household"),
    ],
)
def test_bad_registration_is_a_400_on_its_field_and_uses_no_number(
    household, desk_user, changes, field
):
    """Bad input answers 400 with a message on its field, and no serial number is consumed."""
    desk = client_for(desk_user)
    body = {"kind": "repair", "household": household.pk, "matter": "漏水", **changes}
    response = desk.post(URL, body, format="json")
    assert response.status_code == 400
    assert field in response.json(), response.json()
    assert not Ticket.objects.exists()
    assert ok(
        desk.post(
            URL, {"kind": "repair", "household": household.pk, "matter": "漏水"}, format="json"
        ),
        201,
    )["serial"].endswith("-000001")


def test_household_of_another_project_is_refused(household, other_household, desk_user):
    """A household the user cannot see (another project's) is a 400 on the household field."""
    desk = client_for(desk_user)
    response = desk.post(
        URL, {"kind": "repair", "household": other_household.pk, "matter": "漏水"}, format="json"
    )
    assert response.status_code == 400 and "household" in response.json()
    assert not Ticket.objects.exists()


def test_illegal_steps_are_refused_with_a_clear_message(household, desk_user, engineer):
    """Completing a voided order, a second void and a malformed arrival time are 400s, and the
    order is left as it was."""
    desk, worker = client_for(desk_user), client_for(engineer)
    pk = register(household=household, by=desk_user).pk
    ok(post(desk, pk, "dispatch", assignee=engineer.pk))
    malformed = post(worker, pk, "arrive", at="yesterday at noon")
    assert malformed.status_code == 400 and "at" in malformed.json()
    ok(post(desk, pk, "void", reason="登记错误"))
    completed = post(worker, pk, "complete")
    assert completed.status_code == 400
    assert str(TicketStatus.VOIDED.label) in completed.json()["non_field_errors"][0]
    again = post(desk, pk, "void", reason="再次")
    assert again.status_code == 400 and "non_field_errors" in again.json()
    no_reason = post(desk, register(household=household, by=desk_user).pk, "void")
    assert no_reason.status_code == 400 and "reason" in no_reason.json()
    body = ok(desk.get(f"{URL}{pk}/"))
    assert (body["status"], body["void_reason"], body["serial"]) == (
        "voided",
        "登记错误",
        "WX-2026-000001",
    )
    assert body["actions"] == []


def test_orders_of_another_project_are_not_found(household, desk_user, other_desk_user):
    """Another project's order is a 404, to read and to act on."""
    pk = register(household=household, by=desk_user).pk
    other = client_for(other_desk_user)
    assert other.get(f"{URL}{pk}/").status_code == 404
    assert post(other, pk, "void", reason="x").status_code == 404
    assert ok(other.get(URL))["results"] == []


def test_anonymous_and_roleless_users_are_refused(household, desk_user):
    """The API needs a logged-in staff member with a role of the desk."""
    from tests.factories import UserFactory

    assert APIClient().get(URL).status_code in {401, 403}
    nobody = UserFactory(projects=[household.project])
    assert client_for(nobody).get(URL).status_code == 403


# --- Filters ------------------------------------------------------------------------------------


def test_list_filters(household, second_household, desk_user, engineer):
    """Kind, status, department, household, building, dates, overdue and the search box each
    narrow the list; an unknown value is a 400 on its parameter."""
    with time_machine.travel(dt.datetime(2026, 11, 20, 9, tzinfo=SH), tick=False):
        old = register(household=household, by=desk_user, matter="旧单 漏水")
    with time_machine.travel(dt.datetime(2026, 11, 25, 9, tzinfo=SH), tick=False):
        repair = register(household=second_household, by=desk_user, matter="插座没电")
        services.ticket_dispatch(ticket=repair, by=desk_user, assignee=engineer)
        green = register(household=household, by=desk_user, kind="greening", matter="修剪")
    desk = client_for(desk_user)

    def serials(query, hour=12, minute=0):
        with time_machine.travel(dt.datetime(2026, 11, 25, hour, minute, tzinfo=SH), tick=False):
            return sorted(r["serial"] for r in ok(desk.get(URL + query))["results"])

    assert serials("?kind=greening") == [green.serial]
    assert serials("?kind=repair&status=dispatched") == [repair.serial]
    assert serials("?department=engineering&status=registered") == [old.serial]
    assert serials(f"?household={second_household.pk}") == [repair.serial]
    assert serials(f"?building={household.unit.building_id}") == sorted(
        [old.serial, repair.serial, green.serial]
    )
    assert serials("?created_after=2026-11-21") == sorted([repair.serial, green.serial])
    assert serials("?created_before=2026-11-20") == [old.serial]
    # At 09:20 only the old order is late; by noon the two new ones owe their commitment.
    assert serials("?overdue=true", hour=9, minute=20) == [old.serial]
    assert serials("?overdue=true") == sorted([old.serial, repair.serial, green.serial])
    assert serials(f"?q={repair.serial}") == [repair.serial]
    assert serials("?q=漏水") == [old.serial]
    assert serials("?q=2") == [repair.serial]
    for bad in (
        "?kind=plumbing",
        "?status=lost",
        "?overdue=maybe",
        "?created_after=2026-02-31",
        "?household=abc",
        "?building=999999",
    ):
        response = desk.get(URL + bad)
        assert response.status_code == 400, bad
        assert bad[1:].split("=")[0] in response.json()


# --- Query counts ------------------------------------------------------------------------------


def _orders(project, household, user, count):
    made = TicketFactory.create_batch(count, project=project, household=household, created_by=user)
    for ticket in made:
        TicketEventFactory.create_batch(3, ticket=ticket, actor=user)
    return made


def test_list_runs_a_fixed_number_of_queries(
    django_assert_num_queries, household, desk_user, engineer
):
    """The list costs the same number of queries for 2 rows as for 40 with their histories;
    a row leaves the timeline to the order itself."""
    _orders(household.project, household, desk_user, 40)
    client_for(desk_user).get(URL)  # the process's content-type cache warm
    first, second = client_for(desk_user), client_for(desk_user)
    with django_assert_num_queries(7):
        small = ok(first.get(URL + "?page_size=2"))
    with django_assert_num_queries(7):
        large = ok(second.get(URL + "?page_size=40"))
    assert (len(small["results"]), len(large["results"])) == (2, 40)
    assert "timeline" not in large["results"][0]
    assert len(ok(first.get(f"{URL}{large['results'][0]['id']}/"))["timeline"]) == 3
    assert small["next"] and "cursor=" in small["next"]


def test_detail_runs_a_fixed_number_of_queries(
    django_assert_num_queries, household, desk_user, engineer
):
    """An order's page costs the same number of queries however long its history."""
    short = register(household=household, by=desk_user)
    long = register(household=household, by=desk_user)
    services.ticket_dispatch(ticket=long, by=desk_user, assignee=engineer)
    for _ in range(5):
        services.ticket_follow_up(ticket=long, by=desk_user)
    services.ticket_promise_slip(ticket=long, by=desk_user, reason="缺货", remedy="明天")
    services.ticket_promise_slip(ticket=long, by=desk_user, reason="缺货", remedy="后天")
    first, second = client_for(desk_user), client_for(desk_user)
    with django_assert_num_queries(12):
        ok(first.get(f"{URL}{short.pk}/"))
    with django_assert_num_queries(12):
        body = ok(second.get(f"{URL}{long.pk}/"))
    assert len(body["timeline"]) == 9 and len(body["promise_slips"]) == 2


def test_each_order_carries_its_deadlines(household, desk_user, engineer):
    """An order shows its promises with due_at, met_at and overdue; its row in the list says
    whether any of them is overdue."""
    ticket = register(household=household, by=desk_user)
    services.ticket_dispatch(ticket=ticket, by=desk_user, assignee=engineer)
    client = client_for(desk_user)
    detail = ok(client.get(f"{URL}{ticket.pk}/"))["deadlines"]
    listed = next(r for r in ok(client.get(URL))["results"] if r["id"] == ticket.pk)
    assert detail and {"kind", "due_at", "met_at", "overdue"} <= set(detail[0])
    assert detail[0]["met_at"] is None and detail[0]["overdue"] is False
    assert listed["overdue"] is False and listed["due_at"] is not None
    with time_machine.travel(dt.datetime.now(tz=SH) + dt.timedelta(days=5), tick=False):
        later = next(r for r in ok(client.get(URL))["results"] if r["id"] == ticket.pk)
        assert later["overdue"] is True
        assert any(d["overdue"] for d in ok(client.get(f"{URL}{ticket.pk}/"))["deadlines"])


# --- Liaison forms and contracts ---------------------------------------------------------------


def test_liaison_forms_through_the_api(household, desk_user, engineer):
    """A liaison form is written with its number, answered and closed; the order lists it."""
    desk = client_for(desk_user)
    ticket = register(household=household, by=desk_user)
    body = ok(
        desk.post(
            "/api/v1/liaison-forms/",
            {
                "from_department": "customer_service",
                "to_department": "engineering",
                "matter": "外墙渗水需协调",
                "ticket": ticket.pk,
            },
            format="json",
        ),
        201,
    )
    assert body["number"].endswith("-0001") and body["ticket_serial"] == ticket.serial
    closed_early = desk.post(f"/api/v1/liaison-forms/{body['id']}/close/")
    assert closed_early.status_code == 400
    ok(
        client_for(engineer).post(
            f"/api/v1/liaison-forms/{body['id']}/answer/", {"reply": "已联系"}, format="json"
        )
    )
    assert ok(desk.post(f"/api/v1/liaison-forms/{body['id']}/close/"))["status"] == "closed"
    assert ok(desk.get("/api/v1/liaison-forms/?status=closed"))["results"][0]["reply"] == "已联系"
    assert ok(desk.get(f"{URL}{ticket.pk}/"))["liaison_forms"][0]["number"] == body["number"]


def test_monthly_contract_through_the_api(household, desk_user):
    """A greening contract is registered, a due visit's order opened, and the month's register
    lists the visits; a day with no visit due is refused."""
    desk = client_for(desk_user)
    body = ok(
        desk.post(
            "/api/v1/contracts/",
            {
                "household": household.pk,
                "kind": "greening",
                "service": "庭院修剪",
                "schedule_type": "weekdays",
                "schedule_days": [1, 4],
                "price": "300.00",
                "starts_on": "2026-11-01",
            },
            format="json",
        ),
        201,
    )
    cid = body["id"]
    refused = desk.post(
        f"/api/v1/contracts/{cid}/open-visit/",
        {"date": "2026-11-25", "appointment_at": "2026-11-25T09:00:00+08:00"},
        format="json",
    )
    assert refused.status_code == 400 and "date" in refused.json()
    order = ok(
        desk.post(
            f"/api/v1/contracts/{cid}/open-visit/",
            {"date": "2026-11-26", "appointment_at": "2026-11-26T09:00:00+08:00"},
            format="json",
        ),
        201,
    )
    assert order["serial"].startswith("LH-") and order["paid"] is False
    rows = ok(desk.get(f"/api/v1/contracts/{cid}/register/2026-11/"))
    assert [r["date"][-2:] for r in rows] == ["02", "05", "09", "12", "16", "19", "23", "26", "30"]
    assert [r["serial"] for r in rows if r["serial"]] == [order["serial"]]
    bad = desk.post(
        "/api/v1/contracts/", {"household": household.pk, "kind": "repair"}, format="json"
    )
    assert bad.status_code == 400 and "kind" in bad.json()


def test_housekeeping_and_convenience_through_the_api(household, desk_user, butler, cleaner):
    """Housekeeping is priced on site and its time confirmed before dispatch; a convenience
    service is dispatched once its fee is acknowledged; both go to their callback."""
    desk, the_butler, lead = client_for(desk_user), client_for(butler), client_for(cleaner)
    pk = ok(
        desk.post(
            URL,
            {"kind": "housekeeping", "household": household.pk, "matter": "全屋保洁"},
            format="json",
        ),
        201,
    )["id"]
    assert "appointment_at" in post(desk, pk, "dispatch").json()
    ok(post(desk, pk, "confirm-time", appointment_at="2026-11-28T09:00:00+08:00"))
    assert "price" in post(desk, pk, "dispatch").json()
    assert "lead" in post(the_butler, pk, "price", price="380", lead=999999).json()
    ok(post(the_butler, pk, "price", price="380.00", lead=cleaner.pk))
    ok(post(desk, pk, "dispatch", assignee=cleaner.pk))
    ok(post(lead, pk, "accept"))
    ok(post(lead, pk, "complete", fee_charged="380.00"))
    ok(post(desk, pk, "return", late_reason="晚"))
    body = ok(
        post(
            desk,
            pk,
            "callback",
            satisfaction="not_satisfied",
            follow_up="rework",
            comment="厨房没擦",
        )
    )
    rework = Ticket.objects.get(rework_of_id=pk)
    assert body["callbacks"][0]["follow_up_serial"] == rework.serial
    assert (rework.kind, rework.paid) == ("housekeeping", False)

    water = ok(
        desk.post(
            URL,
            {
                "kind": "convenience",
                "household": household.pk,
                "matter": "送水2桶",
                "fee_quote": "36.00",
                "time_confirmed": True,
            },
            format="json",
        ),
        201,
    )
    assert (water["serial"][:3], water["paid"]) == ("BM-", True)
    assert post(desk, water["id"], "dispatch").status_code == 400
    ok(post(desk, water["id"], "acknowledge-quote"))
    assert ok(post(desk, water["id"], "dispatch"))["department"] == "customer_service"


def test_warranty_repair_and_rework_through_the_api(household, desk_user, engineer):
    """A warranty repair is passed to the developer with its liaison, who reports daily; a
    finished repair can be reworked as a new linked order."""
    desk, liaison = client_for(desk_user), client_for(engineer)
    pk = register(household=household, by=desk_user, matter="外墙渗水").pk
    ok(post(desk, pk, "warranty-pass", contractor="开发商工程部", liaison=engineer.pk))
    ok(post(desk, pk, "dispatch", assignee=engineer.pk))
    body = ok(post(liaison, pk, "warranty-report", progress="已搭架"))
    assert body["warranty"]["contractor"] == "开发商工程部"
    assert [r["progress"] for r in body["warranty"]["reports"]] == ["已搭架"]
    again = post(liaison, pk, "warranty-report", progress="again")
    assert again.status_code == 400 and "date" in again.json()
    ok(post(liaison, pk, "arrive"))
    ok(post(liaison, pk, "complete"))
    ok(post(desk, pk, "return", late_reason="晚"))
    ok(post(desk, pk, "callback", satisfaction="basically_satisfied"))
    fresh = ok(desk.post(f"{URL}{pk}/rework/", {"matter": "仍有渗水"}, format="json"), 201)
    assert (fresh["rework_of"], fresh["matter"], fresh["status"]) == (pk, "仍有渗水", "registered")


def test_liaison_and_contract_lists_run_a_fixed_number_of_queries(
    django_assert_num_queries, household, desk_user
):
    """The liaison-form and contract lists cost the same for 2 rows as for 20."""
    for n in range(20):
        services.liaison_create(
            project=household.project,
            from_department="customer_service",
            to_department="engineering",
            matter=f"事项{n}",
            by=desk_user,
            ticket=register(household=household, by=desk_user),
        )
        services.contract_create(
            household=household,
            kind="greening",
            service="修剪",
            by=desk_user,
            schedule_type="weekdays",
            schedule_days=[1],
            price="100",
            starts_on=dt.date(2026, 11, 1),
        )
    for url in ("/api/v1/liaison-forms/", "/api/v1/contracts/"):
        first, second = client_for(desk_user), client_for(desk_user)
        with django_assert_num_queries(3):
            assert len(ok(first.get(url + "?page_size=2"))["results"]) == 2
        with django_assert_num_queries(3):
            assert len(ok(second.get(url + "?page_size=20"))["results"]) == 20


def test_staff_of_several_projects_name_the_project(household, other_project, desk_user):
    """Someone working in two projects must say which one an order belongs to, and may only
    name one of theirs."""
    from frontdesk.core.models import Membership, Project

    Membership.objects.create(user=desk_user, project=other_project)
    desk = client_for(desk_user)
    body = {"kind": "repair", "household": household.pk, "matter": "漏水"}
    assert "project" in desk.post(URL, body, format="json").json()
    stranger = Project.objects.create(code="north", name="北苑")
    refused = desk.post(URL, {**body, "project": stranger.pk}, format="json")
    assert refused.status_code == 400 and "project" in refused.json()
    wrong = desk.post(URL, {**body, "project": other_project.pk}, format="json")
    assert wrong.status_code == 400 and "household" in wrong.json()
    made = ok(desk.post(URL, {**body, "project": household.project_id}, format="json"), 201)
    assert made["project"] == household.project_id


def test_order_id_in_another_numeral_is_not_found(desk_api, household, desk_user):
    """An order id such as '²' (a digit to Python, not a number) answers 404, not 500."""
    register(household=household, by=desk_user)
    assert desk_api.get("/api/v1/tickets/²/").status_code == 404


def test_date_filters_at_the_ends_of_the_calendar(desk_api, client, household, desk_user):
    """?created_before=9999-12-31 and ?created_after=0001-01-01 list every order, page and API."""
    ticket = register(household=household, by=desk_user)
    client.force_login(desk_user)
    for query in ("?created_before=9999-12-31", "?created_after=0001-01-01"):
        listed = desk_api.get("/api/v1/tickets/" + query)
        assert [row["serial"] for row in listed.json()["results"]] == [ticket.serial]
        assert ticket.serial in client.get("/tickets/" + query).content.decode()


def test_order_carries_the_residents_rating_link(household, desk_user):
    """The order in the API names the resident's page (as on the QR code), and the link opens
    that order's progress page without a login."""
    from django.test import Client

    ticket = register(household=household, by=desk_user)
    body = ok(client_for(desk_user).get(f"{URL}{ticket.pk}/"))
    link = body["resident_link"]
    assert link.startswith("http://testserver/tickets/r/")
    page = Client().get(link.removeprefix("http://testserver"))
    assert page.status_code == 200
    assert ticket.serial in page.content.decode()
