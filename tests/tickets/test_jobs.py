"""The periodic jobs: each does its work once however often it runs, and makes up for a
tick beat missed."""

import datetime as dt
import zoneinfo

import time_machine
from celery.schedules import crontab
from django.conf import settings
from django.urls import reverse

from frontdesk.celery import app
from frontdesk.core import tasks as core_tasks
from frontdesk.core.models import Notification, Project
from frontdesk.core.notifications import Topic
from tests.tickets.factories import register
from tickets import jobs, services, tasks
from tickets.models import ComplaintReport, ContractVisit, JobRun, TicketEvent

SH = zoneinfo.ZoneInfo("Asia/Shanghai")


def at(month, day, hour, minute=0):
    return dt.datetime(2026, month, day, hour, minute, tzinfo=SH)


def _contract(household, by, **kwargs):
    arguments = {
        "household": household,
        "kind": "housekeeping",
        "service": "每周保洁",
        "by": by,
        "schedule_type": "weekdays",
        "schedule_days": [2, 3],  # Tuesday and Wednesday
        "price": "800",
        "starts_on": dt.date(2026, 11, 1),
        "visit_time": dt.time(14, 0),
    }
    arguments.update(kwargs)
    return services.contract_create(**arguments)


def test_contract_visits_are_listed_once(
    client, household, second_household, desk_user, django_assert_num_queries
):
    """The daily job lists today's and tomorrow's visits; run again, or after the desk has
    opened a visit's order, it lists nothing twice. An ended contract lists nothing."""
    contract = _contract(household, desk_user)
    _contract(second_household, desk_user, ends_on=dt.date(2026, 11, 20))
    with time_machine.travel(at(11, 24, 6), tick=False):  # a Tuesday
        assert jobs.contract_visits_list(day=dt.date(2026, 11, 24)) == 2
        assert jobs.contract_visits_list(day=dt.date(2026, 11, 24)) == 0
        tasks.list_contract_visits()
    assert sorted(ContractVisit.objects.values_list("contract_id", "date")) == [
        (contract.pk, dt.date(2026, 11, 24)),
        (contract.pk, dt.date(2026, 11, 25)),
    ]
    client.force_login(desk_user)
    url = reverse("tickets:visits")
    with time_machine.travel(at(11, 24, 9), tick=False):
        client.get(url)
        # Session, user, projects, the visits with their contracts and households.
        with django_assert_num_queries(5):
            html = client.get(url).content.decode()
        for listed in ContractVisit.objects.all():
            assert f'name="visit" value="{listed.pk}"' in html
        visit = ContractVisit.objects.get(date=dt.date(2026, 11, 24))
        response = client.post(url, {"visit": visit.pk, "appointment_at": "2026-11-24T15:00"})
        assert response.status_code == 302
        visit.refresh_from_db()
        assert visit.ticket is not None
        assert visit.ticket.appointment_at == at(11, 24, 15)
        html = client.get(url).content.decode()
        assert f'name="visit" value="{visit.pk}"' not in html
    with time_machine.travel(at(11, 25, 6), tick=False):
        tasks.list_contract_visits()
        tasks.list_contract_visits()
    assert ContractVisit.objects.count() == 2
    assert ContractVisit.objects.filter(ticket__isnull=False).count() == 1


def test_end_of_day_lists_unreturned_free_orders_once(
    client, household, desk_user, engineer, project, django_assert_num_queries
):
    """At the end of the day the desk is told once which free orders are not back, and the
    next shift records why on the page."""
    with time_machine.travel(at(11, 24, 9), tick=False):
        out = register(household=household, by=desk_user, matter="灯不亮")
        services.ticket_dispatch(ticket=out, by=desk_user, assignee=engineer)
        back = register(household=household, by=desk_user, matter="门锁坏")
        services.ticket_dispatch(ticket=back, by=desk_user, assignee=engineer)
        services.ticket_arrive(ticket=back, by=engineer)
        services.ticket_complete(ticket=back, by=engineer)
        services.ticket_return(ticket=back, by=desk_user)
        register(
            household=household,
            by=desk_user,
            kind="complaint",
            matter="噪音",
            complaint={"category": "other", "reason": "service_quality"},
        )
    with time_machine.travel(at(11, 24, 18, 30), tick=False):
        tasks.end_of_day_unreturned()
        tasks.end_of_day_unreturned()
    notices = Notification.objects.filter(user=desk_user, topic=jobs.TOPIC_UNRETURNED)
    assert notices.count() == 1
    assert out.serial in notices.get().body and back.serial not in notices.get().body
    assert JobRun.objects.filter(job="end_of_day", project=project).count() == 1
    client.force_login(desk_user)
    with time_machine.travel(at(11, 25, 8, 30), tick=False):
        client.get(reverse("tickets:unreturned"))
        # Session, user, projects, the orders with what a row shows, the user's roles.
        with django_assert_num_queries(5):
            html = client.get(reverse("tickets:unreturned")).content.decode()
        assert out.serial in html and back.serial not in html
        client.post(reverse("tickets:unreturned"), {"ticket": out.pk, "reason": "等配件"})
        html = client.get(reverse("tickets:unreturned")).content.decode()
    out.refresh_from_db()
    assert out.return_late_reason == "等配件" and "等配件" in html
    assert TicketEvent.objects.filter(ticket=out, action="late_reason", note="等配件").exists()


