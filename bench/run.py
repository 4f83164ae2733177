"""Run the front desk's benchmark: `make bench`, or `.venv/bin/python bench/run.py --help`.

Prepares the desk-scale dataset on PostgreSQL (once; later runs reuse it),
times every registered measurement a bounded number of times, checks each
95th percentile against its budget, writes bench/RESULTS.md and exits
non-zero when a budget is missed. With --explain it prints the query plans
of the search and file measurements instead of timing them.
"""

from __future__ import annotations

import argparse
import datetime as dt
import importlib
import json
import math
import os
import platform
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/fd_bench"
# A sequential scan over a table this big is worth a look in a search query.
BIG_TABLE_ROWS = 10_000
# Modules that register measurements (and dataset parts) when imported. Work orders
# orders come with their dataset part (bench.orders_dataset, imported by bench.orders).
MEASUREMENT_MODULES = ("bench.measurements", "bench.billing", "bench.orders")
RESULTS_DIR = ROOT / "bench" / "results"
# Growth budget: a page or list at 1,000,000 orders against the same at 100,000.
GROWTH_BUDGET = 1.3


def _setup_django() -> None:
    # Run as a script, Python puts bench/ itself first on the path, where its modules
    # would shadow any installed module of the same name: the repository root goes there.
    if sys.path and Path(sys.path[0]).resolve() == ROOT / "bench":
        sys.path[0] = str(ROOT)
    else:
        sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DATABASE_URL", DEFAULT_DATABASE_URL)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "frontdesk.settings")
    # Lockout bookkeeping is not what the benchmark measures.
    os.environ.setdefault("AXES_ENABLED", "false")
    _create_database(os.environ["DATABASE_URL"])
    import django

    django.setup()


def _create_database(url: str) -> None:
    """Create the benchmark's PostgreSQL database when it does not exist yet."""
    import dj_database_url
    import psycopg2
    from psycopg2 import errorcodes, sql

    config = dj_database_url.parse(url)
    if "postgresql" not in config["ENGINE"]:
        return  # dataset.prepare() explains that PostgreSQL is needed
    server = {
        "host": config.get("HOST") or None,
        "port": config.get("PORT") or None,
        "user": config.get("USER") or None,
        "password": config.get("PASSWORD") or None,
    }
    try:
        psycopg2.connect(dbname=config["NAME"], **server).close()
        return
    except psycopg2.OperationalError as error:
        if getattr(error, "pgcode", None) not in (None, errorcodes.INVALID_CATALOG_NAME):
            raise
        if "does not exist" not in str(error):
            raise
    connection = psycopg2.connect(dbname="postgres", **server)
    connection.autocommit = True
    with connection.cursor() as cursor:
        cursor.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(config["NAME"])))
    connection.close()
    print(f"created database {config['NAME']}", flush=True)


@dataclass
class Result:
    name: str
    group: str
    budget_ms: float
    verdict: str  # PASS, FAIL or SKIP
    median_ms: float | None = None
    p95_ms: float | None = None
    reps: int | None = None
    cpu_ms: float | None = None  # median CPU time of the benchmark's own process (Django side)
    queries: int | None = None
    seq_scans: tuple[str, ...] = ()
    indexes: tuple[str, ...] = ()  # indexes of big tables its queries use
    show_plan: bool = False
    note: str = ""


def percentile(samples: list[float], share: float) -> float:
    """Nearest-rank percentile: the smallest sample with `share` of the samples at or below."""
    ordered = sorted(samples)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


# --- Query plans -------------------------------------------------------------------------


def _captured_queries(call: Any) -> list[str]:
    """The SQL of every query one call makes."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        call()
    return [q["sql"] for q in captured.captured_queries]


def _is_read(sql: str) -> bool:
    return sql.lstrip("( \n").upper().startswith(("SELECT", "WITH"))


def _big_tables() -> dict[str, str]:
    """Names of the big tables and of their indexes, each mapped to its table."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT t.relname, i.relname FROM pg_class t "
            "LEFT JOIN pg_index x ON x.indrelid = t.oid "
            "LEFT JOIN pg_class i ON i.oid = x.indexrelid "
            "WHERE t.relkind = 'r' AND t.reltuples >= %s",
            [BIG_TABLE_ROWS],
        )
        names: dict[str, str] = {}
        for table, index in cursor.fetchall():
            names[table] = table
            if index:
                names[index] = table
        return names


