"""The desk's work-order pages: registering, the queue, the order page and its actions."""

import datetime as dt
import re
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from frontdesk.core.errors import ApplicationError
from tickets import services
from tickets.choices import TicketStatus
from tickets.models import ComplaintDetail, ResidentRating, Ticket
from tickets.transitions import TRANSITIONS, check

from .factories import TicketFactory, register

pytestmark = pytest.mark.django_db

SH = ZoneInfo("Asia/Shanghai")


def at(day: int, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime(2026, 11, day, hour, minute, tzinfo=SH)


def login(client, user):
    client.force_login(user)
    return client


def act(client, ticket, action, **data):
    """POST one action of the order page, as its button or form does, and follow the redirect."""
    prefixed = {f"{action.replace('-', '_')}-{k}": v for k, v in data.items()}
    url = reverse("tickets:act", kwargs={"pk": ticket.pk, "action": action})
    return client.post(url, prefixed, follow=True)


def page_messages(response) -> list[str]:
    return [str(m) for m in response.context["messages"]]


def errors(response) -> list[str]:
    """The error messages a page shows (pages speak the default language, zh-hans)."""
    return [str(m) for m in response.context["messages"] if m.level_tag == "error"]


def zh(msgid: str) -> str:
    with translation.override("zh-hans"):
        return gettext(msgid)


def refusal(ticket, action, user=None) -> str:
    """What the transition table says, in zh-hans, when `action` is refused on `ticket`."""
    ticket.refresh_from_db()
    with translation.override("zh-hans"):
        try:
            check(ticket, action, user)
        except ApplicationError as error:
            return error.fields["non_field_errors"][0]
        except PermissionDenied as error:
            return str(error)
    raise AssertionError(f"{action} is allowed")


def shows(response, text: str) -> bool:
    return any(text in message for message in errors(response))


# --- Registering ---------------------------------------------------------------------------


def test_register_a_repair_from_the_household_file(client, desk_user, household):
    """The form opened from a household file needs only the matter; the order gets its serial."""
    login(client, desk_user)
    url = reverse("tickets:new") + f"?household={household.pk}&kind=repair"
    page = client.get(url)
    assert page.status_code == 200
    assert household.unit.code in page.content.decode()
    # The polite script for a repair on the phone is shown beside the form.
    assert "script-repair" in page.content.decode()
    assert "script-phone" in page.content.decode()

    response = client.post(
        url,
        {
            "kind": "repair",
            "household": household.pk,
            "matter": "厨房水龙头漏水",
            "source": "phone",
            "priority": "normal",
            "address_confirmed": "on",
        },
    )
    ticket = Ticket.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("tickets:detail", kwargs={"pk": ticket.pk})
    assert ticket.serial == "WX-2026-000001"
    assert ticket.household == household and ticket.address_confirmed
    assert ticket.created_by == desk_user


def test_a_likely_duplicate_is_shown_before_registering_and_can_be_confirmed(
    client, desk_user, household
):
    """A second repair for the same household within a day comes back once with the open
    order linked and nothing registered (no serial used); ticking "another matter" registers
    it; a complaint of the same household is not a duplicate of a repair."""
    login(client, desk_user)
    url = reverse("tickets:new") + f"?household={household.pk}&kind=repair"
    data = {
        "kind": "repair",
        "household": household.pk,
        "matter": "厨房水龙头漏水",
        "source": "phone",
        "priority": "normal",
        "address_confirmed": "on",
    }
    assert client.post(url, data).status_code == 302
    first = Ticket.objects.get()
    again = client.post(url, {**data, "matter": "厨房龙头还在漏"})
    assert again.status_code == 200 and [t.pk for t in again.context["duplicates"]] == [first.pk]
    assert reverse("tickets:detail", args=[first.pk]) in again.content.decode()
    assert Ticket.objects.count() == 1
    confirmed = client.post(url, {**data, "matter": "卫生间下水堵", "confirm_duplicate": "1"})
    assert confirmed.status_code == 302
    assert Ticket.objects.get(matter="卫生间下水堵").serial == "WX-2026-000002"


def test_register_a_public_place_emergency_without_a_household(client, desk_user, building):
    """A lift emergency is registered with the place and who reported it, no household needed."""
    login(client, desk_user)
    response = client.post(
        reverse("tickets:new") + "?kind=repair",
        {
            "kind": "repair",
            "project": building.project_id,
            "place": "lift",
            "building": building.pk,
            "reporter_name": "保安李",
            "matter": "3栋电梯困人",
            "source": "phone",
            "priority": "emergency",
        },
    )
    assert response.status_code == 302
    ticket = Ticket.objects.get()
    assert ticket.household is None and ticket.place == "lift"
    assert ticket.priority == "emergency" and ticket.building == building


def test_register_refusals_show_on_the_form_and_consume_no_serial(client, desk_user, building):
    """A public order without a place, or a complaint without a category, is refused on the form."""
    login(client, desk_user)
    page = client.post(
        reverse("tickets:new"),
        {
            "kind": "repair",
            "project": building.project_id,
            "matter": "灯不亮",
            "source": "phone",
            "priority": "normal",
        },
    )
    assert page.status_code == 200
    assert page.context["form"].errors["place"]
    page = client.post(
        reverse("tickets:new"),
        {
            "kind": "complaint",
            "project": building.project_id,
            "place": "lobby",
            "reporter_name": "张女士",
            "matter": "大堂很脏",
            "source": "walk_in",
            "priority": "normal",
        },
    )
    assert page.status_code == 200
    assert page.context["form"].errors["category"]
    # A walk-in complaint shows the reception, complaint and three-day scripts.
    html = page.content.decode()
    assert "script-reception" in html and "script-complaint" in html
    assert "script-three_days" in html
    assert not Ticket.objects.exists()


def test_household_of_another_project_is_not_found(client, desk_user, other_project):
    """Opening the form with a household of a project the user does not work in is a 404."""
    from tests.factories import HouseholdFactory

    stranger = HouseholdFactory(unit__building__project=other_project, project=other_project)
    login(client, desk_user)
    assert client.get(reverse("tickets:new") + f"?household={stranger.pk}").status_code == 404


# --- Walking each kind through the order page ----------------------------------------------------


def test_repair_walks_through_the_order_page(client, desk_user, engineer, household):
    """A paid repair: dispatch refused until the quote is acknowledged, then the whole process."""
    login(client, desk_user)
    with time_machine.travel(at(25, 9), tick=False):
        ticket = register(household=household, by=desk_user, paid=True, fee_quote="80")
        refused = act(client, ticket, "dispatch", department="engineering", assignee=engineer.pk)
        assert shows(
            refused, zh("A paid order is dispatched only once the resident acknowledges the fee.")
        )
        ticket.refresh_from_db()
        assert ticket.status == TicketStatus.REGISTERED

        act(client, ticket, "acknowledge-quote", fee_quote="80")
        done = act(client, ticket, "dispatch", department="engineering", assignee=engineer.pk)
        assert done.status_code == 200
    ticket.refresh_from_db()
    assert ticket.status == TicketStatus.DISPATCHED and ticket.assignee == engineer

    login(client, engineer)
    with time_machine.travel(at(25, 9, 30), tick=False):
        act(client, ticket, "accept")
        act(client, ticket, "arrive")
    with time_machine.travel(at(25, 11), tick=False):
        act(client, ticket, "complete", result="更换阀芯", fee_charged="80")
    login(client, desk_user)
    with time_machine.travel(at(25, 11), tick=False):
        act(client, ticket, "return")
    with time_machine.travel(at(25, 15), tick=False):
        act(client, ticket, "callback", reached="1", satisfaction="satisfied", quality="good")
        final = act(client, ticket, "close")
    ticket.refresh_from_db()
    assert ticket.status == TicketStatus.CLOSED
    assert ticket.fee_charged == 80
    html = final.content.decode()
    # The timeline on the page shows every step.
    for action in ("dispatch", "accept", "arrive", "complete", "callback", "close"):
        with translation.override("zh-hans"):
            assert str(TRANSITIONS[action].label) in html


def test_complaint_walks_through_the_order_page(client, desk_user, butler, supervisor, household):
    """A complaint goes to the building's butler, is answered, signed off, called back, confirmed
    and marked valid by the supervisor; the desk may not mark it."""
    login(client, desk_user)
    ticket = register(
        household=household,
        by=desk_user,
        kind="complaint",
        matter="楼道卫生差",
        complaint={"category": "cleaning", "reason": "service_quality", "temper": "angry"},
    )
    act(client, ticket, "investigate", findings="属实，保洁漏扫")
    act(client, ticket, "dispatch")
    ticket.refresh_from_db()
    assert ticket.status == TicketStatus.DISPATCHED
    assert ComplaintDetail.objects.get(ticket=ticket).butler == butler

    login(client, butler)
    act(client, ticket, "butler-reply", reply="已安排保洁重新清扫")
    act(client, ticket, "answer", answer="已清扫并加强巡查")
    act(client, ticket, "sign-off")
    login(client, desk_user)
    act(client, ticket, "callback", reached="1", satisfaction="satisfied")
    refused = act(client, ticket, "mark-valid", valid="1", cause="漏扫")
    assert refused.status_code == 403
    assert refusal(ticket, "mark_valid", desk_user) in refused.content.decode()
    act(client, ticket, "confirm")
    login(client, supervisor)
    act(client, ticket, "mark-valid", valid="1", cause="漏扫", lesson="加强检查")
    ticket.refresh_from_db()
    detail = ComplaintDetail.objects.get(ticket=ticket)
    assert ticket.status == TicketStatus.CLOSED
    assert detail.valid is True and detail.answer == "已清扫并加强巡查"


def test_housekeeping_needs_time_and_on_site_price_before_dispatch(
    client, desk_user, butler, household
):
    """New housekeeping customer: no dispatch until the time is confirmed and the job priced."""
    from frontdesk.core.roles import Role
    from tests.factories import UserFactory

    lead = UserFactory(role=Role.CLEANING, projects=[household.project], username="lead1")
    login(client, desk_user)
    ticket = register(household=household, by=desk_user, kind="housekeeping", matter="全屋保洁")
    first = act(client, ticket, "dispatch")
    assert shows(first, zh("Confirm the service time with the customer first."))
    act(client, ticket, "confirm-time", appointment_at="2026-11-28T09:00")
    second = act(client, ticket, "dispatch")
    assert shows(second, zh("The butler and the area lead price the job on site first."))
    login(client, butler)
    act(client, ticket, "price", price="200", lead=lead.pk)
    login(client, desk_user)
    act(client, ticket, "dispatch", department="cleaning", assignee=lead.pk)
    ticket.refresh_from_db()
    assert ticket.status == TicketStatus.DISPATCHED and ticket.fee_quote == 200
    login(client, lead)
    act(client, ticket, "accept")
    refused = act(client, ticket, "complete", result="已完成")
    assert shows(refused, zh("This field is required."))  # a paid order records its fee
    act(client, ticket, "complete", result="已完成", fee_charged="200")
    login(client, desk_user)
    act(client, ticket, "return")
    act(client, ticket, "callback", reached="0")
    ticket.refresh_from_db()
    assert ticket.status == TicketStatus.RETURNED  # nobody answered: still waiting for a call
    act(client, ticket, "callback", reached="1", satisfaction="satisfied")
    act(client, ticket, "close")
    ticket.refresh_from_db()
    assert ticket.status == TicketStatus.CLOSED and ticket.fee_charged == 200


def test_greening_with_a_dissatisfied_callback_opens_a_linked_rework(
    client, desk_user, household, gardener
):
    """Greening: the callback's "not satisfied" with rework opens a linked order from the page."""
    login(client, desk_user)
    ticket = register(
        household=household,
        by=desk_user,
        kind="greening",
        matter="修剪庭院绿篱",
        paid=False,
        time_confirmed=True,
    )
    act(client, ticket, "dispatch", department="greening", assignee=gardener.pk)
    login(client, gardener)
    act(client, ticket, "arrive")
    act(client, ticket, "complete", result="已修剪")
    login(client, desk_user)
    act(client, ticket, "return", late_reason="客户临时外出")
    page = act(
        client,
        ticket,
        "callback",
        reached="1",
        satisfaction="not_satisfied",
        comment="修剪不整齐",
        follow_up="rework",
    )
    rework = Ticket.objects.get(rework_of=ticket)
    assert rework.serial.startswith("LH-") and rework.status == TicketStatus.REGISTERED
    assert rework.serial in " ".join(page_messages(page))


def test_convenience_service_follows_the_paid_order_flow(client, desk_user, household):
    """A water delivery is paid: refused until the fee is acknowledged, then done and returned."""
    login(client, desk_user)
    ticket = register(household=household, by=desk_user, kind="convenience", matter="送桶装水两桶")
    refused = act(client, ticket, "dispatch")
    assert shows(
        refused, zh("A paid order is dispatched only once the resident acknowledges the fee.")
    )
    act(client, ticket, "acknowledge-quote", fee_quote="36")
    act(client, ticket, "dispatch")
    act(client, ticket, "accept")
    act(client, ticket, "complete", fee_charged="36")
    act(client, ticket, "return")
    ticket.refresh_from_db()
    assert ticket.status == TicketStatus.RETURNED and ticket.department == "customer_service"
    assert ticket.fee_charged == 36


def test_greening_public_order_and_void(client, desk_user, building):
    """A greening order about the grounds is voided with a reason; a second void is refused."""
    login(client, desk_user)
    ticket = services.ticket_register(
        project=building.project,
        kind="greening",
        matter="草坪修剪",
        by=desk_user,
        place="grounds",
        reporter_name="巡逻岗",
        paid=False,
        time_confirmed=True,
    )
    act(client, ticket, "void", reason="重复登记")
    again = act(client, ticket, "void", reason="再次作废")
    ticket.refresh_from_db()
    assert ticket.status == TicketStatus.VOIDED and ticket.void_reason == "重复登记"
    assert shows(again, refusal(ticket, "void"))
    # The voided serial shows struck through on its page.
    assert 'class="serial void"' in again.content.decode()


def test_illegal_action_is_refused_with_a_message(client, desk_user, household):
    """Receiving back an order that was never dispatched is refused, and nothing changes."""
    login(client, desk_user)
    ticket = register(household=household, by=desk_user)
    response = act(client, ticket, "return", late_reason="x")
    ticket.refresh_from_db()
    assert ticket.status == TicketStatus.REGISTERED
    assert shows(response, refusal(ticket, "return"))


def test_order_of_another_project_is_a_404(client, desk_user, other_project):
    """Another project's order page, print and actions answer 404."""
    other = TicketFactory(project=other_project)
    login(client, desk_user)
    assert client.get(reverse("tickets:detail", kwargs={"pk": other.pk})).status_code == 404
    assert client.get(reverse("tickets:print", kwargs={"pk": other.pk})).status_code == 404
    url = reverse("tickets:act", kwargs={"pk": other.pk, "action": "void"})
    assert client.post(url, {"void-reason": "x"}).status_code == 404


def test_order_page_shows_only_the_allowed_actions(client, desk_user, household):
    """A registered repair offers dispatch and void, not accept or close."""
    login(client, desk_user)
    ticket = register(household=household, by=desk_user)
    html = client.get(reverse("tickets:detail", kwargs={"pk": ticket.pk})).content.decode()
    assert 'id="action-dispatch"' in html and 'id="action-void"' in html
    assert 'id="act-accept"' not in html and 'id="act-close"' not in html


# --- Queue ------------------------------------------------------------------------------------


def test_queue_filters_by_status_and_department(client, desk_user, household):
    """The queue shows the orders of the chosen status and department."""
    login(client, desk_user)
    repair = register(household=household, by=desk_user, matter="漏水")
    cleaning = register(household=household, by=desk_user, kind="housekeeping", matter="保洁")
    services.ticket_void(ticket=cleaning, reason="重复", by=desk_user)
    page = client.get(reverse("tickets:queue") + "?status=registered&department=engineering")
    rows = page.context["rows"]
    assert [t.pk for t in rows] == [repair.pk]
    page = client.get(reverse("tickets:queue") + "?status=voided")
    assert [t.pk for t in page.context["rows"]] == [cleaning.pk]


def test_queue_pages_by_id_and_runs_a_fixed_number_of_queries(
    client, desk_user, project, django_assert_max_num_queries, django_assert_num_queries
):
    """The queue runs the same queries for 3 or 63 orders; the next page follows by id; the
    only counts are the overdue badge's, each bounded."""
    login(client, desk_user)
    TicketFactory.create_batch(3, project=project, created_by=desk_user)
    client.get(reverse("tickets:queue"))  # session and caches warm
    with django_assert_max_num_queries(20) as few:
        client.get(reverse("tickets:queue"))
    # Read now: the next request empties the connection's query log.
    few_sql = [q["sql"].upper() for q in few.captured_queries]
    TicketFactory.create_batch(60, project=project, created_by=desk_user)
    with django_assert_num_queries(len(few.captured_queries)):
        page = client.get(reverse("tickets:queue"))
    assert len(page.context["rows"]) == 50 and page.context["more"]
    older = client.get(reverse("tickets:queue") + "?" + page.context["next_query"])
    assert len(older.context["rows"]) == 13
    assert not {t.pk for t in older.context["rows"]} & {t.pk for t in page.context["rows"]}
    counts = [sql for sql in few_sql if "COUNT(" in sql]
    assert counts and all("LIMIT 100) SUBQUERY" in sql for sql in counts)


def test_order_page_runs_a_fixed_number_of_queries(
    client, desk_user, engineer, household, django_assert_max_num_queries, django_assert_num_queries
):
    """The order page costs the same queries with one event or many."""
    login(client, desk_user)
    ticket = register(household=household, by=desk_user)
    url = reverse("tickets:detail", kwargs={"pk": ticket.pk})
    client.get(url)
    with django_assert_max_num_queries(40) as few:
        client.get(url)
    for _ in range(5):
        services.ticket_follow_up(ticket=ticket, by=desk_user, note="催单")
    with django_assert_num_queries(len(few.captured_queries)):
        page = client.get(url)
    assert len(page.context["events"]) == 6


# --- The resident's page -------------------------------------------------------------------------


def test_resident_link_works_without_login_and_records_a_rating(
    client, desk_user, engineer, household
):
    """The signed link on copy 1 opens the order's progress without login and takes a rating."""
    from tickets.printing import resident_url

    ticket = register(household=household, by=desk_user)
    services.ticket_dispatch(ticket=ticket, by=desk_user, assignee=engineer)
    services.ticket_accept(ticket=ticket, by=engineer)
    url = resident_url(ticket)
    page = client.get(url)
    assert page.status_code == 200
    assert ticket.serial in page.content.decode()
    assert not page.context["rateable"]
    services.ticket_complete(ticket=ticket, by=engineer, result="ok")
    client.post(url, {"satisfaction": "basically_satisfied", "comment": "师傅很准时"})
    rating = ResidentRating.objects.get(ticket=ticket)
    assert rating.satisfaction == "basically_satisfied" and rating.comment == "师傅很准时"
    # The desk sees it beside its callbacks.
    login(client, desk_user)
    html = client.get(reverse("tickets:detail", kwargs={"pk": ticket.pk})).content.decode()
    assert "师傅很准时" in html


def test_resident_link_tampered_or_expired_is_refused(client, desk_user, household):
    """A changed token is refused; a token older than the project's days has expired."""
    from tickets.printing import resident_token

    with time_machine.travel(at(1, 9), tick=False):
        ticket = register(household=household, by=desk_user)
        token = resident_token(ticket)
    url = reverse("tickets:resident", kwargs={"token": token})
    with time_machine.travel(at(2, 9), tick=False):
        assert client.get(url).status_code == 200
        tampered = reverse("tickets:resident", kwargs={"token": token[:-2] + "xx"})
        assert client.get(tampered).status_code == 404
        other = TicketFactory(project=ticket.project)
        forged = token.replace(str(ticket.pk), str(other.pk), 1)
        assert client.get(reverse("tickets:resident", kwargs={"token": forged})).status_code == 404
    with time_machine.travel(at(1, 9) + dt.timedelta(days=31), tick=False):
        expired = client.get(url)
        assert expired.status_code == 410
        assert zh("This link has expired") in expired.content.decode()


def test_queue_and_api_return_the_same_rows_for_a_query_string(
    client, desk_api, desk_user, household
):
    """?kind=…&status=…&q=… means the same on the queue page and in /api/v1/tickets/."""
    repair = register(household=household, by=desk_user, matter="阳台漏水")
    register(household=household, by=desk_user, matter="阳台灯不亮")
    register(household=household, by=desk_user, kind="housekeeping", matter="阳台保洁")
    services.ticket_void(ticket=repair, reason="重复", by=desk_user)
    query = "kind=repair&status=registered&q=阳台"
    client.force_login(desk_user)
    page_ids = [t.pk for t in client.get(reverse("tickets:queue") + "?" + query).context["rows"]]
    api_ids = [row["id"] for row in desk_api.get("/api/v1/tickets/?" + query).json()["results"]]
    assert page_ids == api_ids
    assert len(page_ids) == 1


def test_queue_names_the_project_when_the_user_works_in_several(client, project, other_project):
    """Serials repeat across projects, so a desk of two projects sees each row's project."""
    from frontdesk.core.roles import Role
    from tests.factories import UserFactory

    from .factories import TicketFactory

    user = UserFactory(role=Role.DESK, projects=[project, other_project])
    TicketFactory(project=project, serial="WX-2026-000001")
    TicketFactory(project=other_project, serial="WX-2026-000001")
    client.force_login(user)
    html = client.get(reverse("tickets:queue")).content.decode()
    assert html.count("WX-2026-000001") == 2
    for name in (project.name, other_project.name):
        assert f'<small class="muted project-name">{name}</small>' in html


def test_order_page_masks_the_reporters_phone_for_a_worker(client, desk_user, engineer, building):
    """The engineer sees the reporter's phone masked on the order page; the desk sees it whole."""
    ticket = services.ticket_register(
        project=building.project,
        kind="repair",
        matter="楼道灯不亮",
        by=desk_user,
        place="corridor",
        reporter_name="李先生",
        reporter_phone="13912345678",
    )
    url = reverse("tickets:detail", args=[ticket.pk])
    worker_page = login(client, engineer).get(url).content.decode()
    desk_page = login(client, desk_user).get(url).content.decode()
    assert "139****5678" in worker_page and "13912345678" not in worker_page
    assert "13912345678" in desk_page


def test_resident_link_never_shows_a_workers_login_name(client, desk_user, household):
    """The public page names the worker by name only: one without a name shows no login name."""
    from tests.factories import UserFactory
    from tickets.printing import resident_url

    worker = UserFactory(
        role="engineering", projects=[household.project], username="eng-login-7", first_name=""
    )
    ticket = register(household=household, by=desk_user)
    services.ticket_dispatch(ticket=ticket, by=desk_user, assignee=worker)
    services.ticket_arrive(ticket=ticket, by=worker)
    page = client.get(resident_url(ticket)).content.decode()
    assert ticket.serial in page and "eng-login-7" not in page


def test_complaint_badge_says_what_its_progress_bar_says(client, household, desk_user, butler):
    """A complaint's status badge and its progress bar speak one word: 已转管家 after dispatch,
    管家已回复 after the butler's reply, on the order page and in the queue."""
    import re

    with time_machine.travel(at(24, 9), tick=False):
        complaint = register(
            household=household,
            by=desk_user,
            kind="complaint",
            matter="保洁不到位",
            complaint={"category": "cleaning", "reason": "service_quality"},
        )
        services.ticket_dispatch(ticket=complaint, by=desk_user)
    login(client, desk_user)

    def badge_and_bar():
        html = client.get(reverse("tickets:detail", args=[complaint.pk])).content.decode()
        badge = re.search(r'<span class="badge st-\w+">([^<]+)</span>', html).group(1)
        done = re.findall(r'<li class="done"><span>([^<]+)</span>', html)
        queue = client.get(reverse("tickets:queue")).content.decode()
        return badge, done[-1], re.search(r'<span class="badge st-\w+">([^<]+)</span>', queue)[1]

    assert badge_and_bar() == ("已转管家", "已转管家", "已转管家")
    with time_machine.travel(at(24, 10), tick=False):
        services.complaint_butler_reply(ticket=complaint, reply="已安排保洁返工", by=butler)
    assert badge_and_bar() == ("管家已回复", "管家已回复", "管家已回复")


def test_worker_list_offers_the_department_first(client, household, desk_user, engineer, butler):
    """The dispatch picker of a repair lists engineering's people first and the cashier only
    among the others; a complaint's picker starts with the building's butler."""
    import re

    from frontdesk.core.roles import Role
    from tests.factories import UserFactory

    UserFactory(role=Role.CASHIER, projects=[household.project], username="cashier1")
    UserFactory(role=Role.BUTLER, projects=[household.project], username="butler9")
    repair = register(household=household, by=desk_user)
    complaint = register(
        household=household,
        by=desk_user,
        kind="complaint",
        matter="保洁不到位",
        complaint={"category": "cleaning", "reason": "service_quality"},
    )
    login(client, desk_user)

    def first_group(ticket):
        html = client.get(reverse("tickets:detail", args=[ticket.pk])).content.decode()
        select = re.search(r'<select name="dispatch-assignee".*?</select>', html, re.S).group(0)
        groups = re.findall(r"<optgroup[^>]*>(.*?)</optgroup>", select, re.S)
        return [int(v) for v in re.findall(r'value="(\d+)"', groups[0])]

    assert first_group(repair) == [engineer.pk]
    assert first_group(complaint)[0] == butler.pk
    assert len(first_group(complaint)) == 2


def test_register_marks_required_fields_and_shows_every_error_at_once(client, household, desk_user):
    """A complaint's category and reason, and a public place's place and reporter, are marked
    required; an empty submit shows every missing field's error together."""
    import re

    login(client, desk_user)

    def required_fields(html):
        return set(re.findall(r'class="field[^"]*required[^"]*">\s*<label for="id_(\w+)"', html))

    page = client.get(reverse("tickets:new") + f"?household={household.pk}&kind=complaint")
    assert {"matter", "category", "reason"} <= required_fields(page.content.decode())
    public = client.get(reverse("tickets:new") + "?kind=repair").content.decode()
    assert {"matter", "place", "reporter_name"} <= required_fields(public)

    sent = client.post(
        reverse("tickets:new"),
        {"kind": "complaint", "household": household.pk, "source": "phone", "priority": "normal"},
    )
    assert sent.status_code == 200 and not Ticket.objects.exists()
    assert set(sent.context["form"].errors) >= {"matter", "category", "reason"}
    sent = client.post(
        reverse("tickets:new"), {"kind": "repair", "source": "phone", "priority": "normal"}
    )
    assert set(sent.context["form"].errors) >= {"matter", "place", "reporter_name"}


def test_worker_lands_on_their_departments_orders_theirs_first(
    client, household, desk_user, engineer, cleaner
):
    """After logging in, an engineer lands on engineering's open orders with their own at the
    top (not the household search); cleaning's orders are not there; the desk lands on its
    home page."""
    from tests.factories import PASSWORD, UserFactory

    other = UserFactory(role="engineering", projects=[household.project], username="eng2")
    with time_machine.travel(at(24, 9), tick=False):
        someone_elses = register(household=household, by=desk_user, matter="楼道灯不亮")
        services.ticket_dispatch(ticket=someone_elses, by=desk_user, assignee=other)
    with time_machine.travel(at(24, 10), tick=False):
        mine = register(household=household, by=desk_user, matter="水龙头漏水")
        services.ticket_dispatch(ticket=mine, by=desk_user, assignee=engineer)
        cleaning = register(household=household, by=desk_user, kind="housekeeping", matter="保洁")
    response = client.post(
        reverse("login"), {"username": engineer.username, "password": PASSWORD}, follow=True
    )
    assert response.redirect_chain[-1][0] == reverse("tickets:work")
    html = response.content.decode()
    assert html.index(mine.serial) < html.index(someone_elses.serial)
    assert cleaning.serial not in html
    client.logout()
    response = client.post(
        reverse("login"), {"username": desk_user.username, "password": PASSWORD}, follow=True
    )
    assert response.redirect_chain[-1][0] == reverse("home")


def test_a_user_of_several_projects_chooses_the_project_and_prints_all(
    client, project, other_project
):
    """Item 1 of the desk's trial: a clerk of two projects gets every project's open orders in
    the day's print run, grouped by project; the month-end register asks which project rather
    than showing the first one's; the public-place form has no project preselected and refuses
    to register without one (no serial used)."""
    import io

    from pypdf import PdfReader

    from frontdesk.core.roles import Role
    from tests.factories import HouseholdFactory, UserFactory

    clerk = UserFactory(role=Role.DESK, projects=[project, other_project])
    for p, matter in ((project, "东区水管漏水"), (other_project, "西区电梯困人")):
        home = HouseholdFactory(unit__building__project=p, project=p)
        services.ticket_register(project=p, kind="repair", matter=matter, by=clerk, household=home)
    client.force_login(clerk)

    printed = client.get(reverse("tickets:print-today"))
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(printed.content)).pages)
    assert "东区水管漏水" in text and "西区电梯困人" in text
    first, second = sorted([project.name, other_project.name])
    assert text.index(first) < text.index(second)  # grouped by project, by name

    month = client.get(reverse("tickets:month-end"))
    assert month.context["choose_project"] and month.context["groups"] == []
    assert (
        "choose the project" in month.content.decode().lower() or "项目" in month.content.decode()
    )
    chosen = client.get(reverse("tickets:month-end") + f"?project={other_project.pk}")
    assert [t.matter for g in chosen.context["groups"] for t in g["rows"]] == ["西区电梯困人"]

    form = client.get(reverse("tickets:new")).context["form"]
    assert form["project"].value() is None and form.fields["project"].required
    before = Ticket.objects.count()
    refused = client.post(
        reverse("tickets:new"),
        {
            "kind": "repair",
            "source": "phone",
            "place": "lobby",
            "reporter_name": "王先生",
            "matter": "大堂灯不亮",
            "priority": "normal",
        },
    )
    assert refused.status_code == 200 and "project" in refused.context["form"].errors
    assert Ticket.objects.count() == before


