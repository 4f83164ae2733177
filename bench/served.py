"""Served measurements: product requests against gunicorn, each beside its floor.

Where `bench/measurements.py` times a call inside the benchmark's process,
these go the way a clerk's browser or an API client goes: gunicorn with 2
workers and the production settings (`bench/wsgi.py`), a real HTTP client over
loopback, a fresh connection per request. Each measurement is a product
request and its floor (`bench/floors.py`: the same rows by one hand-written
query); the two are sent alternately, request after floor, so that whatever
else the machine is doing weighs on both alike, and every figure stands also
as a ratio to its floor.

A measurement is registered with `@served(...)` and returns a `Pair`: the
product request and the floor request for repetition `i` (rotating through
sample inputs). Its budget names the median, the 95th percentile, the ratio
of the medians to the floor's and the queries one request may make; a figure
with no budget is reported and not judged.
"""

from __future__ import annotations

import http.client
import math
import os
import socket
import statistics
import subprocess
import sys
import time
import urllib.parse
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
HOST = "127.0.0.1"
# Each response says how many SQL queries its request made (added by bench/wsgi.py).
QUERIES_HEADER = "X-Bench-Queries"
# The floors' paths (bench/urls.py).
FLOOR_PREFIX = "/__floor__/"


@dataclass(frozen=True)
class Request:
    path: str
    method: str = "GET"
    body: bytes | None = None
    api: bool = False  # authenticated by token (else by the desk's session cookie)
    headers: tuple[tuple[str, str], ...] = ()


def floor(name: str, **params: Any) -> Request:
    return Request(f"{FLOOR_PREFIX}{name}?{urllib.parse.urlencode(params)}")


@dataclass(frozen=True)
class Pair:
    product: Request
    floor: Request | None


@dataclass(frozen=True)
class Budget:
    median_ms: float | None = None
    p95_ms: float | None = None
    ratio: float | None = None
    queries: int | None = None

    def describe(self) -> str:
        parts = []
        if self.median_ms is not None:
            parts.append(f"median ≤ {self.median_ms:,.0f} ms")
        if self.p95_ms is not None:
            parts.append(f"p95 ≤ {self.p95_ms:,.0f} ms")
        if self.ratio is not None:
            parts.append(f"≤ {self.ratio:g}× floor")
        if self.queries is not None:
            parts.append(f"≤ {self.queries} queries")
        return ", ".join(parts) or "reported"


PAGE_BUDGET = Budget(median_ms=30, p95_ms=60, ratio=3, queries=12)


@dataclass(frozen=True)
class ServedMeasurement:
    name: str
    group: str
    budget: Budget
    prepare: Callable[[Any], Callable[[int], Pair]]
    reps: int | None = None
    warmup: int | None = None  # untimed requests first, instead of the run's warm-up


SERVED: list[ServedMeasurement] = []


def served(
    name: str,
    *,
    group: str,
    budget: Budget = PAGE_BUDGET,
    reps: int | None = None,
    warmup: int | None = None,
) -> Callable[[Callable[[Any], Callable[[int], Pair]]], Callable[[Any], Callable[[int], Pair]]]:
    def register(prepare: Callable[[Any], Callable[[int], Pair]]) -> Any:
        SERVED.append(ServedMeasurement(name, group, budget, prepare, reps, warmup))
        return prepare

    return register


@dataclass
class ServedResult:
    name: str
    group: str
    budget: Budget
    verdict: str = "FAIL"
    reps: int = 0
    median_ms: float | None = None
    p95_ms: float | None = None
    floor_median_ms: float | None = None
    floor_p95_ms: float | None = None
    queries: int | None = None
    bytes: int | None = None
    floor_bytes: int | None = None
    misses: list[str] = field(default_factory=list)
    note: str = ""

    @property
    def ratio(self) -> float | None:
        if self.median_ms is None or not self.floor_median_ms:
            return None
        return self.median_ms / self.floor_median_ms

    def judge(self) -> None:
        b, misses = self.budget, []
        if b.median_ms is not None and self.median_ms is not None and self.median_ms > b.median_ms:
            misses.append(f"median {self.median_ms:.0f} > {b.median_ms:.0f} ms")
        if b.p95_ms is not None and self.p95_ms is not None and self.p95_ms > b.p95_ms:
            misses.append(f"p95 {self.p95_ms:.0f} > {b.p95_ms:.0f} ms")
        if b.ratio is not None and self.ratio is not None and self.ratio > b.ratio:
            misses.append(f"{self.ratio:.1f}× floor > {b.ratio:g}×")
        if b.queries is not None and self.queries is not None and self.queries > b.queries:
            misses.append(f"{self.queries} queries > {b.queries}")
        self.misses = misses
        self.verdict = "FAIL" if misses or self.note else "PASS"

    def as_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "group": self.group,
            "verdict": self.verdict,
            "reps": self.reps,
            "median_ms": self.median_ms,
            "p95_ms": self.p95_ms,
            "floor_median_ms": self.floor_median_ms,
            "floor_p95_ms": self.floor_p95_ms,
            "ratio": self.ratio,
            "queries": self.queries,
            "bytes": self.bytes,
            "floor_bytes": self.floor_bytes,
            "budget": self.budget.describe(),
            "misses": self.misses,
            "note": self.note,
        }


# --- The server ----------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return int(sock.getsockname()[1])


