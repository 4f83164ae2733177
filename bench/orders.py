"""The work-order measurements: every order screen served beside its floor, and the jobs.

Imported by `bench/run.py` (MEASUREMENT_MODULES). The pages and lists are
served measurements (`bench/served.py`): gunicorn, production settings, a real
HTTP client, each request beside its floor. The jobs (the deadline sweep, the
monthly complaint statistics, the weekly and end-of-day jobs) run in the
benchmark's process as a Celery worker runs them, inside a transaction that is
rolled back, so that the dataset is the same for the next run.

Sample inputs are read from the dataset by SQL when a measurement is prepared.
"""

from __future__ import annotations

import datetime as dt
import json
import threading
import time
import urllib.parse
from dataclasses import dataclass, field
from typing import Any

from django.db import connection

from . import dataset, orders_dataset
from .measurements import Context, measurement
from .served import Budget, Pair, Request, Server, floor, served

LIST_GROUP = "orders: pages and lists"
REPORT_GROUP = "orders: reports"
PRINT_GROUP = "orders: printing"
JOB_GROUP = "orders: jobs"
SAMPLES = 10
DEEP_ROWS = 10_000
NEWLY_DUE = 100  # deadlines the sweep measurement makes due before each sweep
MONTH = "2026-10"  # the measured month of the month-end register: about 20,000 orders

REGISTER_PAGE = Budget(median_ms=200, queries=12)
REGISTER_CSV = Budget(median_ms=3000)
REPORTED = Budget()
ONE_PDF = Budget(median_ms=250)
RUN_OF_FIFTY = Budget(median_ms=2000)


# --- Dataset: the complaint statistics issued so far --------------------------------------------


def _issue_time() -> dt.datetime:
    """Just after the measured month's period began: every period before it is complete."""
    from tickets.statistics import period_bounds

    return period_bounds(MONTH)[0] + dt.timedelta(hours=2)


def _reports_issued() -> bool:
    from frontdesk.core.models import Project
    from tickets.models import ComplaintReport
    from tickets.statistics import last_complete_period

    projects = Project.objects.filter(code__in=orders_dataset._bench_projects())
    last = last_complete_period(_issue_time())
    issued = ComplaintReport.objects.filter(project__in=projects, period=last).count()
    return issued == projects.count() > 0


def _issue_reports(log: Any) -> None:
    """Issue every complete period before the measured month, as the 27th's job would have
    on a desk that has run for two years: the trend of a report reads them."""
    from tickets.statistics import complaint_reports_catch_up

    issued = complaint_reports_catch_up(now=_issue_time())
    log(f"  {len(issued)} monthly complaint reports issued")


dataset.PARTS.append(dataset.Part("complaint reports", _reports_issued, _issue_reports))


def _column(sql: str, args: list[Any]) -> list[Any]:
    with connection.cursor() as cursor:
        cursor.execute(sql, args)
        return [row[0] for row in cursor.fetchall()]


