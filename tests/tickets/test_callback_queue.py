"""The desk's callback queue: oldest first, quick outcomes, retries, reopening, the supervisor's
view of overdue callbacks, and GET /api/v1/callbacks/."""

import datetime as dt
import zoneinfo

import pytest
import time_machine
from django.urls import reverse

from frontdesk.core.errors import ApplicationError
from frontdesk.core.models import Deadline, Notification
from tests.factories import HouseholdFactory, UnitFactory
from tests.tickets.factories import register
from tickets import callbacks, services
from tickets.choices import TicketStatus
from tickets.models import Callback, ReportSettings, Ticket

SH = zoneinfo.ZoneInfo("Asia/Shanghai")


def at(day, hour, minute=0):
    return dt.datetime(2026, 11, day, hour, minute, tzinfo=SH)


def _returned(household, desk_user, engineer, when, matter="厨房水龙头漏水"):
    with time_machine.travel(when, tick=False):
        ticket = register(household=household, by=desk_user, matter=matter)
        services.ticket_dispatch(ticket=ticket, by=desk_user, assignee=engineer)
        services.ticket_arrive(ticket=ticket, by=engineer)
        services.ticket_complete(ticket=ticket, by=engineer)
        services.ticket_return(ticket=ticket, by=desk_user)
    return ticket


def _households(building, n):
    return [
        HouseholdFactory(
            unit=UnitFactory(building=building, project=building.project, number=f"0{k + 1}01"),
            project=building.project,
        )
        for k in range(n)
    ]


def test_queue_lists_returned_orders_oldest_first_in_fixed_queries(
    client, desk_user, engineer, building, django_assert_num_queries
):
    """The queue shows the orders waiting for their callback, oldest return first, and costs
    the same number of queries for 2 orders as for 6."""
    homes = _households(building, 6)
    late = _returned(homes[0], desk_user, engineer, at(24, 10), "后返单")
    early = _returned(homes[1], desk_user, engineer, at(24, 9), "先返单")
    client.force_login(desk_user)
    url = reverse("tickets:callbacks")
    with time_machine.travel(at(24, 11), tick=False):
        client.get(url)
        with django_assert_num_queries(12) as small:
            html = client.get(url).content.decode()
        assert html.index(early.serial) < html.index(late.serial)
        for home in homes[2:]:
            _returned(home, desk_user, engineer, at(24, 10, 30))
        with django_assert_num_queries(len(small.captured_queries)):
            html = client.get(url).content.decode()
    returned = Ticket.objects.filter(status=TicketStatus.RETURNED)
    assert returned.count() == 6 and all(t.serial in html for t in returned)


def test_satisfied_outcome_takes_the_order_off_the_queue(client, desk_user, engineer, household):
    """Reached and satisfied: the order is called back, its callback deadline met, and it
    leaves the queue."""
    ticket = _returned(household, desk_user, engineer, at(24, 9))
    client.force_login(desk_user)
    with time_machine.travel(at(24, 11), tick=False):
        response = client.post(
            reverse("tickets:callback-outcome", args=[ticket.pk]), {"outcome": "satisfied"}
        )
        assert response.status_code == 302
        html = client.get(reverse("tickets:callbacks")).content.decode()
    ticket.refresh_from_db()
    assert ticket.status == TicketStatus.VISITED
    assert Callback.objects.get(ticket=ticket).satisfaction == "satisfied"
    assert Deadline.objects.get(subject_id=ticket.pk, kind="order.callback").state == "met"
    assert reverse("tickets:callback-outcome", args=[ticket.pk]) not in html


def test_not_satisfied_reopens_and_escalates(desk_user, engineer, household, supervisor):
    """Reached and not satisfied: a linked urgent rework order is opened and the supervisor
    is told at once; a complaint gets a linked complaint instead."""
    ticket = _returned(household, desk_user, engineer, at(24, 9))
    with time_machine.travel(at(24, 11), tick=False):
        with pytest.raises(ApplicationError):
            callbacks.callback_outcome(ticket=ticket, outcome="not_satisfied", by=desk_user)
        callback = callbacks.callback_outcome(
            ticket=ticket, outcome="not_satisfied", by=desk_user, comment="还在漏水"
        )
    rework = callback.follow_up_ticket
    assert rework.rework_of == ticket and rework.priority == "urgent"
    notice = Notification.objects.get(user=supervisor, topic=callbacks.TOPIC_NOT_SATISFIED)
    assert ticket.serial in notice.title and rework.serial in notice.title