def _scans(plan: dict[str, Any], big: dict[str, str]) -> tuple[list[str], list[str]]:
    """Big tables read by sequential scan, and indexes used, anywhere in a plan."""
    seq, indexes = [], []
    if plan.get("Node Type") == "Seq Scan" and plan.get("Relation Name") in big:
        seq.append(plan["Relation Name"])
    if plan.get("Index Name") in big:
        indexes.append(plan["Index Name"])
    for child in plan.get("Plans", []):
        child_seq, child_indexes = _scans(child, big)
        seq += child_seq
        indexes += child_indexes
    return seq, indexes


def plan_check(sqls: list[str], big: dict[str, str]) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Big tables read by sequential scan, and the indexes of big tables used, in the plans
    of `sqls` (EXPLAIN without ANALYZE: nothing is executed)."""
    from django.db import connection

    seq: list[str] = []
    indexes: list[str] = []
    with connection.cursor() as cursor:
        for sql in sqls:
            cursor.execute("EXPLAIN (FORMAT JSON) " + sql)
            raw = cursor.fetchone()[0]
            document = json.loads(raw) if isinstance(raw, str) else raw
            query_seq, query_indexes = _scans(document[0]["Plan"], big)
            seq += query_seq
            indexes += query_indexes
    return tuple(sorted(set(seq))), tuple(sorted(set(indexes)))


def print_plans(name: str, sqls: list[str]) -> None:
    from django.db import connection

    print(f"\n{'=' * 100}\n{name}: {len(sqls)} queries\n{'=' * 100}")
    with connection.cursor() as cursor:
        for number, sql in enumerate(sqls, 1):
            print(f"\n-- query {number}\n{sql}\n")
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql)
            print("\n".join(row[0] for row in cursor.fetchall()))
    seq, indexes = plan_check(sqls, _big_tables())
    print(f"\n-- indexes of big tables used: {', '.join(indexes) or 'none'}")
    print(f"-- sequential scans of big tables: {', '.join(seq) or 'none'}")


# --- Running ---------------------------------------------------------------------------------


def run_measurements(ctx: Any, args: argparse.Namespace, log: Any) -> list[Result]:
    """Time every registered measurement, each inside a transaction that is rolled back.

    A measurement may write (a print run counts its printings, the demo loads
    its estates): the rollback leaves the dataset as it was for the next one.
    """
    from django.db import transaction

    from bench.measurements import REGISTRY, Broken, Skip

    big = _big_tables()
    ctx.log_in()  # outside the transactions: the session must outlive each of them
    results = []
    for m in REGISTRY:
        if args.only and args.only.lower() not in m.name.lower():
            continue
        result = Result(m.name, m.group, m.budget_ms, "FAIL")
        try:
            with transaction.atomic():
                _measure(m, ctx, args, big, result)
                transaction.set_rollback(True)
        except Skip as skip:
            result.verdict, result.note = "SKIP", str(skip)
        except Broken as broken:
            result.note = str(broken)
        except Exception as error:  # a crash is a failed measurement, not a failed run
            result.note = f"{type(error).__name__}: {error}"
        if args.explain:
            continue
        results.append(result)
        log(_line(result))
    return results


def _measure(
    m: Any, ctx: Any, args: argparse.Namespace, big: dict[str, str], result: Result
) -> None:
    from django.db import connection

    call = m.prepare(ctx)
    # Django keeps the last 9,000 queries: a slow measurement before this one (the demo
    # loads thousands) would leave none to count.
    connection.queries_log.clear()
    # The first warm-up call also gives the queries of one call.
    queries = _captured_queries(lambda: call(0))
    for i in range(1, m.warmup if m.warmup is not None else args.warmup):
        call(i)
    result.queries = len(queries)
    sqls = [sql for sql in queries if _is_read(sql)]
    result.seq_scans, result.indexes = plan_check(sqls, big)
    result.show_plan = m.explain
    if args.explain:
        if m.explain or args.only:
            print_plans(m.name, sqls)
        return
    reps = min(args.reps, m.reps) if m.reps else args.reps
    samples, cpu = [], []
    for i in range(reps):
        started, started_cpu = time.perf_counter(), time.process_time()
        call(i)
        samples.append((time.perf_counter() - started) * 1000)
        cpu.append((time.process_time() - started_cpu) * 1000)
    result.reps = reps
    result.median_ms = statistics.median(samples)
    result.p95_ms = percentile(samples, 0.95)
    result.cpu_ms = statistics.median(cpu)
    result.verdict = "PASS" if result.p95_ms < m.budget_ms else "FAIL"


def _line(r: Result) -> str:
    if r.verdict == "SKIP":
        return f"SKIP  {r.name}: {r.note}"
    if r.p95_ms is None:
        return f"FAIL  {r.name}: {r.note}"
    scans = f"  seq scan: {', '.join(r.seq_scans)}" if r.seq_scans else ""
    return (
        f"{r.verdict}  {r.name}: median {r.median_ms:.1f} ms, p95 {r.p95_ms:.1f} ms "
        f"(budget {r.budget_ms:.0f}), {r.queries} queries{scans}"
    )


# --- Report ------------------------------------------------------------------------------------


def machine() -> dict[str, str]:
    from django.db import connection

    memory = ""
    meminfo = Path("/proc/meminfo")
    if meminfo.exists():
        kib = int(meminfo.read_text().split("MemTotal:")[1].split()[0])
        memory = f"{kib / 1024 / 1024:.1f} GiB"
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        server = cursor.fetchone()[0]
        cursor.execute("SHOW shared_buffers")
        buffers = cursor.fetchone()[0]
    import django

    try:
        commit = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=False,
        ).stdout.strip()
    except OSError:
        commit = ""
    return {
        "CPUs": str(
            len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
        ),
        "memory": memory,
        "system": f"{platform.system()} {platform.machine()}",
        "PostgreSQL": f"{server.split()[0]} (shared_buffers {buffers})",
        "Python": platform.python_version(),
        "Django": django.get_version(),
        "commit": commit,
    }


def _order_count() -> int:
    from tickets.models import Ticket

    return Ticket.objects.count()


def _earlier_runs() -> list[dict[str, Any]]:
    runs = []
    for path in sorted(RESULTS_DIR.glob("*.json")):
        try:
            runs.append(json.loads(path.read_text(encoding="utf-8")))
        except (OSError, ValueError):
            continue
    return runs


def served_growth(served: list[Any], sizes: dict[str, int]) -> list[dict[str, Any]]:
    """Each page and list of this run against the newest saved run at a tenth of the orders
    or fewer: its median grows by at most GROWTH_BUDGET, and its queries not at all."""
    from bench.orders import LIST_GROUP

    orders = _order_count()
    smaller = [
        run for run in _earlier_runs() if 0 < run.get("data", {}).get("orders", 0) <= orders / 5
    ]
    if not smaller or not served:
        return []
    base = smaller[-1]
    before = {r["name"]: r for r in base.get("served", [])}
    rows = []
    for r in served:
        then = before.get(r.name)
        if r.group != LIST_GROUP or not then or not then.get("median_ms") or r.median_ms is None:
            continue
        # Compared as ratios to each run's floor where both have one: the machine's mood
        # of the day cancels out; the plain medians are shown beside them.
        ratio_now, ratio_then = r.ratio, then.get("ratio")
        growth = (
            ratio_now / ratio_then if ratio_now and ratio_then else r.median_ms / then["median_ms"]
        )
        same_queries = then.get("queries") == r.queries
        rows.append(
            {
                "name": r.name,
                "orders_then": base["data"]["orders"],
                "orders_now": orders,
                "median_then_ms": then["median_ms"],
                "median_now_ms": r.median_ms,
                "queries_then": then.get("queries"),
                "queries_now": r.queries,
                "growth": growth,
                "verdict": "PASS" if growth <= GROWTH_BUDGET and same_queries else "FAIL",
            }
        )
    return rows


def save_json(
    results: list[Result], served: dict[str, Any], growth: list[dict[str, Any]], ctx: Any, load: str
) -> Path:
    """One JSON file per run in bench/results/: data size, machine, versions and every figure,
    so that two runs can be compared."""
    now = dt.datetime.now(dt.UTC)
    document = {
        "run_at": now.isoformat(timespec="seconds"),
        "machine": machine(),
        "load_average": load,
        "data": {"orders": _order_count(), **ctx.dataset.sizes},
        "in_process": [
            {
                "name": r.name,
                "group": r.group,
                "verdict": r.verdict,
                "median_ms": r.median_ms,
                "p95_ms": r.p95_ms,
                "budget_p95_ms": r.budget_ms,
                "queries": r.queries,
                "note": r.note,
            }
            for r in results
        ],
        "served": [r.as_dict() for r in served["served"]],
        "creation": served["creation"],
        "growth": growth,
    }
    RESULTS_DIR.mkdir(exist_ok=True)
    path = RESULTS_DIR / f"{now:%Y%m%d-%H%M}-{document['data']['orders']}-orders.json"
    path.write_text(json.dumps(document, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    return path


def served_report(
    served: dict[str, Any], growth: list[dict[str, Any]], served_reps: int
) -> list[str]:
    if not served["served"] and not served["creation"]:
        return []
    lines = [
        "",
        "## Work orders, served",
        "",
        "gunicorn with 2 workers and the production settings (`bench/wsgi.py`), a real HTTP "
        f"client over loopback, a new connection per request; {served_reps} requests each after "
        "warm-up (fewer for the PDFs and the CSV: see *calls*), each followed by its floor: the "
        "same rows by one hand-written SQL query rendered as plain JSON, CSV or a bare template "
        "(`bench/floors.py`), in the same server. *ratio* is the median over the floor's median; "
        "*queries* the most SQL queries one request made; *size* the median body in bytes.",
        "",
        "| group | request | calls | median | p95 | floor median | ratio | queries | size "
        "| budget | result |",
        "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- | --- |",
    ]
    for r in served["served"]:
        if r.median_ms is None:
            lines.append(
                f"| {r.group} | {r.name} | – | – | – | – | – | – | – "
                f"| {r.budget.describe()} | FAIL: {r.note} |"
            )
            continue
        floor = f"{r.floor_median_ms:.1f}" if r.floor_median_ms else "–"
        ratio = f"{r.ratio:.1f}×" if r.ratio else "–"
        verdict = r.verdict if r.budget != type(r.budget)() else "reported"
        if r.misses:
            verdict += ": " + "; ".join(r.misses)
        lines.append(
            f"| {r.group} | {r.name} | {r.reps} | {r.median_ms:.1f} | {r.p95_ms:.1f} | {floor} "
            f"| {ratio} | {r.queries} | {r.bytes:,} | {r.budget.describe()} | {verdict} |"
        )
    c = served["creation"]
    if c:
        lines += [
            "",
            f"Order creation: {c['clients']} API clients for {c['seconds']} s registered "
            f"{c['orders']:,} orders ({c['per_second']} orders/s; budget ≥ 200), "
            f"{c['stored']:,} stored; serial sequences with a gap or a repeat afterwards: "
            f"{', '.join(c['gaps']) or 'none'}; failed requests: "
            f"{', '.join(c['failures']) or 'none'}. **{c['verdict']}**.",
        ]
    if growth:
        lines += [
            "",
            f"### Growth from {growth[0]['orders_then']:,} to {growth[0]['orders_now']:,} orders",
            "",
            "Against the saved run of the smaller dataset in `bench/results/`, compared as the "
            f"ratio to each run's floor; budget ≤ {GROWTH_BUDGET}×, and the same queries.",
            "",
            "| request | median then | median now | queries then / now | growth | result |",
            "| --- | ---: | ---: | ---: | ---: | --- |",
        ]
        lines += [
            f"| {g['name']} | {g['median_then_ms']:.1f} | {g['median_now_ms']:.1f} "
            f"| {g['queries_then']} / {g['queries_now']} | {g['growth']:.2f}× | {g['verdict']} |"
            for g in growth
        ]
    return lines


def report(
    results: list[Result],
    ctx: Any,
    args: argparse.Namespace,
    build_note: str,
    load: str,
    served: dict[str, Any],
    growth: list[dict[str, Any]],
) -> str:
    from django.db import connection

    now = dt.datetime.now(dt.UTC)
    info = machine()
    lines = [
        "# Benchmark results",
        "",
        f"Run {now:%Y-%m-%d %H:%M} UTC on commit `{info.pop('commit') or '?'}` with "
        f"`bench/run.py --reps {args.reps}`: {args.reps} timed calls per measurement after "
        f"{args.warmup} warm-up calls (fewer for the slow ones: see *calls*). Times in "
        "milliseconds; each budget is on the 95th percentile (nearest rank).",
        "",
        "Machine: " + ", ".join(f"{k} {v}" for k, v in info.items()) + ".",
        f"Load average (1 min) before and after the measurements: {load}; a load above the "
        "number of CPUs means other work shared the machine and the times are inflated.",
        f"Database `{connection.settings_dict['NAME']}` ({build_note}).",
        "",
        "## Dataset",
        "",
        "| table | rows |",
        "| --- | ---: |",
        *(f"| {name} | {count:,} |" for name, count in ctx.dataset.sizes.items()),
        "",
        f"Measured as the desk user `{ctx.dataset.user.username}` of project "
        f"{ctx.dataset.project.name} ({ctx.dataset.project.code}), one of the two projects.",
        "",
        "## Measurements",
        "",
        "The budget applies to p95 (wall time). *Django CPU* is the median CPU time of the "
        "benchmark's own process: the Python side of the call, without PostgreSQL's work and "
        "without waiting for a busy CPU.",
        "",
        "| group | measurement | calls | median | p95 | budget (p95) | Django CPU | queries "
        "| seq scan on a big table | result |",
        "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | --- | --- |",
    ]
    for r in results:
        if r.verdict == "SKIP":
            continue
        median = f"{r.median_ms:.1f}" if r.median_ms is not None else "–"
        p95 = f"{r.p95_ms:.1f}" if r.p95_ms is not None else "–"
        cpu = f"{r.cpu_ms:.1f}" if r.cpu_ms is not None else "–"
        verdict = r.verdict if not r.note else f"{r.verdict}: {r.note}"
        lines.append(
            f"| {r.group} | {r.name} | {r.reps or '–'} | {median} | {p95} "
            f"| < {r.budget_ms:,.0f} | {cpu} | "
            f"{r.queries if r.queries is not None else '–'} | {', '.join(r.seq_scans) or 'no'} "
            f"| {verdict} |"
        )
    planned = [r for r in results if r.show_plan and r.queries is not None]
    if planned:
        lines += [
            "",
            "## Indexes used by the search box and the file",
            "",
            f"From EXPLAIN of every query one call makes; tables of {BIG_TABLE_ROWS:,} rows or "
            "more. `bench/run.py --explain` prints the plans in full.",
            "",
            "| measurement | indexes used | sequential scans |",
            "| --- | --- | --- |",
        ]
        lines += [
            f"| {r.name} | {', '.join(f'`{i}`' for i in r.indexes) or '–'} "
            f"| {', '.join(r.seq_scans) or 'none'} |"
            for r in planned
        ]
    lines += served_report(served, growth, args.served_reps)
    skipped = [r for r in results if r.verdict == "SKIP"]
    if skipped:
        lines += ["", "## Not measured yet", ""]
        lines += [f"- {r.name} ({r.group}): {r.note}." for r in skipped]
    lines.append("")
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--reps", type=int, default=30, help="timed calls per measurement (30)")
    parser.add_argument("--warmup", type=int, default=3, help="untimed calls first (3)")
    parser.add_argument("--only", help="run only the measurements whose name contains this")
    parser.add_argument(
        "--explain",
        action="store_true",
        help="print EXPLAIN (ANALYZE, BUFFERS) of the search and file queries; no timing",
    )
    parser.add_argument(
        "--no-write", action="store_true", help="print the results without writing RESULTS.md"
    )
    parser.add_argument(
        "--served-reps",
        type=int,
        default=50,
        help="requests per served measurement, each beside its floor (50)",
    )
    parser.add_argument(
        "--no-served", action="store_true", help="skip the served (gunicorn) measurements"
    )
    parser.add_argument(
        "--orders",
        type=int,
        help="work orders in the dataset (default 1,000,000); another number reloads the orders",
    )
    parser.add_argument(
        "--prepare-only", action="store_true", help="load the dataset and stop; measure nothing"
    )
    args = parser.parse_args()
    if not 1 <= args.reps <= 1000 or not 0 <= args.warmup <= 100:
        parser.error("--reps must be 1..1000 and --warmup 0..100")
    if args.orders is not None and not 100 <= args.orders <= 10_000_000:
        parser.error("--orders must be 100..10,000,000")

    _setup_django()
    for module in MEASUREMENT_MODULES:
        importlib.import_module(module)
    from bench import orders_dataset
    from bench.dataset import prepare
    from bench.measurements import Context

    def log(message: str) -> None:
        print(message, flush=True)

    if args.orders is not None:
        orders_dataset.configure(args.orders)
    started = time.perf_counter()
    dataset = prepare(log=log)
    if args.prepare_only:
        for name, size in dataset.sizes.items():
            log(f"  {name}: {size:,}")
        log(f"dataset ready in {time.perf_counter() - started:.0f} s")
        return 0
    build_note = (
        f"parts built by this run: {', '.join(dataset.built)}, "
        f"{time.perf_counter() - started:.0f} s including migrations"
        if dataset.built
        else "dataset reused from an earlier run"
    )
    ctx = Context(dataset)
    load_before = os.getloadavg()[0]
    if load_before > (os.cpu_count() or 1):
        log(f"note: load average {load_before:.1f}, other work is running; times will be inflated")
    results = run_measurements(ctx, args, log)
    if args.explain:
        return 0
    served: dict[str, Any] = {"served": [], "creation": None}
    if not args.no_served:
        from bench.orders import served_run

        log(f"served measurements: gunicorn, 2 workers, {args.served_reps} requests each")
        served = served_run(
            ctx, reps=args.served_reps, warmup=args.warmup + 2, only=args.only, log=log
        )
    load = f"{load_before:.1f} and {os.getloadavg()[0]:.1f}"
    growth = served_growth(served["served"], ctx.dataset.sizes)
    text = report(results, ctx, args, build_note, load, served, growth)
    print("\n" + text)
    if not args.no_write and not args.only:
        (ROOT / "bench" / "RESULTS.md").write_text(text, encoding="utf-8")
        log("written to bench/RESULTS.md")
        saved = save_json(results, served, growth, ctx, load)
        log(f"written to {saved.relative_to(ROOT)}")
    failed = [r for r in results if r.verdict == "FAIL"]
    failed += [r for r in served["served"] if r.verdict == "FAIL"]
    failed += [g for g in growth if g["verdict"] == "FAIL"]
    if served["creation"] and served["creation"]["verdict"] == "FAIL":
        failed.append(Result("order creation", "orders", 0, "FAIL"))
    if failed:
        log(
            f"{len(failed)} budget(s) missed: "
            + "; ".join(r["name"] if isinstance(r, dict) else r.name for r in failed)
        )
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
