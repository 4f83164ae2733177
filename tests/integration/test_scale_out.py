"""Scaled out: two web processes and two Celery workers on one PostgreSQL and one Redis.

As README.md's "Scaling out" describes a deployment past one machine: two
gunicorn processes on two loopback ports (two "hosts" behind a proxy, each
with a FRONTDESK_VAR_DIR of its own) and two `celery worker` processes with
hostnames of their own, all with the production settings, one SECRET_KEY,
the test's PostgreSQL database, Redis as the cache and Redis as the broker.
There is no beat: the test sends each scheduled task twice at the same
moment, as two beats started by mistake would, one copy to each worker.

The processes start once for the module and are always stopped (the whole
process groups) when it ends; each test writes its rows committed
(transactional), so the processes see them. Missing PostgreSQL or Redis
fails the tests: they never skip in CI.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.db import connection
from django.utils import timezone
from rest_framework.authtoken.models import Token

from frontdesk.celery import app as celery_app
from frontdesk.core.deadlines import deadline_open
from frontdesk.core.models import DeadlineEvent, Notification
from frontdesk.core.notifications import Topic
from frontdesk.core.roles import Role
from frontdesk.desk.services import TOPIC_UNSIGNED
from tests.conftest import IN_CI
from tests.factories import HouseholdFactory, ProjectFactory, UnitFactory, UserFactory
from tests.tickets.factories import register
from tickets import jobs, statistics
from tickets.models import ComplaintReport, JobRun, Ticket

from . import conftest as worker_setup

pytestmark = [pytest.mark.celery_worker, pytest.mark.postgres]

HOST = "desk.example.com"
PROXY_HEADERS = {"Host": HOST, "X-Forwarded-Proto": "https"}  # as the TLS proxy sends them
# One queue of its own per worker (besides the default one), so that each copy of a task
# sent twice lands on a different worker: the worst case of two beats.
WORKERS = ("scale-a", "scale-b")
DEFAULT_CACHE = "redis://127.0.0.1:6379/10"
THROTTLE = 3  # token requests per username and minute in the web processes


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _request(
    url: str,
    *,
    data: dict[str, Any] | None = None,
    form: dict[str, str] | None = None,
    headers: dict[str, str] | None = None,
) -> tuple[int, Any, Any]:
    """One request through the "proxy": (status, headers, body as JSON or text)."""
    body, extra = None, {}
    if data is not None:
        body, extra = json.dumps(data).encode(), {"Content-Type": "application/json"}
    elif form is not None:
        body = urllib.parse.urlencode(form).encode()
        extra = {"Content-Type": "application/x-www-form-urlencoded"}
    request = urllib.request.Request(  # noqa: S310 - loopback only
        url, data=body, headers={**PROXY_HEADERS, **extra, **(headers or {})}
    )
    opener = urllib.request.build_opener(_NoRedirect)
    try:
        with opener.open(request, timeout=30) as response:
            status, answer_headers, raw = response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        status, answer_headers, raw = error.code, error.headers, error.read()
    text = raw.decode(errors="replace")
    try:
        return status, answer_headers, json.loads(text)
    except ValueError:
        return status, answer_headers, text


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None  # a redirect is an answer to look at, not to follow


@dataclass
class Cluster:
    """Two gunicorn processes and two Celery workers of this checkout, on one database."""

    workdir: Path
    env: dict[str, str]
    web: list[str] = field(default_factory=list)  # base URLs
    processes: dict[str, subprocess.Popen[bytes]] = field(default_factory=dict)

    def spawn(self, name: str, command: list[str], **env: str) -> None:
        var = self.workdir / name
        var.mkdir()
        log = (self.workdir / f"{name}.log").open("wb")
        self.processes[name] = subprocess.Popen(  # noqa: S603 - our interpreter and arguments
            command,
            cwd=settings.BASE_DIR,
            # Each process a host of its own: nothing shared on disk but the code.
            env={**self.env, "FRONTDESK_VAR_DIR": str(var), "STATIC_ROOT": str(var / "s"), **env},
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # one process group: gunicorn's and the pool's children too
        )

    def log(self, name: str) -> str:
        return (self.workdir / f"{name}.log").read_text(errors="replace")

    def logs(self) -> str:
        return "\n".join(f"--- {n} ---\n{self.log(n)[-3000:]}" for n in self.processes)

    def wait_for(self, condition: Callable[[], Any], *, timeout: float, what: str) -> Any:
        """Poll until `condition()` is true, at most `timeout` seconds; fail if a process died."""
        deadline = time.monotonic() + timeout
        while True:
            value = condition()
            if value:
                return value
            for name, process in self.processes.items():
                if process.poll() is not None:
                    pytest.fail(f"{name} exited with {process.returncode}\n{self.logs()}")
            if time.monotonic() > deadline:
                pytest.fail(f"{what}: not within {timeout} s\n{self.logs()}")
            time.sleep(0.2)

    def ran(self, task_id: str) -> str | None:
        """The worker whose log shows `task_id` succeeded, if one does."""
        for name in WORKERS:
            if re.search(rf"\[{task_id}\] succeeded", self.log(name)):
                return name
        return None

    def stop(self) -> None:
        for process in self.processes.values():
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
        for process in self.processes.values():
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=5)


def _answers(url: str) -> bool:
    try:
        _request(url)
    except OSError:
        return False
    return True


@pytest.fixture(scope="module")
def cluster(django_db_setup, django_db_blocker, tmp_path_factory) -> Iterator[Cluster]:
    """Both web processes answering and both workers ready; stopped when the module ends."""
    if connection.vendor != "postgresql" and not IN_CI:
        pytest.skip("needs PostgreSQL: set DATABASE_URL")
    broker, cache = worker_setup.broker_url(), os.environ.get("REDIS_URL") or DEFAULT_CACHE
    worker_setup._require_redis(broker)
    worker_setup._require_redis(cache)
    with django_db_blocker.unblock():
        database = worker_setup.test_database_url()
    reads = {"DJANGO_SETTINGS_MODULE", "DEBUG", "SECRET_KEY", "DATABASE_URL", "MEDIA_ROOT"}
    env = {k: v for k, v in os.environ.items() if k not in reads}
    env.update(
        DJANGO_SETTINGS_MODULE="frontdesk.settings_production",
        # One key for every host: a session or a signed link made by one is good on all.
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS=HOST,
        DATABASE_URL=database,
        REDIS_URL=cache,
        CELERY_BROKER_URL=broker,
        CELERY_TASK_ALWAYS_EAGER="false",
        API_TOKEN_USERNAME_RATE=f"{THROTTLE}/min",
        EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend",
        LOG_LEVEL="WARNING",
        PYTHONPATH=str(settings.BASE_DIR),
    )
    group = tmp_path_factory.mktemp("scale")
    env["MEDIA_ROOT"] = str(group / "shared-media")  # the one folder all hosts mount
    started = Cluster(workdir=group, env=env)
    try:
        for name in ("web-a", "web-b"):
            port = _free_port()
            started.spawn(
                name,
                [sys.executable, "-m", "gunicorn", "frontdesk.wsgi:application",
                 "--bind", f"127.0.0.1:{port}", "--workers", "2", "--timeout", "60"],
            )  # fmt: skip
            started.web.append(f"http://127.0.0.1:{port}")
        for name in WORKERS:
            started.spawn(
                name,
                [sys.executable, "-m", "celery", "-A", "frontdesk", "worker",
                 "--loglevel", "INFO", "--concurrency", "2", "--queues", f"celery,{name}",
                 "--hostname", f"{name}-{uuid.uuid4().hex[:6]}@%h",
                 "--without-gossip", "--without-mingle"],
                LOG_LEVEL="INFO",
            )  # fmt: skip
        began = time.monotonic()
        for base in started.web:
            started.wait_for(lambda b=base: _answers(f"{b}/api/v1/tickets/"), timeout=90, what=base)
        for name in WORKERS:
            started.wait_for(lambda n=name: " ready." in started.log(n), timeout=90, what=name)
        print(f"\ncluster up in {time.monotonic() - began:.1f} s")
        yield started
    finally:
        started.stop()


# --- Web --------------------------------------------------------------------------------


def test_orders_registered_through_both_web_processes_get_serials_without_gap_or_repeat(
    cluster, transactional_db
):
    """8 clerks at once, 4 on each web process, register repairs alternately in two projects:
    every order is saved, both processes registered some, and each project's serials run
    1..n with no gap and no repeat."""
    east, west = ProjectFactory(code="east"), ProjectFactory(code="west")
    households = {
        p.pk: HouseholdFactory(unit=UnitFactory(building__project=p), project=p)
        for p in (east, west)
    }
    tokens = []
    for n in range(8):
        clerk = UserFactory(role=Role.DESK, projects=[east, west], username=f"clerk{n}")
        tokens.append(Token.objects.create(user=clerk).key)
    per_clerk = 6
    answers: list[tuple[str, int, Any]] = []
    lock = threading.Lock()
    start = threading.Barrier(len(tokens))

    def clerk(n: int) -> None:
        base = cluster.web[n % 2]
        start.wait(timeout=30)
        for i in range(per_clerk):
            project = (east, west)[(n + i) % 2]
            status, _headers, body = _request(
                f"{base}/api/v1/tickets/",
                data={
                    "kind": "repair",
                    "project": project.pk,
                    "household": households[project.pk].pk,
                    "matter": f"厨房水龙头漏水 {n}-{i}",
                    "address_confirmed": True,
                },
                headers={"Authorization": f"Token {tokens[n]}"},
            )
            with lock:
                answers.append((base, status, body))

    began = time.monotonic()
    threads = [threading.Thread(target=clerk, args=(n,)) for n in range(len(tokens))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    print(f"\n{len(answers)} orders in {time.monotonic() - began:.1f} s")

    failed = [(base, status, body) for base, status, body in answers if status != 201]
    assert failed == [], cluster.logs()
    assert len(answers) == len(tokens) * per_clerk
    assert Counter(base for base, _s, _b in answers) == dict.fromkeys(cluster.web, 4 * per_clerk)
    year = timezone.localdate().year
    for project in (east, west):
        serials = sorted(Ticket.objects.filter(project=project).values_list("serial", flat=True))
        assert serials == [f"WX-{year}-{n:06d}" for n in range(1, len(tokens) * per_clerk // 2 + 1)]
    answered = sorted(body["serial"] for _b, _s, body in answers)
    assert answered == sorted(Ticket.objects.values_list("serial", flat=True))


def test_a_session_and_the_rate_limits_are_shared_by_the_web_processes(cluster, transactional_db):
    """A clerk logged in through one web process is logged in on the other (sessions in
    PostgreSQL), and the token endpoint's limit per username counts the requests of both
    (the cache in Redis): the limit answers 429 after THROTTLE tries, wherever they went."""
    project = ProjectFactory(code="east")
    clerk = UserFactory(role=Role.DESK, projects=[project], username="clerk-session")
    # A hash the web processes verify (the tests' own fast hasher is not in production's list).
    clerk.password = make_password("a-desk-password-1", hasher="pbkdf2_sha256")
    clerk.save(update_fields=["password"])
    first, second = cluster.web
    assert _request(f"{second}/api/v1/tickets/")[0] in (401, 403)

    csrf = secrets.token_hex(16)  # a CSRF secret of 32 characters, as the cookie holds it
    status, headers, _body = _request(
        f"{first}/login/",
        form={"username": clerk.username, "password": "a-desk-password-1",
              "csrfmiddlewaretoken": csrf},
        headers={"Cookie": f"csrftoken={csrf}", "Origin": f"https://{HOST}",
                 "Referer": f"https://{HOST}/login/"},
    )  # fmt: skip
    assert status == 302, cluster.logs()
    session = re.search(r"sessionid=([^;]+)", " ".join(headers.get_all("Set-Cookie") or []))
    assert session, headers
    status, _headers, body = _request(
        f"{second}/api/v1/tickets/", headers={"Cookie": f"sessionid={session.group(1)}"}
    )
    assert status == 200 and body["results"] == []

    username = f"nobody-{uuid.uuid4().hex[:8]}"  # a fresh limit at every run
    statuses = [
        _request(
            f"{cluster.web[n % 2]}/api/v1/auth/token/",
            data={"username": username, "password": "wrong"},
        )[0]
        for n in range(THROTTLE + 1)
    ]
    assert statuses == [400] * THROTTLE + [429]


# --- Workers ----------------------------------------------------------------------------


class TableLock:
    """A SHARE lock on one table from a connection of the test's own, held until released.

    Jobs that insert into the table wait at their insert, after reading and computing what
    they insert: released, they all race for it at once.
    """

    def __init__(self, model: type) -> None:
        self.table = model._meta.db_table
        self.raw = connection.Database.connect(**connection.get_connection_params())
        with self.raw.cursor() as cursor:
            cursor.execute(f'LOCK TABLE "{self.table}" IN SHARE MODE')  # our table name

    def waiting(self) -> int:
        """Connections of this database waiting for a lock: this one, or a row another job
        holds (a job that locks its project first waits there)."""
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(DISTINCT pid) FROM pg_locks"
                " WHERE NOT granted AND (database IS NULL OR database ="
                " (SELECT oid FROM pg_database WHERE datname = current_database()))"
            )
            return int(cursor.fetchone()[0])

    def release(self) -> None:
        if not self.raw.closed:
            self.raw.rollback()
            self.raw.close()


def _send_twice(task: str) -> list[str]:
    """The task sent at one moment to each worker's own queue; returns the two task ids."""
    with celery_app.connection_for_write(worker_setup.broker_url()) as channel:
        return [celery_app.send_task(task, queue=queue, connection=channel).id for queue in WORKERS]


