"""The periodic jobs, reports and prints of the orders cost a fixed number of queries, whatever
the number of orders, deadlines or callbacks behind them, and give the same answers as before.

Each query-count test runs the same work on a few rows and on many and asserts the same count:
a loop that queries per row would show up as a difference.
"""

import csv
import datetime as dt
import io
import zoneinfo

import time_machine
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.models import (
    Case,
    Count,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Q,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from frontdesk.core.deadlines import deadline_open, deadline_sweep
from frontdesk.core.models import Deadline, DeadlineEvent, DeadlineState, Notification
from tests.factories import HouseholdFactory
from tests.tickets.factories import register
from tests.tickets.test_callback_queue import _households, _returned
from tests.tickets.test_statistics import PERIOD, fixture_orders  # noqa: F401 (a fixture)
from tickets import callbacks, printing, services, statistics
from tickets.choices import ComplaintCategory, TicketKind, TicketStatus
from tickets.models import Callback, ComplaintReport, Ticket

SH = zoneinfo.ZoneInfo("Asia/Shanghai")


def at(*args):
    return dt.datetime(*args, tzinfo=SH)


# --- The deadline sweep -------------------------------------------------------------------


def _promises(project, desk_user, n):
    """`n` commitments to residents of `project`, made on Monday 2026-11-23 at 09:00 (due
    09:30), each on its own household."""
    for _ in range(n):
        deadline_open(
            subject=HouseholdFactory(unit__building__project=project, project=project),
            project=project,
            kind="commitment.general",
            start=at(2026, 11, 23, 9, 0),
            responsible=desk_user,
        )


def test_sweep_costs_the_same_queries_for_5_and_50_due_deadlines(
    project, desk_user, supervisor, engineer
):
    """5 or 50 broken promises (each breached and escalated to the supervisors in the same
    sweep) cost the sweep exactly the same queries; every one notifies its clerk and the
    supervisor, and each stage is recorded once."""
    from tests.factories import UserFactory

    UserFactory(role="manager", projects=[project])
    counts = []
    for n in (5, 50):
        _promises(project, desk_user, n)
        with CaptureQueriesContext(connection) as queries:
            # 11:00: past the breach (09:30) and the first escalation (10:30), not the second.
            result = deadline_sweep(now=at(2026, 11, 23, 11, 0))
        counts.append(len(queries))
        assert result.deadlines == n
        assert result.events == 2 * n  # overdue + escalation 1, each once
        # The clerk (named) for the breach; the supervisor for the escalation.
        assert result.notifications == 2 * n
    assert counts[0] == counts[1], counts
    assert counts[0] <= 14, counts
    assert Notification.objects.filter(user=desk_user).count() == 55
    assert Notification.objects.filter(user=supervisor).count() == 55


def test_sweep_acts_on_each_stage_once_even_when_an_event_exists_already(project, desk_user):
    """A stage whose event row exists already (an overlapping sweep acted first) is passed over
    without a notice, the others of the batch are acted on, and sweeping again does nothing."""
    _promises(project, desk_user, 3)
    first = Deadline.objects.order_by("id").first()
    DeadlineEvent.objects.create(
        deadline=first,
        stage="overdue",
        scheduled_at=first.due_at,
        acted_at=at(2026, 11, 23, 9, 45),
        notified=1,
    )
    result = deadline_sweep(now=at(2026, 11, 23, 10, 0))
    assert result.deadlines == 3 and result.events == 2 and result.notifications == 2
    assert DeadlineEvent.objects.filter(stage="overdue").count() == 3
    first.refresh_from_db()
    assert first.stage == 2 and first.next_action_at > at(2026, 11, 23, 10, 0)
    again = deadline_sweep(now=at(2026, 11, 23, 10, 0))
    assert (again.deadlines, again.events, again.notifications) == (0, 0, 0)


# --- The monthly complaint statistics -------------------------------------------------------


def _figures_one_period_at_a_time(project_id, period):
    """The statistics as they were computed before (one query per period and per figure),
    kept here to prove the one-pass computation gives the same report."""
    subject_type = ContentType.objects.get_for_model(Ticket, for_concrete_model=False)

    def complaints(name):
        start, end = statistics.period_bounds(name)
        return Ticket.objects.filter(
            project_id=project_id,
            kind=TicketKind.COMPLAINT,
            created_at__gte=start,
            created_at__lt=end,
        ).exclude(status=TicketStatus.VOIDED)

    def last_satisfaction():
        return Subquery(
            Callback.objects.filter(ticket=OuterRef("pk"), reached=True)
            .order_by("-at", "-id")
            .values("satisfaction")[:1]
        )

    def summary(name):
        on_time = Exists(
            Deadline.objects.filter(
                subject_type=subject_type,
                subject_id=OuterRef("pk"),
                kind="complaint.answer",
                state=DeadlineState.MET,
                met_at__lte=F("due_at"),
            )
        )
        t = (
            complaints(name)
            .annotate(
                last=last_satisfaction(),
                on_time=Case(
                    When(on_time, then=Value(1)), default=Value(0), output_field=IntegerField()
                ),
            )
            .aggregate(
                total=Count("id"),
                valid=Count("id", filter=Q(complaint__valid=True)),
                invalid=Count("id", filter=Q(complaint__valid=False)),
                called_back=Count("id", filter=Q(last__isnull=False)),
                satisfied=Count("id", filter=Q(last__in=statistics.SATISFIED)),
                answered_on_time=Coalesce(Sum("on_time"), 0),
            )
        )
        return statistics._summary_of(name, t)

    def categories(name):
        rows = complaints(name).values("complaint__category").annotate(n=Count("id"))
        return {r["complaint__category"]: r["n"] for r in rows if r["complaint__category"]}

    def households(name):
        rows = (
            complaints(name)
            .filter(household__isnull=False)
            .values("household_id", "household__unit__code")
            .annotate(n=Count("id"))
        )
        return {r["household_id"]: (r["household__unit__code"], r["n"]) for r in rows}

    def callbacks_by(group):
        start, end = statistics.period_bounds(period)
        qs = (
            Ticket.objects.filter(
                project_id=project_id, returned_at__gte=start, returned_at__lt=end
            )
            .exclude(status=TicketStatus.VOIDED)
            .annotate(last=last_satisfaction())
        )
        if group == "butler":
            qs = qs.filter(kind=TicketKind.COMPLAINT, complaint__butler__isnull=False)
            keys = ("complaint__butler_id", "complaint__butler__username")
        else:
            qs = qs.exclude(kind=TicketKind.COMPLAINT)
            keys = ("department",)
        rows = (
            qs.values(*keys)
            .annotate(
                returned=Count("id"),
                called_back=Count("id", filter=Q(last__isnull=False)),
                satisfied=Count("id", filter=Q(last__in=statistics.SATISFIED)),
            )
            .order_by(*keys)
        )
        found = []
        for row in rows:
            item = statistics._callback_item(row["returned"], row["called_back"], row["satisfied"])
            if group == "butler":
                item["butler"] = row["complaint__butler__username"]
            else:
                item["department"] = row["department"]
            found.append(item)
        return found

    previous = statistics.period_before(period)
    now, before = categories(period), categories(previous)
    homes, homes_before = households(period), households(previous)
    earlier = [statistics.period_before(period, n) for n in range(11, 0, -1)]
    issued = {
        r.period: r.figures.get("summary")
        for r in ComplaintReport.objects.filter(project_id=project_id, period__in=earlier)
    }
    this = summary(period)
    return {
        "summary": this,
        "categories": [now.get(c, 0) for c in ComplaintCategory.values],
        "rising_categories": [
            c
            for c in ComplaintCategory.values
            if now.get(c, 0) >= 2 and now.get(c, 0) > before.get(c, 0)
        ],
        "rising_households": sorted(
            (code, n, homes_before.get(h, ("", 0))[1])
            for h, (code, n) in homes.items()
            if n >= 2 and n > homes_before.get(h, ("", 0))[1]
        ),
        "callbacks_by_department": callbacks_by("department"),
        "callbacks_by_butler": callbacks_by("butler"),
        "trend": [statistics._trend_point(issued.get(name) or summary(name)) for name in earlier]
        + [statistics._trend_point(this)],
    }


def _comparable(figures):
    return {
        "summary": figures["summary"],
        "categories": [row["count"] for row in figures["categories"]],
        "rising_categories": [row["category"] for row in figures["rising_categories"]],
        "rising_households": sorted(
            (row["unit"], row["count"], row["previous"]) for row in figures["rising_households"]
        ),
        "callbacks_by_department": figures["callbacks_by_department"],
        "callbacks_by_butler": figures["callbacks_by_butler"],
        "trend": figures["trend"],
    }


def _more_complaints(household, desk_user, n):
    """`n` more complaints in the period, across its days, marked with different categories."""
    codes = ComplaintCategory.values
    for i in range(n):
        with time_machine.travel(at(2026, 11, 2 + i % 20, 10), tick=False):
            register(
                household=household,
                by=desk_user,
                kind="complaint",
                matter=f"投诉 {i}",
                complaint={"category": codes[i % len(codes)], "reason": "service_quality"},
            )


def test_statistics_equal_the_period_by_period_computation(
    fixture_orders,  # noqa: F811
    project,
    household,
    desk_user,
):
    """On the hand-counted fixture, and again with an earlier period issued (the trend takes
    its frozen figures) and more complaints added, the one-pass figures equal those of the
    period-by-period computation they replace."""
    assert _comparable(
        statistics.compute_figures(project_id=project.pk, period=PERIOD)
    ) == _figures_one_period_at_a_time(project.pk, PERIOD)
    statistics.complaint_report_issue(
        project=project, period=statistics.period_before(PERIOD), now=at(2026, 12, 1, 9)
    )
    _more_complaints(household, desk_user, 12)
    assert _comparable(
        statistics.compute_figures(project_id=project.pk, period=PERIOD)
    ) == _figures_one_period_at_a_time(project.pk, PERIOD)


def test_statistics_cost_the_same_queries_for_few_and_many_orders(
    fixture_orders,  # noqa: F811
    project,
    household,
    desk_user,
    django_assert_num_queries,
):
    """The figures of a period cost six queries with the fixture's ten complaints and with
    thirty more (the old computation took one per earlier period of the trend besides)."""
    statistics.compute_figures(project_id=project.pk, period=PERIOD)  # content types cached
    with django_assert_num_queries(6):
        statistics.compute_figures(project_id=project.pk, period=PERIOD)
    _more_complaints(household, desk_user, 30)
    with django_assert_num_queries(6):
        figures = statistics.compute_figures(project_id=project.pk, period=PERIOD)
    assert figures["summary"]["total"] == 36


# --- The month-end register -------------------------------------------------------------------


def _clones(ticket, n, *, start=0):
    """`n` copies of an order with their own serials, saved in one statement (a month of
    thousands of orders without registering each)."""
    fields = [f for f in Ticket._meta.concrete_fields if not f.primary_key]
    rows = []
    for i in range(start, start + n):
        copy = Ticket(**{f.attname: getattr(ticket, f.attname) for f in fields})
        copy.serial = f"WX-2026-{900000 + i:06d}"
        copy.matter = f"批量 {i}"
        rows.append(copy)
    Ticket.objects.bulk_create(rows, batch_size=1000)


def _csv_rows(response):
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text)))