def test_not_satisfied_with_a_complaint_opens_a_complaint(desk_user, butler, household, supervisor):
    """A complaint whose resident is not satisfied reopens as a linked complaint."""
    with time_machine.travel(at(24, 9), tick=False):
        complaint = register(
            household=household,
            by=desk_user,
            kind="complaint",
            matter="保洁不到位",
            complaint={"category": "cleaning", "reason": "service_quality"},
        )
        services.ticket_dispatch(ticket=complaint, by=desk_user)
        services.complaint_butler_reply(ticket=complaint, reply="已安排", by=butler)
        services.complaint_answer(ticket=complaint, answer="已重新打扫", by=butler)
        services.complaint_sign_off(ticket=complaint, by=butler)
        callback = callbacks.callback_outcome(
            ticket=complaint, outcome="not_satisfied", by=desk_user, comment="仍然很脏"
        )
    reopened = callback.follow_up_ticket
    assert reopened.kind == "complaint" and reopened.complaint_from == complaint
    assert Notification.objects.filter(user=supervisor, topic="callback.not_satisfied").count() == 1


def test_unreachable_is_retried_up_to_the_projects_attempts(
    client, desk_user, engineer, household, supervisor, project
):
    """Not reachable: the order waits for the retry interval, comes back, and after the
    project's last attempt leaves the desk's list, the supervisor being told once."""
    ReportSettings.objects.create(project=project, callback_attempts=2, callback_retry_minutes=60)
    ticket = _returned(household, desk_user, engineer, at(24, 9))
    client.force_login(desk_user)
    url = reverse("tickets:callbacks")
    with time_machine.travel(at(24, 10), tick=False):
        callbacks.callback_outcome(ticket=ticket, outcome="unreachable", by=desk_user)
        rows = callbacks.queue_rows(list(callbacks.callback_queue(user=desk_user)))
        assert (rows[0].attempts, rows[0].waiting, rows[0].given_up) == (1, True, False)
        assert rows[0].next_try_at == at(24, 11)
    with time_machine.travel(at(24, 11, 1), tick=False):
        rows = callbacks.queue_rows(list(callbacks.callback_queue(user=desk_user)))
        assert (rows[0].waiting, rows[0].given_up) == (False, False)
        callbacks.callback_outcome(ticket=ticket, outcome="unreachable", by=desk_user)
        html = client.get(url).content.decode()
        assert 'id="given-up"' in html and ticket.serial in html
        with pytest.raises(ApplicationError):
            callbacks.callback_outcome(ticket=ticket, outcome="unreachable", by=desk_user)
    assert Callback.objects.filter(ticket=ticket, reached=False).count() == 2
    assert Notification.objects.filter(user=supervisor, topic="callback.unreachable").count() == 1
    ticket.refresh_from_db()
    assert ticket.status == TicketStatus.RETURNED


def test_supervisor_sees_overdue_callbacks(client, desk_user, engineer, household, supervisor):
    """Past the end of the working day the callback is overdue: the supervisor's page lists
    it among the overdue callbacks; the desk's page flags it without that list."""
    ticket = _returned(household, desk_user, engineer, at(24, 9))
    due = Deadline.objects.get(subject_id=ticket.pk, kind="order.callback").due_at
    with time_machine.travel(due + dt.timedelta(minutes=5), tick=False):
        client.force_login(supervisor)
        html = client.get(reverse("tickets:callbacks")).content.decode()
        overdue_part = html[html.index('id="overdue"') : html.index('id="due"')]
        assert ticket.serial in overdue_part
        assert [t.pk for t in callbacks.overdue_callbacks(user=supervisor)] == [ticket.pk]
        client.force_login(desk_user)
        html = client.get(reverse("tickets:callbacks")).content.decode()
        assert 'id="overdue"' not in html and "badge bad" in html
    with time_machine.travel(due - dt.timedelta(minutes=5), tick=False):
        assert list(callbacks.overdue_callbacks(user=supervisor)) == []


