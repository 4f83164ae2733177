"""Overtime air-conditioning: hours × the rate of the day, on exactly one bill."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied

from billing import services
from billing.choices import ChargeKind
from billing.models import AirconOvertime, BillLine, DeskCharge
from frontdesk.core.errors import ApplicationError

pytestmark = pytest.mark.django_db

JAN = dt.date(2026, 1, 1)
FEB = dt.date(2026, 2, 1)


@pytest.fixture
def aircon_rates(project, cashier):
    """80 yuan an hour in 2025, 96.50 from 2026."""
    old = services.charge_standard_create(
        project=project,
        kind=ChargeKind.AIRCON_OVERTIME,
        name="加班空调费",
        rate="80.00",
        valid_from=dt.date(2025, 1, 1),
        valid_to=dt.date(2025, 12, 31),
        by=cashier,
    )
    new = services.charge_standard_create(
        project=project,
        kind=ChargeKind.AIRCON_OVERTIME,
        name="加班空调费",
        rate="96.50",
        valid_from=dt.date(2026, 1, 1),
        by=cashier,
    )
    return old, new


def record(household, by, *, day=dt.date(2026, 1, 10), **kwargs):
    return services.aircon_overtime_record(household=household, used_on=day, by=by, **kwargs)


def test_amount_is_hours_times_the_rate_valid_that_day(aircon_rates, household, desk_user):
    """3.5 hours in 2025 at 80.00, and 18:00–20:20 in 2026 at 96.50 rounded half-up."""
    old = record(household, desk_user, day=dt.date(2025, 12, 30), hours="3.5")
    assert old.amount == Decimal("280.00") and old.standard == aircon_rates[0]
    new = record(household, desk_user, starts_at=dt.time(18), ends_at=dt.time(20, 20))
    # 2 h 20 min = 2.33 h; 2.33 × 96.50 = 224.845 → 224.85
    assert new.hours == Decimal("2.33") and new.amount == Decimal("224.85")
    assert new.desk_charge.kind == "aircon_overtime" and new.desk_charge.amount == new.amount
    assert new.desk_charge.charged_on == dt.date(2026, 1, 10)


def test_refused_without_a_standard(project, household, desk_user):
    """A project without an overtime air-conditioning rate on the day: nothing recorded."""
    with pytest.raises(ApplicationError) as error:
        record(household, desk_user, hours="2")
    assert "used_on" in error.value.fields
    assert not AirconOvertime.objects.exists() and not DeskCharge.objects.exists()


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"hours": "-1"}, "hours"),
        ({"hours": "0"}, "hours"),
        ({"hours": "24.5"}, "hours"),
        ({"hours": "1.255"}, "hours"),
        ({"hours": "abc"}, "hours"),
        ({}, "hours"),
        ({"starts_at": dt.time(20), "ends_at": dt.time(18)}, "ends_at"),
        ({"starts_at": dt.time(20), "ends_at": dt.time(20)}, "ends_at"),
        ({"starts_at": dt.time(20)}, "ends_at"),
    ],
)
def test_bad_hours_are_refused(aircon_rates, household, desk_user, kwargs, field):
    """Negative, zero, over 24 or over-precise hours, an end not after its start: refused."""
    with pytest.raises(ApplicationError) as error:
        record(household, desk_user, **kwargs)
    assert field in error.value.fields
    assert not AirconOvertime.objects.exists()


def test_a_day_in_the_future_is_refused(aircon_rates, household, desk_user):
    """Overtime air-conditioning is recorded after it is used."""
    with pytest.raises(ApplicationError) as error:
        record(household, desk_user, day=dt.date(2099, 1, 1), hours="1")
    assert "used_on" in error.value.fields


def test_lands_on_exactly_one_bill(project, aircon_rates, cashier, desk_user, household):
    """The bill run puts it on January's bill once; a second run and February's add nothing."""
    used = record(household, desk_user, hours="2")
    for _run in range(2):
        services.bill_run(project=project, month=JAN, by=cashier, today=FEB)
    services.bill_run(project=project, month=FEB, by=cashier, today=dt.date(2026, 3, 1))
    lines = BillLine.objects.filter(desk_charge=used.desk_charge)
    assert lines.count() == 1
    assert lines[0].bill.period == JAN and lines[0].amount == Decimal("193.00")


def test_roles(aircon_rates, household, desk_user, cashier, butler, manager):
    """The desk and the cashier record it; a butler or a manager may not."""
    record(household, desk_user, hours="1")
    record(household, cashier, hours="1")
    for user in (butler, manager):
        with pytest.raises(PermissionDenied):
            record(household, user, hours="1")
    assert AirconOvertime.objects.count() == 2


def test_another_projects_household_is_refused(aircon_rates, household, other_desk_user):
    """The desk of another project cannot charge this household."""
    with pytest.raises(ApplicationError) as error:
        record(household, other_desk_user, hours="1")
    assert "household" in error.value.fields