def _twice_at_once(
    cluster: Cluster,
    task: str,
    model: type,
    *,
    released_when: Callable[[TableLock, list[str]], bool],
) -> float:
    """Send `task` twice with `model`'s table locked, release the lock when `released_when`
    holds, and wait for both copies to finish, one on each worker. Returns the seconds taken."""
    began = time.monotonic()
    lock = TableLock(model)
    try:
        ids = _send_twice(task)
        cluster.wait_for(lambda: released_when(lock, ids), timeout=30, what=f"{task} at the lock")
    finally:
        lock.release()
    ran = cluster.wait_for(
        lambda: all(cluster.ran(i) for i in ids) and [cluster.ran(i) for i in ids],
        timeout=30,
        what=f"{task} finished",
    )
    assert sorted(ran) == sorted(WORKERS)  # one copy on each worker
    return time.monotonic() - began


@dataclass
class Staff:
    desk: Any
    supervisor: Any
    manager: Any


def _two_projects() -> dict[Any, Staff]:
    staff = {}
    for code in ("east", "west"):
        project = ProjectFactory(code=code)
        staff[project] = Staff(
            desk=UserFactory(role=Role.DESK, projects=[project], username=f"desk-{code}"),
            supervisor=UserFactory(
                role=Role.SUPERVISOR, projects=[project], username=f"sup-{code}"
            ),
            manager=UserFactory(role=Role.MANAGER, projects=[project], username=f"mgr-{code}"),
        )
    return staff