@dataclass
class OrderSamples:
    """Sample inputs of the measured project, read once."""

    project: int
    orders: list[int] = field(default_factory=list)
    serials: list[str] = field(default_factory=list)
    units: list[str] = field(default_factory=list)
    phones: list[str] = field(default_factory=list)
    deep_ids: list[int] = field(default_factory=list)  # the id DEEP_ROWS down the list
    household: int = 0

    @classmethod
    def read(cls, project: int) -> OrderSamples:
        s = cls(project)
        total = _column("SELECT count(*) FROM tickets_ticket WHERE project_id = %s", [project])[0]
        # Spread over the project's history, newest first.
        step = max(1, total // SAMPLES)
        s.orders = _column(
            "SELECT id FROM (SELECT id, row_number() OVER (ORDER BY id DESC) n "
            "FROM tickets_ticket WHERE project_id = %s) x WHERE n %% %s = 1 LIMIT %s",
            [project, step, SAMPLES],
        )
        s.serials = _column(
            "SELECT serial FROM tickets_ticket WHERE id = ANY(%s) ORDER BY id DESC", [s.orders]
        )
        s.units = _column(
            "SELECT u.code FROM tickets_ticket t JOIN residents_household h "
            "ON h.id = t.household_id JOIN residents_unit u ON u.id = h.unit_id "
            "WHERE t.project_id = %s AND t.id <= %s ORDER BY t.id DESC LIMIT %s",
            [project, s.orders[-1] if s.orders else 0, SAMPLES],
        )
        s.phones = _column(
            "SELECT reporter_phone FROM tickets_ticket WHERE project_id = %s "
            "AND reporter_phone <> '' AND id <= %s ORDER BY id DESC LIMIT %s",
            [project, s.orders[-1] if s.orders else 0, SAMPLES],
        )
        # DEEP_ROWS down the list (half-way down a smaller dataset).
        s.deep_ids = _column(
            "SELECT id FROM tickets_ticket WHERE project_id = %s ORDER BY id DESC "
            "OFFSET %s LIMIT 1",
            [project, min(DEEP_ROWS, total // 2)],
        )
        finder = getattr(orders_dataset, "household_with_fifty_orders", None)
        s.household = (
            finder().pk
            if finder
            else _column(
                "SELECT household_id FROM tickets_ticket WHERE project_id = %s "
                "AND household_id IS NOT NULL GROUP BY 1 ORDER BY count(*) DESC LIMIT 1",
                [project],
            )[0]
        )
        if not (s.orders and s.serials and s.units and s.deep_ids):
            raise RuntimeError("the orders part of the dataset is not loaded")
        return s

    def pick(self, values: list[Any], i: int) -> Any:
        return values[i % len(values)]


def _samples(ctx: Any) -> OrderSamples:
    cached = getattr(ctx, "_order_samples", None)
    if cached is None:
        cached = OrderSamples.read(ctx.dataset.project.pk)
        ctx._order_samples = cached
    return cached


def _cursor(before_id: int) -> str:
    """The API's cursor for the page after order `before_id`, newest first, as the API signs
    it in a `next` link (the server shares the benchmark's secret key)."""
    from django.core import signing

    from frontdesk.core.api.pagination import CURSOR_SALT, DeskCursorPagination

    ordering = DeskCursorPagination.ordering
    payload = {
        "o": 0,
        "r": False,
        "p": str(before_id),
        "k": [ordering] if isinstance(ordering, str) else list(ordering),
    }
    return signing.dumps(payload, salt=CURSOR_SALT, compress=False)


def _queue(ctx: Any, query: str, **floor_params: Any) -> Any:
    s = _samples(ctx)

    def pair(i: int) -> Pair:
        q = query.format(serial=s.pick(s.serials, i), unit=s.pick(s.units, i))
        f = {
            k: v.format(serial=s.pick(s.serials, i), unit=s.pick(s.units, i))
            for k, v in floor_params.items()
        }
        return Pair(Request(f"/tickets/{q}"), floor("orders.html", project=s.project, **f))

    return pair


# --- Pages and lists ----------------------------------------------------------------------------


@served("queue page /tickets/", group=LIST_GROUP)
def queue_all(ctx: Any) -> Any:
    return _queue(ctx, "")


@served("queue page ?kind=complaint", group=LIST_GROUP)
def queue_kind(ctx: Any) -> Any:
    return _queue(ctx, "?kind=complaint", kind="complaint")


@served("queue page ?status=dispatched", group=LIST_GROUP)
def queue_status(ctx: Any) -> Any:
    return _queue(ctx, "?status=dispatched", status="dispatched")


@served("queue page ?overdue=yes", group=LIST_GROUP)
def queue_overdue(ctx: Any) -> Any:
    return _queue(ctx, "?overdue=yes", overdue="1")


@served("queue page ?q=<serial>", group=LIST_GROUP)
def queue_serial(ctx: Any) -> Any:
    return _queue(ctx, "?q={serial}", serial="{serial}")


@served("queue page ?q=<unit>", group=LIST_GROUP)
def queue_unit(ctx: Any) -> Any:
    return _queue(ctx, "?q={unit}", unit="{unit}")


@served("queue page ?q=<phone>", group=LIST_GROUP)
def queue_phone(ctx: Any) -> Any:
    s = _samples(ctx)
    if not s.phones:
        raise RuntimeError("no order of the samples has a reporter's phone")

    def pair(i: int) -> Pair:
        phone = s.pick(s.phones, i)
        return Pair(
            Request(f"/tickets/?q={phone}"), floor("orders.html", project=s.project, phone=phone)
        )

    return pair


def _api_list(ctx: Any, query: str = "", **floor_params: Any) -> Any:
    s = _samples(ctx)
    sep = "&" if query else ""

    def pair(i: int) -> Pair:
        return Pair(
            Request(f"/api/v1/tickets/?{query}", api=True),
            floor("orders.json", project=s.project, **floor_params),
        )

    del sep
    return pair


@served("API order list, first page", group=LIST_GROUP)
def api_first(ctx: Any) -> Any:
    return _api_list(ctx)


@served("API order list, 10,000 rows deep", group=LIST_GROUP)
def api_deep(ctx: Any) -> Any:
    s = _samples(ctx)
    before = s.deep_ids[0]

    def pair(i: int) -> Pair:
        return Pair(
            Request(f"/api/v1/tickets/?cursor={urllib.parse.quote(_cursor(before))}", api=True),
            floor("orders.json", project=s.project, before=before),
        )

    return pair


@served("API order list ?kind=complaint", group=LIST_GROUP)
def api_kind(ctx: Any) -> Any:
    return _api_list(ctx, "kind=complaint", kind="complaint")


@served("API order list ?status=dispatched", group=LIST_GROUP)
def api_status(ctx: Any) -> Any:
    return _api_list(ctx, "status=dispatched", status="dispatched")


@served("order page /tickets/<id>/", group=LIST_GROUP)
def order_page(ctx: Any) -> Any:
    s = _samples(ctx)

    def pair(i: int) -> Pair:
        pk = s.pick(s.orders, i)
        return Pair(Request(f"/tickets/{pk}/"), floor("order.html", id=pk))

    return pair


@served("API order /api/v1/tickets/<id>/", group=LIST_GROUP)
def api_order(ctx: Any) -> Any:
    s = _samples(ctx)

    def pair(i: int) -> Pair:
        pk = s.pick(s.orders, i)
        return Pair(Request(f"/api/v1/tickets/{pk}/", api=True), floor("order.json", id=pk))

    return pair


@served("callback queue /tickets/callbacks/", group=LIST_GROUP)
def callback_queue(ctx: Any) -> Any:
    s = _samples(ctx)
    return lambda i: Pair(
        Request("/tickets/callbacks/"), floor("callbacks.html", project=s.project)
    )


@served("household file with 50 orders", group=LIST_GROUP)
def household_file(ctx: Any) -> Any:
    s = _samples(ctx)
    return lambda i: Pair(
        Request(f"/households/{s.household}/"), floor("household.html", id=s.household)
    )


# --- Reports ----------------------------------------------------------------------------------


@served(f"month-end register {MONTH}, page", group=REPORT_GROUP, budget=REGISTER_PAGE)
def month_end_page(ctx: Any) -> Any:
    s = _samples(ctx)
    return lambda i: Pair(
        Request(f"/tickets/month-end/?month={MONTH}&project={s.project}"),
        floor("month.html", project=s.project, month=MONTH),
    )


@served(f"month-end register {MONTH}, CSV", group=REPORT_GROUP, budget=REGISTER_CSV, reps=10)
def month_end_csv(ctx: Any) -> Any:
    s = _samples(ctx)
    return lambda i: Pair(
        Request(f"/tickets/month-end/?month={MONTH}&project={s.project}&format=csv"),
        floor("month.csv", project=s.project, month=MONTH),
    )


@served(f"month-end register {MONTH}, PDF", group=REPORT_GROUP, budget=REPORTED, reps=2, warmup=0)
def month_end_pdf(ctx: Any) -> Any:
    s = _samples(ctx)
    return lambda i: Pair(
        Request(f"/tickets/month-end/?month={MONTH}&project={s.project}&format=pdf"), None
    )


@served("weekly list /tickets/weekly/", group=REPORT_GROUP, budget=REPORTED)
def weekly_list(ctx: Any) -> Any:
    return lambda i: Pair(Request("/tickets/weekly/"), None)


@served("warranty report /tickets/warranty/", group=REPORT_GROUP, budget=REPORTED)
def warranty_report(ctx: Any) -> Any:
    day = orders_dataset_last_day()
    return lambda i: Pair(Request(f"/tickets/warranty/?date={day:%Y-%m-%d}"), None)


@served("complaint statistics page", group=REPORT_GROUP, budget=REPORTED)
def complaint_statistics_page(ctx: Any) -> Any:
    from tickets.models import ComplaintReport
    from tickets.statistics import complaint_report_issue

    s = _samples(ctx)
    period = MONTH
    if not ComplaintReport.objects.filter(project_id=s.project, period=period).exists():
        complaint_report_issue(project=ctx.dataset.project, period=period, by=ctx.dataset.user)
    return lambda i: Pair(
        Request(f"/tickets/reports/complaints/{period}/?project={s.project}"),
        floor("complaints.html", project=s.project, month=period),
    )


def orders_dataset_last_day() -> dt.date:
    from .dataset import LAST_DAY

    return LAST_DAY


# --- Printing ---------------------------------------------------------------------------------


@served("three-copy PDF of one order", group=PRINT_GROUP, budget=ONE_PDF, reps=20)
def one_pdf(ctx: Any) -> Any:
    s = _samples(ctx)
    return lambda i: Pair(Request(f"/tickets/{s.pick(s.orders, i)}/print/"), None)


@served("the day's run of 50 orders (PDF)", group=PRINT_GROUP, budget=RUN_OF_FIFTY, reps=5)
def day_run(ctx: Any) -> Any:
    s = _samples(ctx)
    return lambda i: Pair(Request(f"/tickets/print/today/?project={s.project}"), None)


# --- Order creation -------------------------------------------------------------------------


CREATION_CLIENTS = 8
CREATION_SECONDS = 20
CREATION_BUDGET_PER_SECOND = 200.0


def order_creation(
    server: Server, auth: dict[str, str], project: int, households: list[int], seconds: float
) -> dict[str, Any]:
    """Eight clients register orders through the API for `seconds`; then the serials of what
    they registered are checked for gaps and repeats."""
    stop = time.monotonic() + seconds
    created: list[int] = []
    failures: list[str] = []
    lock = threading.Lock()

    def client(number: int) -> None:
        i = number
        while time.monotonic() < stop:
            body = json.dumps(
                {
                    "kind": "repair",
                    "project": project,
                    "household": households[i % len(households)],
                    "matter": "厨房水龙头漏水",
                    "address_confirmed": True,
                }
            ).encode()
            status, _, _, _ = server.send(
                Request("/api/v1/tickets/", method="POST", body=body, api=True), auth
            )
            with lock:
                if status == 201:
                    created.append(1)
                elif len(failures) < 5:
                    failures.append(str(status))
            i += CREATION_CLIENTS

    with connection.cursor() as cursor:
        cursor.execute("SELECT coalesce(max(id), 0) FROM tickets_ticket")
        first = cursor.fetchone()[0]
    started = time.monotonic()
    threads = [threading.Thread(target=client, args=(n,)) for n in range(CREATION_CLIENTS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - started
    gaps = serial_gaps(project)
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM tickets_ticket WHERE id > %s", [first])
        stored = cursor.fetchone()[0]
    per_second = len(created) / elapsed
    return {
        "clients": CREATION_CLIENTS,
        "seconds": round(elapsed, 1),
        "orders": len(created),
        "stored": stored,
        "per_second": round(per_second, 1),
        "failures": failures,
        "gaps": gaps,
        "verdict": (
            "PASS"
            if per_second >= CREATION_BUDGET_PER_SECOND
            and not gaps
            and not failures
            and stored == len(created)
            else "FAIL"
        ),
    }


def serial_gaps(project: int) -> list[str]:
    """Serial sequences of the project (prefix per kind and year) that skip or repeat a number."""
    sql = """
        SELECT prefix, count(*), count(DISTINCT n), min(n), max(n) FROM (
          SELECT regexp_replace(serial, '-?[0-9]+$', '') AS prefix,
                 substring(serial from '([0-9]+)$')::int AS n
          FROM tickets_ticket WHERE project_id = %s
        ) s GROUP BY prefix
    """
    with connection.cursor() as cursor:
        cursor.execute(sql, [project])
        return [
            f"{prefix}: {count} orders numbered {low}..{high}"
            for prefix, count, distinct, low, high in cursor.fetchall()
            if not (count == distinct == high - low + 1 and low == 1)
        ]


# --- Jobs (in the benchmark's process, rolled back) --------------------------------------------


def _sweep_at() -> dt.datetime:
    return getattr(orders_dataset, "SWEEP_AT", None) or dt.datetime(2026, 11, 20, 10, tzinfo=dt.UTC)


@measurement(
    "sweep: 30,000 open deadlines, 100 newly due", group=JOB_GROUP, budget_ms=200, reps=10,
    warmup=1,
)  # fmt: skip
def sweep(ctx: Context) -> Any:
    from frontdesk.core.deadlines import deadline_sweep
    from frontdesk.core.models import Deadline

    at = _sweep_at()
    open_ids = list(
        Deadline.objects.filter(state="open").order_by("id").values_list("id", flat=True)
    )
    if not open_ids:
        raise RuntimeError("no open deadline in the dataset")

    calls = iter(range(10**6))

    def call(i: int) -> Any:
        # Each call makes another 100 deadlines newly due (their due moment just passed),
        # then sweeps: the sweep finds those 100 among all the open ones.
        start = (next(calls) * NEWLY_DUE) % len(open_ids)
        chosen = open_ids[start : start + NEWLY_DUE]
        due = at - dt.timedelta(minutes=1)
        Deadline.objects.filter(id__in=chosen).update(due_at=due, next_action_at=due)
        return deadline_sweep(now=at)

    return call


@measurement("complaint statistics of one project", group=JOB_GROUP, budget_ms=300, reps=10)
def statistics_one(ctx: Context) -> Any:
    from tickets.statistics import compute_figures

    project = ctx.dataset.project.pk
    return lambda i: compute_figures(project_id=project, period=MONTH)


@measurement(
    "complaint statistics of all 20 projects", group=JOB_GROUP, budget_ms=2000, reps=3, warmup=1
)
def statistics_all(ctx: Context) -> Any:
    from frontdesk.core.models import Project
    from tickets.statistics import compute_figures

    projects = list(Project.objects.order_by("id").values_list("id", flat=True))

    def call(i: int) -> Any:
        return [compute_figures(project_id=p, period=MONTH) for p in projects]

    return call


@measurement("weekly job (summaries)", group=JOB_GROUP, budget_ms=5000, reps=3, warmup=1)
def weekly_job(ctx: Context) -> Any:
    from tickets.jobs import weekly_summaries

    day = orders_dataset_last_day()
    weeks = iter(range(10**6))

    def call(i: int) -> Any:
        # A week's summaries are sent once: each call is a week later (none is a no-op).
        later = day + dt.timedelta(weeks=next(weeks))
        return weekly_summaries(day=later, now=_sweep_at() + (later - day))

    return call


@measurement(
    "end-of-day job (unreturned orders)", group=JOB_GROUP, budget_ms=5000, reps=3, warmup=1
)
def end_of_day_job(ctx: Context) -> Any:
    from tickets.jobs import end_of_day_unreturned

    day = orders_dataset_last_day()
    days = iter(range(10**6))

    def call(i: int) -> Any:
        # A day's list is sent once: each call is the next day.
        later = day + dt.timedelta(days=next(days))
        return end_of_day_unreturned(day=later, now=_sweep_at() + (later - day))

    return call


# --- The served run ---------------------------------------------------------------------------


def _auth(ctx: Any) -> dict[str, str]:
    """The desk user's session cookie (pages) and a fresh API token (API)."""
    from django.conf import settings
    from django.test import Client
    from rest_framework.authtoken.models import Token

    client = Client()
    client.force_login(ctx.dataset.user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
    Token.objects.filter(user=ctx.dataset.user).delete()
    token = Token.objects.create(user=ctx.dataset.user)
    return {"cookie": f"{settings.SESSION_COOKIE_NAME}={cookie}", "token": f"Token {token.key}"}


def served_run(ctx: Any, *, reps: int, warmup: int, only: str | None, log: Any) -> dict[str, Any]:
    """Start gunicorn, run every served measurement and the order creation; return the figures."""
    from django.conf import settings

    from .served import SERVED, measure

    database_url = _database_url()
    auth = _auth(ctx)
    results = []
    creation = None
    with Server(database_url, secret_key=settings.SECRET_KEY) as server:
        chosen = [m for m in SERVED if not only or only.lower() in m.name.lower()]

        def run(measurements: list[Any]) -> None:
            for m in measurements:
                result = measure(m, ctx, server, auth, reps, warmup)
                results.append(result)
                log(_served_line(result))

        run([m for m in chosen if m.group != PRINT_GROUP])
        # The day's print run prints the day's orders: those registered by the creation run.
        if not only or only.lower() in "order creation":
            s = _samples(ctx)
            households = _column(
                "SELECT id FROM residents_household WHERE project_id = %s "
                "AND moved_out_on IS NULL ORDER BY id LIMIT 200",
                [s.project],
            )
            creation = order_creation(server, auth, s.project, households, CREATION_SECONDS)
            log(
                f"{creation['verdict']}  order creation, {CREATION_CLIENTS} clients: "
                f"{creation['per_second']} orders/s ({creation['orders']} in "
                f"{creation['seconds']} s), serial gaps: {creation['gaps'] or 'none'}"
            )
        run([m for m in chosen if m.group == PRINT_GROUP])
    return {"served": results, "creation": creation}


def _database_url() -> str:
    import os

    from .run import DEFAULT_DATABASE_URL

    return os.environ.get("DATABASE_URL", DEFAULT_DATABASE_URL)


def _served_line(r: Any) -> str:
    if r.median_ms is None:
        return f"FAIL  {r.name}: {r.note}"
    floor_part = f", floor {r.floor_median_ms:.1f} ms ({r.ratio:.1f}×)" if r.floor_median_ms else ""
    misses = f"  [{'; '.join(r.misses)}]" if r.misses else ""
    return (
        f"{r.verdict}  {r.name}: median {r.median_ms:.1f} ms, p95 {r.p95_ms:.1f} ms"
        f"{floor_part}, {r.queries} queries, {r.bytes:,} bytes{misses}"
    )