def test_register_page_is_paginated_and_the_csv_carries_every_row_of_a_big_month(
    client, desk_user, household, django_assert_max_num_queries
):
    """A month of 5,101 orders (more than the 5,000 rows the page used to stop at): the page
    shows 200 of them and says the month's full count, costing the same queries as a month
    of 3, and the CSV holds all 5,101 rows."""
    from tickets.views import orders

    with time_machine.travel(at(2026, 11, 5, 10), tick=False):
        first = register(household=household, by=desk_user, matter="第一单")
        _clones(first, 2)
    client.force_login(desk_user)
    url = reverse("tickets:month-end") + "?month=2026-11"
    with CaptureQueriesContext(connection) as small:
        page = client.get(url)
    assert page.context["count"] == 3 and page.context["pages"] == 1
    with time_machine.travel(at(2026, 11, 6, 10), tick=False):
        _clones(first, 5098, start=2)
    with CaptureQueriesContext(connection) as big:
        page = client.get(url + "&page=2")
    assert page.context["count"] == 5101
    assert page.context["pages"] == -(-5101 // orders.REGISTER_PAGE_SIZE)
    assert sum(len(g["rows"]) for g in page.context["groups"]) == orders.REGISTER_PAGE_SIZE
    assert page.context["first"] == orders.REGISTER_PAGE_SIZE + 1
    assert len(big) == len(small), [q["sql"][:80] for q in big.captured_queries]
    with django_assert_max_num_queries(12):
        rows = _csv_rows(client.get(url + "&format=csv"))[1:]
    assert len(rows) == 5101
    assert len({r[1] for r in rows}) == 5101


def test_register_pdf_prints_a_bounded_part_and_names_the_others(client, desk_user, household):
    """With parts of two rows, a month of three orders prints as part 1 of 2 (two orders) and
    part 2 of 2 (the third); the page links both parts."""
    from pypdf import PdfReader

    from tickets.views import orders

    with time_machine.travel(at(2026, 11, 5, 10), tick=False):
        tickets = [register(household=household, by=desk_user, matter=f"报修{i}") for i in range(3)]
    client.force_login(desk_user)
    url = reverse("tickets:month-end") + "?month=2026-11"
    saved = orders.REGISTER_PDF_ROWS
    orders.REGISTER_PDF_ROWS = 2
    try:
        html = client.get(url).content.decode()
        parts = [
            "".join(
                p.extract_text()
                for p in PdfReader(
                    io.BytesIO(client.get(url + f"&format=pdf&part={n}").content)
                ).pages
            )
            for n in (1, 2)
        ]
    finally:
        orders.REGISTER_PDF_ROWS = saved
    assert "format=pdf&amp;part=2" in html
    serials = [t.serial for t in tickets]
    assert [sum(s in text for s in serials) for text in parts] == [2, 1]


# --- The day's print run ---------------------------------------------------------------------


def test_print_run_takes_todays_unprinted_orders_not_the_oldest_open_ones(desk_user, household):
    """With old orders still open from 2021, the day's run takes today's orders that are not
    printed yet, in serial order, at most a run's size, and says how many remain; printing
    them makes the next run take the next ones."""
    with time_machine.travel(at(2021, 3, 1, 9), tick=False):
        old = [register(household=household, by=desk_user, matter=f"旧单{i}") for i in range(3)]
    with time_machine.travel(at(2026, 11, 23, 9), tick=False):
        today = [register(household=household, by=desk_user, matter=f"今日{i}") for i in range(5)]
        services.tickets_record_print(tickets=[today[0]], by=desk_user)
        run = printing.print_run(user=desk_user, project_id=None, day=dt.date(2026, 11, 23), size=3)
        assert [t.serial for t in run.tickets] == sorted(t.serial for t in today[1:4])
        assert not {t.pk for t in old} & {t.pk for t in run.tickets}
        assert (run.first, run.last, run.total, run.remaining) == (1, 3, 4, 1)
        services.tickets_record_print(tickets=run.tickets, by=desk_user)
        following = printing.print_run(
            user=desk_user, project_id=None, day=dt.date(2026, 11, 23), size=3
        )
        assert [t.pk for t in following.tickets] == [today[4].pk]
        assert following.remaining == 0
        backlog = printing.print_run(
            user=desk_user, project_id=None, day=dt.date(2026, 11, 23), which="backlog", size=3
        )
        assert [t.pk for t in backlog.tickets] == [t.pk for t in old]


def test_print_run_page_says_how_many_remain_in_fixed_queries(
    client, desk_user, household, project, monkeypatch
):
    """The day's run printed from the page holds at most a run's size of orders, says on its
    first sheet and in a header how many remain, and costs the same queries for a run of 2 as
    for a run of 6."""
    from pypdf import PdfReader

    monkeypatch.setattr(printing, "PRINT_RUN_SIZE", 2)
    client.force_login(desk_user)
    url = reverse("tickets:print-today") + f"?project={project.pk}"
    counts = []
    for size, n in ((2, 3), (6, 9)):
        monkeypatch.setattr(printing, "PRINT_RUN_SIZE", size)
        for i in range(n):
            register(household=household, by=desk_user, matter=f"报修{size}-{i}")
        with CaptureQueriesContext(connection) as queries:
            response = client.post(url)
        counts.append(len(queries))
        assert response["X-Print-Run-Remaining"] == str(n - size)
        text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(response.content)).pages)
        assert f"1–{size}" in text and str(n - size) in text
        # The rest of the day's unprinted orders go in the next run.
        while response.status_code == 200:
            response = client.post(url)
    assert counts[0] == counts[1], counts


