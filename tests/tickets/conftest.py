"""Fixtures of the work-order tests: the staff of each department and a household elsewhere."""

import pytest

from frontdesk.core.roles import Role
from tests.factories import BuildingFactory, HouseholdFactory, UnitFactory, UserFactory


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """Staff made by the fixtures get a cheap password hash: these tests are about orders."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def cleaner(project):
    return UserFactory(role=Role.CLEANING, projects=[project], username="cleaner1")


@pytest.fixture
def gardener(project):
    return UserFactory(role=Role.GREENING, projects=[project], username="gardener1")


@pytest.fixture
def manager(project):
    return UserFactory(role=Role.MANAGER, projects=[project], username="manager1")


@pytest.fixture
def other_household(other_project):
    building = BuildingFactory(project=other_project, number="9")
    unit = UnitFactory(building=building, project=other_project, number="0901", floor=9)
    return HouseholdFactory(unit=unit, project=other_project)


@pytest.fixture
def second_household(building):
    unit = UnitFactory(building=building, project=building.project, number="0802", floor=8)
    return HouseholdFactory(unit=unit, project=building.project)
