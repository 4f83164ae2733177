"""The load drill: many clerks at once against gunicorn, then a check that nothing was lost.

    .venv/bin/python bench/load.py                         # 50 clients for 60 s
    .venv/bin/python bench/load.py --users 10 --seconds 10 # the scaled-down run of CI

It creates a PostgreSQL database of its own (`DATABASE_URL`'s server, database
`fd_load` unless --database names another; dropped and made anew each run),
migrates it, loads the demo, starts gunicorn with 2 workers on a free port of
127.0.0.1, and runs locust headless (`bench/locustfile.py`) with the demo's
desk clerks. Afterwards it checks the data:

- every serial sequence (project, kind, year) runs 1..n with no gap and no repeat;
- every order has its registration event, and its counter matches its serials;
- no request failed (no 5xx, no refused step).

It prints a JSON summary (requests, failures, requests per second, median and
95th percentile per request) and exits non-zero when a check fails. Traffic
goes to 127.0.0.1 only, and the run stops by itself after --seconds.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import re
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
BIN = Path(PYTHON).parent


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _server_url() -> str:
    return os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/postgres")


def _recreate(database: str) -> str:
    import dj_database_url
    import psycopg2
    from psycopg2 import sql

    config = dj_database_url.parse(_server_url())
    if "postgresql" not in config["ENGINE"]:
        sys.exit("The load drill needs PostgreSQL: set DATABASE_URL to a PostgreSQL server.")
    server = {
        "host": config.get("HOST") or "127.0.0.1",
        "port": config.get("PORT") or 5432,
        "user": config.get("USER") or "postgres",
    }
    if server["host"] not in ("127.0.0.1", "localhost", "::1"):
        sys.exit("The load drill runs against a database on this machine only.")
    conn = psycopg2.connect(dbname="postgres", password=config.get("PASSWORD") or None, **server)
    conn.autocommit = True
    with conn.cursor() as cursor:
        cursor.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(database))
        )
        cursor.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(database)))
    conn.close()
    auth = server["user"] + (f":{config['PASSWORD']}" if config.get("PASSWORD") else "")
    return f"postgres://{auth}@{server['host']}:{server['port']}/{database}"


def _env(database_url: str) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        DATABASE_URL=database_url,
        DJANGO_SETTINGS_MODULE="frontdesk.settings",
        DEBUG="false",
        SECRET_KEY="load-drill-" + os.urandom(16).hex(),
        ALLOWED_HOSTS="127.0.0.1",
        AXES_ENABLED="false",
        CELERY_TASK_ALWAYS_EAGER="false",
        # Queued work of the drill goes to a broker nobody reads: the drill measures the desk.
        CELERY_BROKER_URL="memory://",
        LOG_LEVEL="WARNING",
    )
    env.pop("REDIS_URL", None)
    return env


def _manage(env: dict[str, str], *args: str) -> str:
    done = subprocess.run(  # noqa: S603
        [PYTHON, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        sys.exit(f"manage.py {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}")
    return done.stdout


TOKENS_SCRIPT = """
from django.contrib.auth import get_user_model
from rest_framework.authtoken.models import Token
users = get_user_model().objects.filter(username__in=["desk", "desk2"]).order_by("username")
print(",".join(Token.objects.get_or_create(user=u)[0].key for u in users))
"""

CHECK_SCRIPT = """
import json
from collections import defaultdict
from tickets.models import Ticket, TicketEvent
serials = defaultdict(list)
for project, kind, serial in Ticket.objects.values_list("project_id", "kind", "serial"):
    prefix, _, number = serial.rpartition("-")
    serials[(project, kind, prefix)].append(int(number))
gaps = {
    f"{p}/{k}/{prefix}": sorted(set(range(1, max(n) + 1)) - set(n)) or sorted(n)
    for (p, k, prefix), n in serials.items()
    if sorted(n) != list(range(1, len(n) + 1))
}
unregistered = Ticket.objects.exclude(
    pk__in=TicketEvent.objects.filter(action="register").values("ticket_id")
).count()
print(json.dumps({"orders": Ticket.objects.count(), "sequences": len(serials),
                  "gaps": gaps, "orders_without_registration": unregistered}))