# --- The callback queue ----------------------------------------------------------------------


def test_callback_queue_costs_the_same_queries_with_many_failed_calls(
    client, desk_user, engineer, building, django_assert_max_num_queries
):
    """A queue page costs the same queries (at most 12) with 2 orders waiting and with 6 that
    each have failed calls behind them, and shows each order's attempts."""
    homes = _households(building, 6)
    client.force_login(desk_user)
    counts = []
    tickets = []
    with time_machine.travel(at(2026, 11, 23, 9), tick=False):
        for batch in (homes[:2], homes[2:]):
            for home in batch:
                ticket = _returned(home, desk_user, engineer, at(2026, 11, 23, 8))
                tickets.append(ticket)
                for _ in range(len(tickets) % 3):
                    callbacks.callback_outcome(
                        ticket=ticket, outcome=callbacks.Outcome.UNREACHABLE, by=desk_user
                    )
            with django_assert_max_num_queries(12) as queries:
                page = client.get(reverse("tickets:callbacks"))
            counts.append(len(queries.captured_queries))
    assert counts[0] == counts[1], counts
    rows = {
        r.ticket.pk: r.attempts for key in ("due", "waiting", "given_up") for r in page.context[key]
    }
    assert rows == {t.pk: (i + 1) % 3 for i, t in enumerate(tickets)}


