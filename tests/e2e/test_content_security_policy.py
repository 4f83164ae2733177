"""In a real browser, under the Content-Security-Policy: no page breaks it, and pages still work."""

import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from frontdesk.core.roles import Role
from tests.factories import PASSWORD, UserFactory
from tests.pages.helpers import fill_file
from tests.tickets.factories import register
from tickets import statistics

pytestmark = pytest.mark.browser


def test_desk_pages_run_without_a_single_policy_violation(page, project, household):
    """Search, household file, order, complaint statistics (chart) and API docs work under the
    policy, and Chromium reports no refused script, style or image on any of them."""
    desk = UserFactory(role=Role.SUPERVISOR, projects=[project], username="csp-e2e")
    fill_file(household, desk, 1)
    ticket = register(household=household, by=desk)
    period = statistics.last_complete_period()
    statistics.complaint_report_issue(project=project, period=period, by=desk)
    refused = []

    def watch(message):
        if "Content Security Policy" in message.text:
            refused.append(f"{page.url}: {message.text}")

    page.on("console", watch)

    page.goto("/login/")
    page.fill("#id_username", "csp-e2e")
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    # The search box: its own script (static/js/search.js) and htmx's requests.
    page.locator("#household-q").press_sequentially("3-15", delay=40)
    expect(page.locator("#search-results a.row").first).to_contain_text("3-1502")
    page.locator("#search-results a.row").first.click()
    expect(page.locator("#panel-persons")).to_contain_text("王建国")

    page.goto(reverse("tickets:detail", args=[ticket.pk]))
    expect(page.locator("body")).to_contain_text(ticket.serial)

    url = reverse("tickets:complaint-report", kwargs={"period": period})
    page.goto(f"{url}?project={project.pk}")
    # Chart.js draws into its canvas only if its script ran.
    page.wait_for_function(
        "() => [...document.querySelectorAll('canvas')]"
        ".some(c => window.Chart && Chart.getChart(c))"
    )

    page.goto(reverse("api-docs"))
    # The schema is generated on request: give it time on a busy machine.
    expect(page.locator(".swagger-ui .info")).to_contain_text(
        re.compile("Front desk API"), timeout=60000
    )

    assert refused == []
