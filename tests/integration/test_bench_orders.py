"""The work-order benchmark still runs: its dataset at a tiny scale, its served run against a
real gunicorn, its jobs in process.

`make bench` runs at a million orders on a quiet machine, where its budgets are judged;
here every measurement only has to run and answer: a page that starts failing, a floor
whose SQL no longer matches the schema, a job whose signature changed, or an order
registered through the API with a gap in its serials fails CI instead of the next
benchmark.
"""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from django.contrib.auth import get_user_model

from bench import dataset, orders, orders_dataset, served
from frontdesk.core.models import Project
from tests.integration.conftest import test_database_url as database_url
from tests.integration.test_bench_dataset import _tiny_estates as tiny_estates

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def tiny(monkeypatch):
    """Households and 300 orders at a tiny scale, committed, so that gunicorn sees them."""
    tiny_estates(monkeypatch)
    orders_dataset._OrdersBuilder(lambda _line: None).run()
    user = get_user_model().objects.get(username=dataset.DESK_USERNAME)
    project = Project.objects.get(code=dataset.PROJECT_PLANS[0].code)
    return SimpleNamespace(
        dataset=SimpleNamespace(user=user, project=project, supervisor=user, sizes={})
    )


def test_every_served_measurement_answers_beside_its_floor(tiny, monkeypatch):
    """Against gunicorn with the production settings, every page, list, report and print of
    the benchmark answers 2xx, every floor answers, each request reports its query count,
    and orders registered by 8 clients at once are stored with no serial gap."""
    monkeypatch.setenv("DATABASE_URL", database_url())
    monkeypatch.setattr(orders, "CREATION_SECONDS", 3)
    lines: list[str] = []
    out = orders.served_run(tiny, reps=2, warmup=1, only=None, log=lines.append)

    results = {r.name: r for r in out["served"]}
    assert set(results) == {m.name for m in served.SERVED}
    failed = {name: r.note for name, r in results.items() if r.note}
    assert not failed, failed
    for r in results.values():
        assert r.reps == 2 and r.median_ms is not None and r.queries is not None, r.name
    with_floor = [r for r in results.values() if r.floor_median_ms is not None]
    assert len(with_floor) >= 15
    creation = out["creation"]
    assert creation["orders"] > 0 and creation["stored"] == creation["orders"]
    assert creation["gaps"] == [] and creation["failures"] == []


def test_job_measurements_run_in_process(tiny):
    """The sweep, the statistics and the weekly and end-of-day jobs run as the benchmark
    calls them (the sweep acts on the 100 deadlines it made due, and only on those)."""
    from bench.measurements import REGISTRY
    from frontdesk.core.models import Deadline

    jobs = [m for m in REGISTRY if m.group == orders.JOB_GROUP]
    assert len(jobs) == 5
    open_before = Deadline.objects.filter(state="open").count()
    for m in jobs:
        call = m.prepare(tiny)
        result = call(0)
        if m.name.startswith("sweep"):
            assert result.deadlines == min(orders.NEWLY_DUE, open_before)


def test_served_growth_compares_ratios_to_each_runs_floor(tmp_path, monkeypatch):
    """A page whose ratio to its floor is the same at ten times the orders passes the growth
    budget; one whose ratio doubled fails it, as does one whose queries changed."""
    import json

    from bench import run

    monkeypatch.setattr(run, "RESULTS_DIR", tmp_path)
    monkeypatch.setattr(run, "_order_count", lambda: 1_000_000)
    (tmp_path / "then.json").write_text(
        json.dumps(
            {
                "data": {"orders": 100_000},
                "served": [
                    {"name": "steady", "median_ms": 10.0, "ratio": 2.0, "queries": 8},
                    {"name": "slower", "median_ms": 10.0, "ratio": 2.0, "queries": 8},
                    {"name": "chatty", "median_ms": 10.0, "ratio": 2.0, "queries": 8},
                ],
            }
        )
    )

    def result(name: str, median: float, floor: float, queries: int) -> served.ServedResult:
        r = served.ServedResult(name, orders.LIST_GROUP, served.PAGE_BUDGET)
        r.median_ms, r.floor_median_ms, r.queries = median, floor, queries
        return r

    growth = run.served_growth(
        [
            result("steady", 12.0, 6.0, 8),
            result("slower", 24.0, 6.0, 8),
            result("chatty", 12.0, 6.0, 9),
        ],
        {},
    )
    verdicts = {g["name"]: g["verdict"] for g in growth}
    assert verdicts == {"steady": "PASS", "slower": "FAIL", "chatty": "FAIL"}