# --- The end-of-day and weekly jobs ---------------------------------------------------------


def test_end_of_day_and_weekly_jobs_cost_the_same_queries_for_few_and_many_orders(
    household, desk_user, engineer, supervisor, project
):
    """The end-of-day notice of orders not back and the weekly summaries cost the same
    queries with one open order as with thirty-one: their lists and counts are read per
    project, never per order."""
    from tests.factories import UserFactory
    from tickets import jobs

    UserFactory(role="manager", projects=[project])
    with time_machine.travel(at(2026, 11, 10, 9), tick=False):
        register(
            household=household,
            by=desk_user,
            kind="complaint",
            matter="电梯异响",
            complaint={"category": "engineering", "reason": "elevator"},
        )
    with time_machine.travel(at(2026, 11, 23, 9), tick=False):
        out = register(household=household, by=desk_user, matter="灯不亮")
        services.ticket_dispatch(ticket=out, by=desk_user, assignee=engineer)
    end_of_day, weekly = [], []
    for day, more in ((23, 0), (30, 30)):
        _clones(Ticket.objects.get(pk=out.pk), more, start=day * 100)
        with time_machine.travel(at(2026, 11, day, 18, 30), tick=False):
            with CaptureQueriesContext(connection) as queries:
                assert jobs.end_of_day_unreturned(day=dt.date(2026, 11, day)) == 1
            end_of_day.append(len(queries))
            with CaptureQueriesContext(connection) as queries:
                assert jobs.weekly_summaries(day=dt.date(2026, 11, day)) == 2
            weekly.append(len(queries))
    assert end_of_day[0] == end_of_day[1] and weekly[0] == weekly[1], (end_of_day, weekly)
    told = Notification.objects.filter(user=desk_user, topic=jobs.TOPIC_UNRETURNED)
    assert told.order_by("-id").first().title.startswith("31 ")
