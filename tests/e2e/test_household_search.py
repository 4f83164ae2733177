"""In a real browser: log in, find a household by typing, open its file."""

import re

import pytest
from playwright.sync_api import expect

from frontdesk.core.roles import Role
from tests.factories import PASSWORD, UserFactory
from tests.pages.helpers import fill_file

pytestmark = pytest.mark.browser

SCREENSHOT = "/tmp/pages-file.png"


def log_in(page, username):
    page.goto("/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_load_state()
    if page.url.endswith("/tickets/work/"):
        # A worker lands on their department's orders; the search is one click away.
        page.goto("/")
    expect(page.locator("#household-q")).to_be_focused()


def test_desk_types_a_unit_code_and_opens_the_file(page, project, household):
    """Typing 3-15 lists the household as you type; clicking it opens the whole file."""
    desk = UserFactory(role=Role.DESK, projects=[project], username="desk-e2e", first_name="周晓")
    fill_file(household, desk, 2)
    log_in(page, "desk-e2e")

    page.locator("#household-q").press_sequentially("3-15", delay=40)
    row = page.locator("#search-results a.row").first
    expect(row).to_contain_text("3-1502")
    expect(row).to_contain_text("王建国")
    expect(page).to_have_url(re.compile(r"\?q=3-15$"))

    row.click()
    expect(page).to_have_url(re.compile(rf"/households/{household.pk}/$"))
    expect(page.locator(".file-head")).to_contain_text(household.file_number)
    expect(page.locator("#panel-persons")).to_contain_text("王建国")
    expect(page.locator("#panel-persons")).to_contain_text("13812345678")
    expect(page.locator("#panel-history")).to_contain_text("周晓")
    page.set_viewport_size({"width": 1366, "height": 900})
    page.screenshot(path=SCREENSHOT, full_page=True)


def test_engineer_finds_by_phone_digits_and_sees_them_masked(page, project, household):
    """Part of a phone finds the household; an engineer sees the phone masked; ↓ Enter opens it."""
    UserFactory(role=Role.ENGINEERING, projects=[project], username="eng-e2e")
    log_in(page, "eng-e2e")

    page.locator("#household-q").press_sequentially("5678", delay=40)
    row = page.locator("#search-results a.row").first
    expect(row).to_contain_text("138****5678")
    page.keyboard.press("ArrowDown")
    expect(row).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator(".file-head")).to_contain_text(household.file_number)
    expect(page.locator("#panel-persons")).to_contain_text("王建国")
    expect(page.locator("#panel-persons")).not_to_contain_text("13812345678")
