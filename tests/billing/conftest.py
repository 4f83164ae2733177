"""Fixtures of the fee tests: a cashier, a manager, rates, and bills made by the bill run."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from billing import services
from billing.choices import ChargeKind
from billing.models import Bill
from frontdesk.core.roles import Role
from tests.factories import HouseholdFactory, UnitFactory, UserFactory


@pytest.fixture
def cashier(project):
    return UserFactory(role=Role.CASHIER, projects=[project], username="cashier1")


@pytest.fixture
def manager(project):
    return UserFactory(role=Role.MANAGER, projects=[project], username="manager1")


@pytest.fixture
def manager2(project):
    return UserFactory(role=Role.MANAGER, projects=[project], username="manager2")


@pytest.fixture
def other_cashier(other_project):
    return UserFactory(role=Role.CASHIER, projects=[other_project], username="cashier2")


@pytest.fixture
def service_fee(project, cashier):
    """2.50 yuan per m² and month for apartments, from 2025."""
    return services.charge_standard_create(
        project=project,
        kind=ChargeKind.SERVICE_FEE,
        unit_type="apartment",
        name="物业服务费",
        rate="2.50",
        valid_from=dt.date(2025, 1, 1),
        reference="深价〔2024〕12号",
        by=cashier,
    )


def at(year, month, day, hour=10):
    return timezone.make_aware(dt.datetime(year, month, day, hour))


def make_bill(household, period, amount, *, due_days=30):
    """An issued bill written directly (for ledger and report tests that need exact amounts)."""
    first = period.replace(day=1)
    return Bill.objects.create(
        project=household.project,
        household=household,
        period=first,
        status="issued",
        amount=Decimal(amount),
        issued_at=at(first.year, first.month, 1),
        due_on=services.month_end(first) + dt.timedelta(days=due_days),
    )


@pytest.fixture
def second_household(building):
    unit = UnitFactory(building=building, project=building.project, number="1503", floor=15)
    return HouseholdFactory(unit=unit, project=unit.project)