def test_rows_and_choices_name_their_project_for_a_user_of_several(
    client, project, other_project, desk_user
):
    """Item 4 of the desk's trial: serials, liaison numbers and building numbers repeat from
    one project to the next, so for a user of two projects the emergency strip, the weekly
    list, the liaison forms, the building filter and the admin's order list name each row's
    project (two rows that look alike are told apart); a user of one project sees no names."""
    from django.utils import timezone

    from frontdesk.core.roles import Role
    from tests.factories import BuildingFactory, UserFactory

    from .factories import TicketFactory

    clerk = UserFactory(role=Role.DESK, projects=[project, other_project], is_staff=True)
    long_ago = timezone.now() - dt.timedelta(days=10)
    for p in (project, other_project):
        BuildingFactory(project=p, number="1")
        TicketFactory(project=p, serial="WX-2026-000004", priority="emergency", matter="电梯困人")
        old = TicketFactory(project=p, serial="TS-2026-000002", kind="complaint", matter="噪音投诉")
        Ticket.objects.filter(pk=old.pk).update(created_at=long_ago)
        services.liaison_create(
            project=p,
            from_department="customer_service",
            to_department="engineering",
            matter="请协助检修",
            by=clerk,
        )
    client.force_login(clerk)
    names = (project.name, other_project.name)

    queue = client.get(reverse("tickets:queue")).content.decode()
    strip = queue[queue.index("emergency-strip") : queue.index("queue-head")]
    assert all(f'<small class="muted project-name">{n}</small>' in strip for n in names)
    weekly = client.get(reverse("tickets:weekly")).content.decode()
    assert all(f'project-name">{n}</small>' in weekly for n in names)
    liaison = client.get(reverse("tickets:liaison-list")).content.decode()
    assert all(f'project-name">{n}</small>' in liaison for n in names)
    for n in names:  # the building filter's options, e.g. "东湖花园 · 1栋"
        assert f">{n} · 1栋</option>" in queue
    admin_list = client.get("/admin/tickets/ticket/")
    assert admin_list.status_code == 200
    assert all(
        re.search(f'class="field-project[^"]*">{n}</td>', admin_list.content.decode())
        for n in names
    )

    client.force_login(desk_user)  # one project: no project names on the rows
    assert "project-name" not in client.get(reverse("tickets:weekly")).content.decode()
