"""In a real browser: a desk left alone locks itself; the clerk's password unlocks it."""

import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from frontdesk.core.roles import Role
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.browser


def test_idle_page_locks_itself_and_the_password_brings_it_back(page, project, household, settings):
    """With SCREEN_LOCK_MINUTES at 3 seconds, an untouched household file turns into the unlock
    page, which hides the file; the password returns to the file."""
    settings.SCREEN_LOCK_MINUTES = 0.05
    UserFactory(role=Role.DESK, projects=[project], username="lock-e2e")
    page.goto("/login/")
    page.fill("#id_username", "lock-e2e")
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    file_url = reverse("household-file", args=[household.pk])
    page.goto(file_url)
    expect(page.locator("#panel-persons")).to_contain_text("13812345678")

    expect(page).to_have_url(re.compile(r"/unlock/"), timeout=20000)
    expect(page.locator("body")).not_to_contain_text("13812345678")
    page.goto(file_url)  # typing the address does not get round the lock
    expect(page).to_have_url(re.compile(r"/unlock/"))

    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    expect(page).to_have_url(re.compile(rf"{file_url}$"))
    expect(page.locator("#panel-persons")).to_contain_text("13812345678")


def test_lock_button_locks_at_once(page, project, household):
    """The top bar's "Lock screen" locks the desk immediately."""
    UserFactory(role=Role.DESK, projects=[project], username="lock-e2e2")
    page.goto("/login/")
    page.fill("#id_username", "lock-e2e2")
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.click("#screen-lock button")
    expect(page).to_have_url(re.compile(r"/unlock/"))
    expect(page.locator(".mainnav")).to_have_count(0)