def test_api_lists_the_queue_with_fixed_queries(
    desk_api, client, desk_user, engineer, building, other_household, django_assert_num_queries
):
    """GET /api/v1/callbacks/ answers the queue oldest first with due time, overdue flag and
    attempts, in the same number of queries for any page; the page and the API agree on a
    filter; another project's orders are not there."""
    homes = _households(building, 4)
    orders = [_returned(home, desk_user, engineer, at(24, 9 + k)) for k, home in enumerate(homes)]
    with time_machine.travel(at(24, 14), tick=False):
        desk_api.get("/api/v1/callbacks/")
        with django_assert_num_queries(3):
            data = desk_api.get("/api/v1/callbacks/?page_size=2").json()
        assert [r["serial"] for r in data["results"]] == [orders[0].serial, orders[1].serial]
        first = data["results"][0]
        assert first["overdue"] is False and first["attempts"] == 0 and first["max_attempts"] == 3
        assert first["due_at"] is not None
        with django_assert_num_queries(3):
            rest = desk_api.get(data["next"]).json()
        assert [r["serial"] for r in rest["results"]] == [orders[2].serial, orders[3].serial]
        query = f"?household={homes[1].pk}"
        api_rows = [r["id"] for r in desk_api.get(f"/api/v1/callbacks/{query}").json()["results"]]
        client.force_login(desk_user)
        html = client.get(reverse("tickets:callbacks") + query).content.decode()
    assert api_rows == [orders[1].pk]
    assert orders[1].serial in html and orders[0].serial not in html


def test_api_records_an_outcome(desk_api, desk_user, engineer, household):
    """POST /api/v1/callbacks/{id}/outcome/ records the quick outcome like the page."""
    ticket = _returned(household, desk_user, engineer, at(24, 9))
    with time_machine.travel(at(24, 10), tick=False):
        response = desk_api.post(
            f"/api/v1/callbacks/{ticket.pk}/outcome/", {"outcome": "unreachable"}, format="json"
        )
        refused = desk_api.post(
            f"/api/v1/callbacks/{ticket.pk}/outcome/", {"outcome": "maybe"}, format="json"
        )
    assert response.status_code == 200 and response.json()["reached"] is False
    assert refused.status_code == 400
    assert Callback.objects.filter(ticket=ticket, reached=False).count() == 1


def test_api_outcome_of_a_malformed_or_foreign_id_is_not_found(
    desk_api, other_desk_user, other_household, engineer
):
    """An id that is not a number, or an order of another project, answers 404 (not 500)."""
    foreign = register(household=other_household, by=other_desk_user)
    for pk in ("abc", "12-3", "²", foreign.pk):
        response = desk_api.post(
            f"/api/v1/callbacks/{pk}/outcome/", {"outcome": "satisfied"}, format="json"
        )
        assert response.status_code == 404, pk
    assert not Callback.objects.filter(ticket=foreign).exists()


def test_reopening_after_hours_says_when_the_supervisor_is_told(
    client, desk_user, engineer, household, supervisor
):
    """Not satisfied in the evening: the desk's confirmation names the supervisor and says the
    notice reaches them at the start of working time, when their bell shows it."""
    ticket = _returned(household, desk_user, engineer, at(25, 10))
    client.force_login(desk_user)
    with time_machine.travel(at(25, 19, 30), tick=False):
        response = client.post(
            reverse("tickets:callback-outcome", args=[ticket.pk]),
            {"outcome": "not_satisfied", "comment": "还在漏水"},
            follow=True,
        )
    [text] = [str(m) for m in response.context["messages"]]
    assert supervisor.get_full_name() in text and "11-26 08:30" in text
    notice = Notification.objects.get(user=supervisor, topic=callbacks.TOPIC_NOT_SATISFIED)
    assert notice.deliver_at == at(26, 8, 30)


def test_queue_row_shows_who_to_call_and_who_did_the_work(client, desk_user, engineer, household):
    """Each row names the resident with their phone (in full for the desk, masked for a role
    without phones), the matter and the worker who did it: one page for one call."""
    from frontdesk.core.roles import Role
    from tests.factories import UserFactory

    ticket = _returned(household, desk_user, engineer, at(24, 9))
    contact = household.persons.get()
    client.force_login(desk_user)
    with time_machine.travel(at(24, 11), tick=False):
        html = client.get(reverse("tickets:callbacks")).content.decode()
    row = html[html.index(ticket.serial) : html.index("</tr>", html.index(ticket.serial))]
    worker = engineer.get_full_name() or engineer.username
    assert contact.name in row and contact.phone in row and worker in row
    assert ticket.matter in row
    cleaner = UserFactory(role=Role.CLEANING, projects=[household.project], username="c9")
    client.force_login(cleaner)
    with time_machine.travel(at(24, 11), tick=False):
        html = client.get(reverse("tickets:callbacks")).content.decode()
    row = html[html.index(ticket.serial) : html.index("</tr>", html.index(ticket.serial))]
    assert contact.phone not in row and contact.phone[-4:] in row
