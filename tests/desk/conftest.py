"""Fixtures of the desk's records: two clerks of the same desk, the manager, and helpers."""

import datetime as dt

import pytest
from django.utils import timezone

from frontdesk.core.roles import Role
from frontdesk.desk import services
from tests.factories import BuildingFactory, HouseholdFactory, UnitFactory, UserFactory


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def incoming(project):
    """The clerk of the shift after desk_user's."""
    return UserFactory(role=Role.DESK, projects=[project], username="desk-next")


@pytest.fixture
def manager(project):
    return UserFactory(role=Role.MANAGER, projects=[project], username="manager1")


@pytest.fixture
def other_household(other_project):
    building = BuildingFactory(project=other_project, number="9")
    unit = UnitFactory(building=building, project=other_project, number="0901", floor=9)
    return HouseholdFactory(unit=unit, project=other_project)


def entry_data(household=None, **overrides):
    values = {
        "channel": "phone",
        "kind": "consultation",
        "matter": "问物业费缴费时间",
        "caller_name": "王建国",
        "caller_phone": "13812345678",
        "household": household,
    }
    values.update(overrides)
    return services.EntryInput(**values)


@pytest.fixture
def record(project, desk_user, household):
    """Record a duty-log entry for the household through the service."""

    def make(by=None, **overrides):
        data = entry_data(overrides.pop("household", household), **overrides)
        return services.entry_record(project=project, by=by or desk_user, data=data)

    return make


@pytest.fixture
def shifts(project, desk_user, incoming):
    """Today's morning shift (desk_user) and afternoon shift (incoming)."""
    start = timezone.now().replace(hour=0, minute=0, second=0, microsecond=0)
    morning = services.shift_plan(
        project=project,
        clerk=desk_user,
        starts_at=start + dt.timedelta(hours=8),
        ends_at=start + dt.timedelta(hours=14),
        by=desk_user,
    )
    afternoon = services.shift_plan(
        project=project,
        clerk=incoming,
        starts_at=start + dt.timedelta(hours=14),
        ends_at=start + dt.timedelta(hours=20),
        by=desk_user,
    )
    return morning, afternoon