"""


def _wait_for(url: str, seconds: float) -> None:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        try:
            with urllib.request.urlopen(url, timeout=2):  # noqa: S310 (loopback only)
                return
        except urllib.error.HTTPError:
            return  # it answered
        except OSError:
            time.sleep(0.3)
    sys.exit(f"gunicorn did not answer {url} within {seconds} s")


def _stats(prefix: str) -> dict[str, Any]:
    rows = list(csv.DictReader(Path(f"{prefix}_stats.csv").open()))
    per_request = {}
    total: dict[str, Any] = {}
    for row in rows:
        figures = {
            "requests": int(row["Request Count"]),
            "failures": int(row["Failure Count"]),
            "median_ms": float(row["Median Response Time"] or 0),
            "p95_ms": float(row["95%"] or 0) if row.get("95%") not in (None, "N/A") else None,
            "per_second": round(float(row["Requests/s"] or 0), 1),
        }
        if row["Name"] == "Aggregated":
            total = figures
        else:
            per_request[f"{row['Type']} {row['Name']}"] = figures
    failures = []
    failures_csv = Path(f"{prefix}_failures.csv")
    if failures_csv.exists():
        failures = [
            f"{r['Method']} {r['Name']}: {r['Error']} ×{r['Occurrences']}"
            for r in csv.DictReader(failures_csv.open())
        ]
    return {"total": total, "requests": per_request, "failure_messages": failures}


def run(users: int, seconds: int, database: str) -> dict[str, Any]:
    database_url = _recreate(database)
    env = _env(database_url)
    _manage(env, "migrate", "--noinput")
    _manage(env, "seed_demo")
    tokens = _manage(env, "shell", "--no-imports", "-c", TOKENS_SCRIPT).strip().splitlines()[-1]
    port = _free_port()
    server = subprocess.Popen(  # noqa: S603
        [str(BIN / "gunicorn"), "frontdesk.wsgi", "--workers", "2", "--bind", f"127.0.0.1:{port}",
         "--timeout", "60", "--log-level", "warning"],
        cwd=ROOT, env=env,
    )  # fmt: skip
    try:
        _wait_for(f"http://127.0.0.1:{port}/api/v1/tickets/", 60)
        with tempfile.TemporaryDirectory() as folder:
            prefix = str(Path(folder) / "load")
            subprocess.run(  # noqa: S603
                [str(BIN / "locust"), "-f", str(ROOT / "bench" / "locustfile.py"), "--headless",
                 "--users", str(users), "--spawn-rate", str(max(1, users // 5)),
                 "--run-time", f"{seconds}s", "--host", f"http://127.0.0.1:{port}",
                 "--csv", prefix, "--only-summary", "--stop-timeout", "10",
                 "--loglevel", "WARNING"],
                cwd=ROOT, env={**env, "LOAD_TOKENS": tokens}, check=False,
                timeout=seconds + 120,
            )  # fmt: skip
            stats = _stats(prefix)
    finally:
        server.terminate()
        server.wait(30)
    data = json.loads(
        _manage(env, "shell", "--no-imports", "-c", CHECK_SCRIPT).strip().splitlines()[-1]
    )
    return {
        "users": users,
        "seconds": seconds,
        "gunicorn_workers": 2,
        "load_average": [round(x, 2) for x in os.getloadavg()],
        **stats,
        "data": data,
    }


def problems(result: dict[str, Any]) -> list[str]:
    found = []
    if not result["total"].get("requests"):
        found.append("no request was made")
    if result["total"].get("failures"):
        found.append(f"{result['total']['failures']} requests failed")
    found += result["failure_messages"]
    if result["data"]["gaps"]:
        found.append(f"serial sequences with gaps or repeats: {result['data']['gaps']}")
    if result["data"]["orders_without_registration"]:
        found.append(f"{result['data']['orders_without_registration']} orders lack registration")
    if not result["requests"].get("POST register", {}).get("requests"):
        found.append("no order was registered")
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=50, choices=range(1, 201), metavar="1-200")
    parser.add_argument("--seconds", type=int, default=60, choices=range(1, 601), metavar="1-600")
    parser.add_argument("--database", default="fd_load", help="database name (made anew)")
    args = parser.parse_args()
    if not re.fullmatch(r"[a-z0-9_]+", args.database):
        sys.exit("--database takes lowercase letters, digits and underscores")
    result = run(args.users, args.seconds, args.database)
    found = problems(result)
    result["problems"] = found
    print(json.dumps(result, indent=2, ensure_ascii=False))
    sys.exit(1 if found else 0)


if __name__ == "__main__":
    main()
