"""The benchmark's dataset still loads into the current schema.

The benchmark writes its rows with COPY, column by column, so a column added to a
model without a default breaks `make bench` without any other test noticing. This
builds the same dataset at a tiny scale (2 + 2 buildings of 2 floors × 3 units) with
the real builder, in the test database.
"""

from collections import Counter

import pytest
import time_machine

from bench import dataset
from residents.models import ChangeRecord, Household, MoveIn, Person

pytestmark = pytest.mark.django_db


def test_households_part_loads_at_a_tiny_scale(monkeypatch):
    """Every table the households part fills accepts its rows, and the counts add up."""
    monkeypatch.setattr(dataset, "FLOORS", 2)
    monkeypatch.setattr(dataset, "UNITS_PER_FLOOR", 3)
    monkeypatch.setattr(dataset, "HOUSEHOLDS", 30)
    monkeypatch.setattr(
        dataset,
        "PROJECT_PLANS",
        [dataset.ProjectPlan(p.code, p.name, 2, p.handover) for p in dataset.PROJECT_PLANS],
    )
    lines: list[str] = []
    dataset._HouseholdsBuilder(lines.append).run()
    assert Household.objects.count() == 30
    assert MoveIn.objects.count() == 30
    assert Person.objects.count() >= 30
    moved_out = Household.objects.filter(moved_out_on__isnull=False).count()
    assert ChangeRecord.objects.count() == 30 + moved_out
    assert not ChangeRecord.objects.filter(author_name="").exists()
    assert dataset._households_loaded()


def _tiny_estates(monkeypatch):
    """The households part at a tiny scale, and 3 small estates of 1 building instead of 18."""
    from bench import orders_dataset

    monkeypatch.setattr(dataset, "FLOORS", 2)
    monkeypatch.setattr(dataset, "UNITS_PER_FLOOR", 3)
    monkeypatch.setattr(dataset, "HOUSEHOLDS", 30)
    monkeypatch.setattr(
        dataset,
        "PROJECT_PLANS",
        [dataset.ProjectPlan(p.code, p.name, 2, p.handover) for p in dataset.PROJECT_PLANS],
    )
    small = [dataset.ProjectPlan(p.code, p.name, 1, p.handover) for p in orders_dataset.SMALL_PLANS]
    monkeypatch.setattr(orders_dataset, "SMALL_PLANS", small[:3])
    monkeypatch.setattr(dataset, "MORE_PLANS", small[:3])
    monkeypatch.setattr(orders_dataset, "SMALL_FLOORS", 2)
    monkeypatch.setattr(orders_dataset, "SMALL_UNITS_PER_FLOOR", 3)
    monkeypatch.setattr(orders_dataset, "FIFTY_ORDERS_UNIT", "1-101")
    monkeypatch.setattr(orders_dataset, "ORDERS", 300)
    dataset._HouseholdsBuilder(lambda _line: None).run()


def test_orders_part_loads_at_a_tiny_scale(monkeypatch):
    """300 orders load into every order table with the foreign keys checked: serials run
    without gaps per counter, the next order the service registers takes the next serial,
    one household has exactly fifty orders, and a sweep at SWEEP_AT finds nothing to do."""
    import datetime as dt

    from django.db import connection
    from django.db.models import Count
    from sequences.models import Sequence as CounterRow

    from bench import orders_dataset
    from frontdesk.core.deadlines import deadline_sweep_plan
    from frontdesk.core.models import Deadline, Project
    from tickets import services
    from tickets.choices import TicketKind
    from tickets.models import Callback, Ticket, TicketEvent

    _tiny_estates(monkeypatch)
    lines: list[str] = []
    orders_dataset._OrdersBuilder(lines.append).run()
    with connection.cursor() as cursor:
        # Every reference the rows make is checked now, not at a commit that never comes.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")

    assert Project.objects.count() == 5
    assert Ticket.objects.count() == 300
    assert orders_dataset.is_loaded()
    assert set(Ticket.objects.values_list("kind", flat=True)) == set(TicketKind.values)
    by_project = dict(Ticket.objects.values_list("project__code").annotate(n=Count("id")))
    assert by_project["bench-east"] == 135 and by_project["bench-west"] == 90
    open_orders = Ticket.objects.exclude(status="closed")
    assert 9 <= open_orders.count() <= 30
    closed = Ticket.objects.filter(status="closed")
    assert Callback.objects.filter(reached=True, ticket__in=closed).count() == closed.count()
    assert TicketEvent.objects.count() >= 5 * 300
    assert Deadline.objects.filter(state="open").exists()
    assert deadline_sweep_plan(now=orders_dataset.SWEEP_AT) == []
    assert orders_dataset.household_with_fifty_orders().tickets.count() == 50

    # Serials: 1..n per project, kind and year, and the counter stands at n.
    counters = dict(
        CounterRow.objects.filter(name__startswith="ticket:").values_list("name", "last")
    )
    for (project_id, kind), _n in Counter(Ticket.objects.values_list("project_id", "kind")).items():
        for year in (2024, 2025, 2026):
            serials = sorted(
                Ticket.objects.filter(
                    project_id=project_id, kind=kind, serial__contains=f"-{year}-"
                ).values_list("serial", flat=True)
            )
            numbers = [int(s.rsplit("-", 1)[1]) for s in serials]
            assert numbers == list(range(1, len(numbers) + 1))
            if numbers:
                assert counters[f"ticket:{project_id}:{kind}:{year}"] == len(numbers)

    # The service continues the numbering of 2026 where the loaded orders stop.
    project = Project.objects.get(code="bench-east")
    last = Ticket.objects.filter(project=project, kind="repair", serial__contains="-2026-").count()
    desk = dataset.get_user_model().objects.get(username=dataset.DESK_USERNAME)
    with time_machine.travel(dt.datetime(2026, 11, 21, 9, 0, tzinfo=orders_dataset.ZONE)):
        ticket = services.ticket_register(
            project=project,
            kind="repair",
            matter="厨房水龙头漏水",
            by=desk,
            household=orders_dataset.household_with_fifty_orders(),
        )
    assert ticket.serial == f"WX-2026-{last + 1:06d}"


def test_orders_part_reloads_at_another_scale(monkeypatch):
    """Orders loaded at one scale are not taken for another: the build empties the order
    tables, keeps every household, and loads the new number."""
    from django.db import connection

    from bench import orders_dataset
    from residents.models import Household
    from tickets.models import Ticket

    _tiny_estates(monkeypatch)
    orders_dataset._OrdersBuilder(lambda _line: None).run()
    households = Household.objects.count()
    monkeypatch.setattr(orders_dataset, "ORDERS", 200)
    assert not orders_dataset.is_loaded()

    with connection.cursor() as cursor:
        # The first load's deferred foreign-key checks run now, as at its commit.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    orders_dataset._truncate_orders()
    orders_dataset._OrdersBuilder(lambda _line: None).run()
    assert Ticket.objects.count() == 200
    assert orders_dataset.is_loaded()
    assert Household.objects.count() == households