def server_environment(database_url: str, secret_key: str) -> dict[str, str]:
    """Production settings over plain HTTP on loopback, persistent database connections."""
    env = dict(os.environ)
    env.update(
        DATABASE_URL=database_url,
        DJANGO_SETTINGS_MODULE="frontdesk.settings_production",
        SECRET_KEY=secret_key,
        ALLOWED_HOSTS=HOST,
        # Loopback HTTP: no TLS to redirect to, and the cookies travel without it.
        SECURE_SSL_REDIRECT="false",
        DB_CONN_MAX_AGE="60",
        AXES_ENABLED="false",
        # Work queued by a request goes to a broker nobody reads: the desk is measured.
        CELERY_BROKER_URL="memory://",
        CELERY_TASK_ALWAYS_EAGER="false",
        LOG_LEVEL="WARNING",
        # Generous limits: the benchmark is one client, sending thousands of requests.
        API_TOKEN_RATE="100000/min",
    )
    return env


class Server:
    """gunicorn with 2 sync workers serving `bench.wsgi`, stopped on exit."""

    def __init__(self, database_url: str, *, secret_key: str, workers: int = 2) -> None:
        self.port = _free_port()
        # The benchmark's process logs the desk user in: the server must share its key.
        self.env = server_environment(database_url, secret_key)
        self.workers = workers
        self.process: subprocess.Popen[bytes] | None = None

    def __enter__(self) -> Server:
        # Production serves hashed static files from the manifest collectstatic writes.
        subprocess.run(  # noqa: S603
            [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
            cwd=ROOT, env=self.env, check=True,
        )  # fmt: skip
        gunicorn = Path(sys.executable).parent / "gunicorn"
        self.process = subprocess.Popen(  # noqa: S603
            [str(gunicorn), "bench.wsgi:application", "--workers", str(self.workers),
             "--bind", f"{HOST}:{self.port}", "--timeout", "120", "--log-level", "warning"],
            cwd=ROOT, env=self.env,
        )  # fmt: skip
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError("gunicorn stopped while starting")
            try:
                status, _, _, _ = self.send(Request("/__floor__/none"), {})
                if status:
                    return self
            except OSError:
                time.sleep(0.3)
        raise RuntimeError("gunicorn did not answer within 90 s")

    def __exit__(self, *exc: Any) -> None:
        if self.process is not None:
            self.process.terminate()
            try:
                self.process.wait(30)
            except subprocess.TimeoutExpired:
                self.process.kill()

    def send(
        self, request: Request, auth: dict[str, str], timeout: float = 300
    ) -> tuple[int, int, int | None, float]:
        """Send one request on a new connection: status, body size, queries, milliseconds."""
        headers = {"Host": HOST, "Accept-Language": "zh-hans", **dict(request.headers)}
        if request.api:
            headers["Authorization"] = auth.get("token", "")
        elif auth.get("cookie"):
            headers["Cookie"] = auth["cookie"]
            if request.method != "GET":
                headers["X-CSRFToken"] = auth.get("csrf", "")
        if request.body is not None:
            headers["Content-Type"] = "application/json"
        started = time.perf_counter()
        connection = http.client.HTTPConnection(HOST, self.port, timeout=timeout)
        try:
            connection.request(request.method, request.path, body=request.body, headers=headers)
            response = connection.getresponse()
            size = len(response.read())
            elapsed = (time.perf_counter() - started) * 1000
            queries = response.getheader(QUERIES_HEADER)
            return response.status, size, int(queries) if queries else None, elapsed
        finally:
            connection.close()


# --- Running --------------------------------------------------------------------------------


def _ok(status: int, request: Request) -> bool:
    return 200 <= status < 300 or (request.method == "POST" and status == 201)


def measure(
    m: ServedMeasurement, ctx: Any, server: Server, auth: dict[str, str], reps: int, warmup: int
) -> ServedResult:
    result = ServedResult(m.name, m.group, m.budget)
    try:
        pair_for = m.prepare(ctx)
    except Exception as error:  # a sample that cannot be found is a failed measurement
        result.note = f"{type(error).__name__}: {error}"
        return result
    for i in range(m.warmup if m.warmup is not None else warmup):
        pair = pair_for(i)
        for request in (pair.product, pair.floor):
            if request is None:
                continue
            status, _, _, _ = server.send(request, auth)
            if not _ok(status, request):
                result.note = f"{request.path} answered {status}"
                return result
    reps = min(reps, m.reps) if m.reps else reps
    times, floor_times, queries, sizes, floor_sizes = [], [], [], [], []
    for i in range(reps):
        pair = pair_for(i)
        status, size, count, ms = server.send(pair.product, auth)
        if not _ok(status, pair.product):
            result.note = f"{pair.product.path} answered {status}"
            return result
        times.append(ms)
        sizes.append(size)
        if count is not None:
            queries.append(count)
        if pair.floor is not None:
            status, size, _, ms = server.send(pair.floor, auth)
            if status != 200:
                result.note = f"floor {pair.floor.path} answered {status}"
                return result
            floor_times.append(ms)
            floor_sizes.append(size)
    result.reps = reps
    result.median_ms = statistics.median(times)
    result.p95_ms = _percentile(times, 0.95)
    result.queries = max(queries) if queries else None
    result.bytes = int(statistics.median(sizes))
    if floor_times:
        result.floor_median_ms = statistics.median(floor_times)
        result.floor_p95_ms = _percentile(floor_times, 0.95)
        result.floor_bytes = int(statistics.median(floor_sizes))
    result.judge()
    return result


def _percentile(samples: list[float], share: float) -> float:
    """Nearest rank, as in bench/run.py."""
    ordered = sorted(samples)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]