def test_weekly_summaries_go_out_once_a_week(
    client, household, desk_user, butler, supervisor, manager, project, django_assert_num_queries
):
    """On Monday the manager gets the unfinished matters and the supervisor the complaints
    open for over a week, once, however often the job runs; the page shows both lists."""
    with time_machine.travel(at(11, 20, 9), tick=False):
        old = register(
            household=household,
            by=desk_user,
            kind="complaint",
            matter="电梯异响",
            complaint={"category": "engineering", "reason": "elevator"},
        )
    with time_machine.travel(at(11, 29, 9), tick=False):
        recent = register(household=household, by=desk_user, matter="水管滴水")
    with time_machine.travel(at(11, 30, 8, 30), tick=False):
        tasks.weekly_summaries()
        tasks.weekly_summaries()
        client.force_login(supervisor)
        client.get(reverse("tickets:weekly"))
        # Session, user, projects, unfinished orders, old complaints, the user's roles.
        with django_assert_num_queries(6):
            html = client.get(reverse("tickets:weekly")).content.decode()
    summary = Notification.objects.get(user=manager, topic=Topic.SUMMARY)
    assert "2026-W49" in summary.title and " 2 " in summary.title
    to_supervisor = Notification.objects.get(user=supervisor, topic=Topic.SUMMARY)
    assert old.serial in to_supervisor.body and recent.serial not in to_supervisor.body
    complaints_part = html[html.index('id="complaints"') : html.index('id="unfinished"')]
    assert old.serial in complaints_part and recent.serial not in complaints_part
    assert recent.serial in html[html.index('id="unfinished"') :]
    with time_machine.travel(at(12, 7, 8, 30), tick=False):
        tasks.weekly_summaries()
    assert Notification.objects.filter(user=manager, topic=Topic.SUMMARY).count() == 2


def test_catch_up_issues_a_missed_27th_once(household, desk_user, supervisor, project):
    """Beat missed the 27th: the next run issues every complete period still missing, once;
    run again it issues nothing; the next 27th issues the next period."""
    Project.objects.filter(pk=project.pk).update(created_at=at(10, 1, 9))
    with time_machine.travel(at(11, 10, 9), tick=False):
        register(
            household=household,
            by=desk_user,
            kind="complaint",
            matter="绿化带垃圾",
            complaint={"category": "greening", "reason": "service_quality"},
        )
    with time_machine.travel(at(11, 28, 10), tick=False):
        assert tasks.complaint_reports() == [f"{project.pk}:2026-10", f"{project.pk}:2026-11"]
        assert tasks.complaint_reports() == []
    november = ComplaintReport.objects.get(project=project, period="2026-11")
    assert november.figures["summary"]["total"] == 1
    assert ComplaintReport.objects.filter(project=project).count() == 2
    # One notice for the catch-up: the latest period's.
    notices = Notification.objects.filter(user=supervisor, topic=Topic.REPORT_READY)
    assert [n.url.endswith(f"2026-11/?project={project.pk}") for n in notices] == [True]
    with time_machine.travel(at(12, 27, 0, 5), tick=False):
        assert tasks.complaint_reports() == [f"{project.pk}:2026-12"]
    assert list(
        ComplaintReport.objects.filter(project=project)
        .order_by("period")
        .values_list("period", flat=True)
    ) == ["2026-10", "2026-11", "2026-12"]


def test_beat_schedule_names_real_tasks_on_the_27th():
    """Every beat entry names a registered task; the statistics run on the 27th."""
    schedule = settings.CELERY_BEAT_SCHEDULE
    # As a worker starts: every app's tasks module imported (not only those a test touched).
    app.loader.import_default_modules()
    assert core_tasks.sweep_deadlines.name in app.tasks
    missing = [entry["task"] for entry in schedule.values() if entry["task"] not in app.tasks]
    assert missing == []
    monthly = schedule["complaint-statistics-27th"]["schedule"]
    assert isinstance(monthly, crontab) and monthly.day_of_month == {27}
    assert schedule["weekly-summaries"]["schedule"].day_of_week == {1}
