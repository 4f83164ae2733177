"""A real Celery worker and beat, started as subprocesses for integration tests.

They run against Redis (CELERY_BROKER_URL, default a database of its own on
the local Redis) and the test's own PostgreSQL database, so a test must be
transactional (the `celery_worker` marker makes it so) for the processes to
see its rows. Missing Redis fails the test: it never skips.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

import pytest
from django.conf import settings
from django.db import connection

DEFAULT_BROKER = "redis://127.0.0.1:6379/11"


def broker_url() -> str:
    return os.environ.get("CELERY_BROKER_URL") or DEFAULT_BROKER


def test_database_url() -> str:
    """The URL of the database this test runs on (pytest-django's test database)."""
    db = connection.settings_dict
    if connection.vendor != "postgresql":
        pytest.fail("A real worker needs the test database on PostgreSQL (set DATABASE_URL).")
    auth = quote(db["USER"] or "")
    if db.get("PASSWORD"):
        auth += ":" + quote(db["PASSWORD"])
    host = db.get("HOST") or "127.0.0.1"
    port = db.get("PORT") or "5432"
    return f"postgres://{auth}@{host}:{port}/{db['NAME']}"


def _require_redis(url: str) -> None:
    import redis

    try:
        redis.Redis.from_url(url, socket_connect_timeout=3).ping()
    except redis.RedisError as error:
        pytest.fail(f"Redis is needed at {url} for the real worker ({error}).")


@dataclass
class CeleryProcesses:
    """A worker and a beat running this checkout's code; always stopped by the fixture."""

    workdir: Path
    env: dict[str, str]
    processes: list[tuple[str, subprocess.Popen[bytes]]] = field(default_factory=list)

    def start(self) -> None:
        name = f"test-{uuid.uuid4().hex[:8]}@%h"
        celery = [sys.executable, "-m", "celery", "-A", "frontdesk"]
        self._spawn(
            "worker",
            [
                *celery,
                "worker",
                "--loglevel",
                "INFO",
                "--concurrency",
                "2",
                "--purge",
                "--without-gossip",
                "--without-mingle",
                "--hostname",
                name,
            ],
        )
        self._spawn(
            "beat",
            [
                *celery,
                "beat",
                "--loglevel",
                "INFO",
                "--schedule",
                str(self.workdir / "beat-schedule"),
            ],
        )

    def _spawn(self, name: str, command: list[str]) -> None:
        log = (self.workdir / f"{name}.log").open("wb")
        process = subprocess.Popen(  # noqa: S603 - our own interpreter and arguments
            command,
            cwd=settings.BASE_DIR,
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # one process group: the prefork children die with it
        )
        self.processes.append((name, process))

    def logs(self) -> str:
        parts = []
        for name, _process in self.processes:
            text = (self.workdir / f"{name}.log").read_text(errors="replace")
            parts.append(f"--- {name} ---\n{text[-4000:]}")
        return "\n".join(parts)

    def wait_for(self, condition: Callable[[], bool], *, timeout: float = 60.0) -> bool:
        """Poll the database until `condition()` holds, at most `timeout` seconds of real time."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if condition():
                return True
            for name, process in self.processes:
                if process.poll() is not None:
                    pytest.fail(f"celery {name} exited with {process.returncode}\n{self.logs()}")
            time.sleep(0.5)
        return condition()

    def keep_running(self, *, seconds: float) -> None:
        """Let beat and the worker run on for a while (real time: they are real processes)."""
        self.wait_for(lambda: False, timeout=seconds)

    def stop(self) -> None:
        for _name, process in self.processes:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
        for _name, process in self.processes:
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=5)


@pytest.fixture
def celery_processes(transactional_db, tmp_path) -> Iterator[CeleryProcesses]:
    """Worker and beat for this test, started by `start()` once the test's rows are committed.

    A test may add to `env` before starting them, e.g. a short schedule of its own
    job; they are always stopped (the whole process groups) when the test ends.
    """
    url = broker_url()
    _require_redis(url)
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "frontdesk.settings",
        "DATABASE_URL": test_database_url(),
        "CELERY_BROKER_URL": url,
        "CELERY_TASK_ALWAYS_EAGER": "false",
        "FRONTDESK_VAR_DIR": str(tmp_path / "var"),
        # Beat's sweep every second instead of every minute, so the test waits seconds.
        "DEADLINE_SWEEP_SECONDS": "1",
        "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
    }
    processes = CeleryProcesses(workdir=tmp_path, env=env)
    try:
        yield processes
    finally:
        processes.stop()
