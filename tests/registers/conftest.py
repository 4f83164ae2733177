"""Fixtures shared by the registers' tests (the desk's fixtures come from tests/conftest.py)."""

import pytest

from frontdesk.core.roles import Role
from tests.factories import UserFactory


@pytest.fixture
def manager(project):
    return UserFactory(role=Role.MANAGER, projects=[project], username="manager1")


@pytest.fixture
def cleaner(project):
    return UserFactory(role=Role.CLEANING, projects=[project], username="cleaner1")


@pytest.fixture
def guard(project):
    return UserFactory(role=Role.SECURITY, projects=[project], username="guard1")
