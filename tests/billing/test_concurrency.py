"""Receipts and the bill run under concurrency on PostgreSQL: no gap, no double bill."""

import datetime as dt
import threading
from decimal import Decimal

import pytest
from django.db import connection, transaction

from billing import services
from billing.models import Bill, BillLine, Payment, Receipt
from tests.factories import HouseholdFactory, UnitFactory
from tests.tickets.factories import TicketFactory

from .conftest import at, make_bill

THREADS = 6
PER_THREAD = 15


class RolledBack(Exception):
    """Raised inside a payment's transaction to undo it on purpose."""


def _run_threads(target, count):
    barrier = threading.Barrier(count)
    errors = []

    def work(number):
        try:
            barrier.wait(timeout=30)
            target(number)
        except BaseException as error:  # noqa: BLE001 - reported by the main thread
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=work, args=(n,)) for n in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not errors, errors


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_payments_leave_no_gap_in_receipts(household, second_household, cashier):
    """6 threads × 15 payments at once, some rolled back: receipts run 1..n without a gap,
    one per payment kept."""
    make_bill(household, dt.date(2026, 1, 1), "5000.00")
    make_bill(second_household, dt.date(2026, 1, 1), "5000.00")

    def pay(number):
        for i in range(PER_THREAD):
            try:
                with transaction.atomic():
                    services.payment_take(
                        household=household if (number + i) % 2 else second_household,
                        amount="1.00",
                        method="cash",
                        taken_by=cashier,
                    )
                    if i % 5 == 2:
                        raise RolledBack
            except RolledBack:
                pass

    _run_threads(pay, THREADS)
    sequences = list(Receipt.objects.order_by("sequence").values_list("sequence", flat=True))
    kept = Payment.objects.count()
    assert kept == THREADS * PER_THREAD - THREADS * 3
    assert sequences == list(range(1, kept + 1))
    assert sum(b.allocations.count() for b in Bill.objects.all()) == kept


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_bill_runs_at_once_bill_each_household_once(project, building, cashier, service_fee):
    """Two workers running the same month at once: one bill per household, each paid order
    on exactly one bill."""
    households = []
    for n in range(12):
        unit = UnitFactory(building=building, project=project, number=f"20{n:02d}", floor=20)
        households.append(
            HouseholdFactory(unit=unit, project=project, moved_in_on=dt.date(2025, 6, 1))
        )
    for household in households[:4]:
        TicketFactory(
            project=project,
            household=household,
            paid=True,
            fee_charged=Decimal("35.00"),
            done_at=at(2026, 1, 9),
            status="returned",
        )
    results = []

    def run(_number):
        results.append(
            services.bill_run(project=project, month=dt.date(2026, 1, 1), today=dt.date(2026, 2, 1))
        )

    _run_threads(run, 2)
    assert Bill.objects.count() == 12
    assert sorted(r.created for r in results) == [0, 12]
    assert BillLine.objects.filter(ticket__isnull=False).count() == 4
    assert BillLine.objects.filter(kind="service_fee").count() == 12