def test_jobs_sent_twice_at_once_to_two_workers_run_once(cluster, transactional_db):
    """The monthly complaint statistics, the weekly summaries, the deadline sweep and the
    notice of a desk's day left unsigned, each
    sent twice at the same moment and run by both workers at once (held at their insert
    until both are there): one report and one JobRun per project and period, each deadline's
    stages acted on once, and nobody notified twice."""
    staff = _two_projects()
    period = statistics.last_complete_period()
    start, end = statistics.period_bounds(period)
    deadlines = []
    for project, people in staff.items():
        for n in range(6):
            household = HouseholdFactory(
                unit=UnitFactory(building__project=project), project=project
            )
            complaint = register(
                household=household,
                by=people.desk,
                kind="complaint",
                matter=f"电梯异响 {n}",
                complaint={"category": "engineering", "reason": "elevator"},
            )
            # Registered in the last complete period, so that period is the one missing.
            Ticket.objects.filter(pk=complaint.pk).update(created_at=start + (end - start) / 2)
            deadlines.append(
                deadline_open(
                    subject=household,
                    project=project,
                    kind="commitment.emergency",
                    start=timezone.now() - dt.timedelta(hours=3),
                    responsible=people.desk,
                )
            )
    Notification.objects.all().delete()  # what registering told; the jobs' notices follow
    timings = {}

    # Both copies computed the figures and wait to insert the first project's report.
    timings["complaint reports"] = _twice_at_once(
        cluster,
        "tickets.tasks.complaint_reports",
        ComplaintReport,
        released_when=lambda lock, _ids: lock.waiting() == 2,
    )
    for project, people in staff.items():
        report = ComplaintReport.objects.get(project=project, period=period)
        assert report.figures["summary"]["total"] == 6
        for user in (people.supervisor, people.manager):
            assert Notification.objects.filter(user=user, topic=Topic.REPORT_READY).count() == 1

    # Both copies counted the open orders and wait to record the first project's run.
    timings["weekly summaries"] = _twice_at_once(
        cluster,
        "tickets.tasks.weekly_summaries",
        JobRun,
        released_when=lambda lock, _ids: lock.waiting() == 2,
    )
    week = jobs.week_key(timezone.localdate())
    for project, people in staff.items():
        run = JobRun.objects.get(job="weekly", project=project)
        # The complaints, dated in the last period, are also over a week old.
        assert run.key == week
        assert run.result == {"unfinished": 6, "overdue": 0, "old_complaints": 6}
        for user in (people.manager, people.supervisor):
            assert Notification.objects.filter(user=user, topic=Topic.SUMMARY).count() == 1

    # The first sweep to lock deadlines waits to record its first stage; the other took the
    # rest (SKIP LOCKED) and waits too, or found none left and finished.
    timings["deadline sweep"] = _twice_at_once(
        cluster,
        "frontdesk.core.tasks.sweep_deadlines",
        DeadlineEvent,
        released_when=lambda lock, ids: (
            lock.waiting() == 2 or (lock.waiting() == 1 and any(cluster.ran(i) for i in ids))
        ),
    )
    # Three hours late: each deadline marked overdue and escalated twice (supervisor, manager).
    for deadline in deadlines:
        deadline.refresh_from_db()
        assert deadline.stage == 4 and deadline.next_action_at is None
        acted = DeadlineEvent.objects.filter(deadline=deadline).values_list("stage", flat=True)
        assert sorted(acted) == ["escalation-1", "escalation-2", "overdue"]
    for people in staff.values():
        told = Counter(
            Notification.objects.filter(topic__startswith="deadline.").values_list(
                "user__username", "topic"
            )
        )
        assert told[people.desk.username, Topic.DEADLINE_OVERDUE] == 6
        assert told[people.supervisor.username, Topic.DEADLINE_ESCALATED] == 6
        assert told[people.manager.username, Topic.DEADLINE_ESCALATED] == 6

    # The desk's day left unsigned: both copies wait, one to notify, the other to notify or
    # to lock the project first; the supervisors are told once about yesterday.
    timings["unsigned days"] = _twice_at_once(
        cluster,
        "frontdesk.desk.tasks.announce_unsigned_days",
        Notification,
        released_when=lambda lock, _ids: lock.waiting() == 2,
    )
    for people in staff.values():
        told = Notification.objects.filter(user=people.supervisor, topic=TOPIC_UNSIGNED)
        assert told.count() == 1
    print(f"\n{ {k: round(v, 1) for k, v in timings.items()} }")
