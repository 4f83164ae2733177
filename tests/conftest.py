"""Fixtures shared by the whole suite.

In CI (CI=true) the suite runs on PostgreSQL and Redis; a test marked
`postgres` fails there if the database is anything else, rather than skipping.
"""

import os

import pytest
from django.conf import settings
from django.db import connection
from rest_framework.test import APIClient

from frontdesk.core.roles import Role

from .factories import (
    BuildingFactory,
    HouseholdFactory,
    PersonFactory,
    ProjectFactory,
    UnitFactory,
    UserFactory,
)

IN_CI = os.environ.get("CI", "").lower() == "true"


def pytest_collection_modifyitems(config, items):
    for item in items:
        if "browser" in item.keywords or "celery_worker" in item.keywords:
            item.add_marker(pytest.mark.django_db(transaction=True))


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    """Uploaded files of a test go to a temporary folder."""
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """Staff passwords of a test are hashed cheaply; the production hasher is slow on purpose.

    Hashes made with the default hasher (demo data, fixtures) still verify.
    """
    settings.PASSWORD_HASHERS = [
        "django.contrib.auth.hashers.MD5PasswordHasher",
        *settings.PASSWORD_HASHERS,
    ]


@pytest.fixture(autouse=True)
def _require_postgres(request):
    if request.node.get_closest_marker("postgres") is None:
        return
    if connection.vendor != "postgresql":
        if IN_CI:
            pytest.fail("This test needs PostgreSQL and CI must provide it (DATABASE_URL).")
        pytest.skip("needs PostgreSQL: set DATABASE_URL")


@pytest.fixture
def project(db):
    return ProjectFactory(code="east", name="东湖花园")


@pytest.fixture
def other_project(db):
    return ProjectFactory(code="west", name="西山苑")


def _user(role, projects, **kwargs):
    return UserFactory(role=role, projects=projects, **kwargs)


@pytest.fixture
def desk_user(project):
    return _user(Role.DESK, [project], username="desk1")


@pytest.fixture
def supervisor(project):
    return _user(Role.SUPERVISOR, [project], username="supervisor1")


@pytest.fixture
def engineer(project):
    return _user(Role.ENGINEERING, [project], username="engineer1")


@pytest.fixture
def butler(project):
    return _user(Role.BUTLER, [project], username="butler1")


@pytest.fixture
def other_desk_user(other_project):
    return _user(Role.DESK, [other_project], username="desk2")


@pytest.fixture
def building(project, butler):
    return BuildingFactory(project=project, number="3", butler=butler)


@pytest.fixture
def unit(building):
    return UnitFactory(building=building, project=building.project, number="1502", floor=15)


@pytest.fixture
def household(unit):
    household = HouseholdFactory(unit=unit, project=unit.project)
    PersonFactory(household=household, project=unit.project, name="王建国", phone="13812345678")
    return household


@pytest.fixture
def api_client():
    return APIClient()


@pytest.fixture
def desk_api(api_client, desk_user):
    api_client.force_authenticate(desk_user)
    return api_client


@pytest.fixture
def chromium_path():
    return os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")


@pytest.fixture
def browser(chromium_path, monkeypatch):
    """A real headless Chromium driven by Playwright (never a downloaded browser)."""
    # Playwright's sync API runs an event loop in this thread; the ORM calls the
    # test makes around it are synchronous and safe. Only for this test: the
    # deployment check refuses the variable, and later tests must not inherit it.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    if not os.path.exists(chromium_path):
        pytest.fail(f"Chromium not found at {chromium_path}: .ci/run installs Debian's chromium.")
    with sync_playwright() as pw:
        instance = pw.chromium.launch(
            executable_path=chromium_path,
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
            ],
        )
        yield instance
        instance.close()


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(locale="zh-CN", base_url=live_server.url)
    page = context.new_page()
    page.set_default_timeout(15000)
    yield page
    context.close()


__all__ = ["settings"]
