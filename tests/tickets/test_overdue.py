""" "Overdue" on the queue, in the API filter and in the counts: any open promise of the order
past its due time (commitment, butler reply, answer, return, callback)."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from frontdesk.core.deadlines import deadlines_of
from tickets import jobs, selectors, services
from tickets.models import JobRun, Ticket

from .factories import register
from .test_api import URL, client_for, ok
from .test_views import login

pytestmark = pytest.mark.django_db

SH = ZoneInfo("Asia/Shanghai")
START = dt.datetime(2026, 11, 25, 19, 0, tzinfo=SH)


def minute(n: int) -> dt.datetime:
    return START + dt.timedelta(minutes=n)


@pytest.fixture
def orders(project, household, desk_user, engineer):
    """An emergency whose 15-minute commitment is not given, and a general order committed
    in time (its return is due only at the end of the next working day)."""
    with time_machine.travel(START, tick=False):
        trapped = register(
            project=project,
            by=desk_user,
            place="lift",
            reporter_name="保安老李",
            matter="2号电梯困人",
        )
        kept = register(household=household, by=desk_user, matter="水龙头滴水")
        services.ticket_commit(
            ticket=kept, by=desk_user, what="换阀芯", by_when=minute(24 * 60), by_whom_user=engineer
        )
    return trapped, kept


def test_breached_commitment_makes_the_order_overdue_in_the_api(orders, desk_user):
    """An emergency whose commitment expired is listed by ?overdue=true; the kept one is not."""
    trapped, kept = orders
    with time_machine.travel(minute(16), tick=False):
        found = [
            r["serial"] for r in ok(client_for(desk_user).get(URL + "?overdue=true"))["results"]
        ]
        others = [
            r["serial"] for r in ok(client_for(desk_user).get(URL + "?overdue=false"))["results"]
        ]
    assert found == [trapped.serial]
    assert others == [kept.serial]
    with time_machine.travel(minute(14), tick=False):
        early = ok(client_for(desk_user).get(URL + "?overdue=true"))["results"]
    assert early == []


def test_queue_marks_overdue_rows_and_counts_them(client, orders, desk_user):
    """The queue filters overdue orders, marks their rows and shows how many there are."""
    trapped, kept = orders
    login(client, desk_user)
    with time_machine.travel(minute(16), tick=False):
        html = client.get(reverse("tickets:queue")).content.decode()
        filtered = client.get(reverse("tickets:queue") + "?overdue=true").content.decode()
    rows = {r.split("</a>")[0].rsplit(">", 1)[-1]: r for r in html.split("<tr")[1:]}
    trapped_row, kept_row = rows[trapped.serial], rows[kept.serial]
    assert "overdue-mark" in trapped_row and "overdue-mark" not in kept_row
    assert 'id="overdue-count"' in html and "1 " in html[html.index('id="overdue-count"') :][:120]
    assert trapped.serial in filtered and kept.serial not in filtered


def test_butler_reply_past_due_makes_a_complaint_overdue(household, desk_user, butler):
    """A complaint whose butler has not replied within 4 hours is overdue, though its answer
    (three days) is not yet due."""
    with time_machine.travel(START.replace(hour=9), tick=False):
        complaint = register(
            household=household,
            by=desk_user,
            kind="complaint",
            matter="保洁不到位",
            complaint={"category": "cleaning", "reason": "service_quality"},
        )
        services.ticket_commit(
            ticket=complaint,
            by=desk_user,
            what="管家跟进",
            by_when=START + dt.timedelta(days=1),
            by_whom_user=butler,
        )
        services.ticket_dispatch(ticket=complaint, by=desk_user, assignee=butler)
    reply = deadlines_of(complaint).get(kind="complaint.butler_reply")
    answer = deadlines_of(complaint).get(kind="complaint.answer")
    late = reply.due_at + dt.timedelta(minutes=1)
    assert answer.due_at > late
    assert list(Ticket.objects.filter(selectors.overdue_q(late))) == [complaint]
    assert list(Ticket.objects.filter(selectors.overdue_q(late - dt.timedelta(minutes=2)))) == []


def test_weekly_summary_counts_breached_commitments(project, orders, manager):
    """The manager's weekly summary counts an order with a breached commitment as overdue."""
    jobs.weekly_summaries(day=minute(60).date(), now=minute(60))
    run = JobRun.objects.get(job="weekly", project=project)
    assert run.result["overdue"] == 1 and run.result["unfinished"] == 2
