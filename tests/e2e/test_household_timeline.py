"""In a real browser: the household file's orders open their timelines on demand."""

import pytest
from playwright.sync_api import expect

from frontdesk.core.roles import Role
from tests.factories import PASSWORD, UserFactory
from tickets import services

pytestmark = pytest.mark.browser


def test_opening_an_orders_timeline_on_the_file_reads_its_events(page, project, household):
    """The file lists the order without its events; opening "时间线" fetches them (under the
    page's content security policy) and shows the registration and the dispatch."""
    desk = UserFactory(role=Role.DESK, projects=[project], username="desk-timeline")
    engineer = UserFactory(role=Role.ENGINEERING, projects=[project], username="eng-timeline")
    ticket = services.ticket_register(
        project=project, kind="repair", matter="厨房水龙头漏水", household=household, by=desk
    )
    services.ticket_dispatch(ticket=ticket, by=desk, assignee=engineer)

    page.goto("/login/")
    page.fill("#id_username", "desk-timeline")
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.goto(f"/households/{household.pk}/")
    row = page.locator("table.tickets-of-household tr", has_text=ticket.serial)
    timeline = row.locator("details ul.timeline")
    expect(timeline.locator("li")).to_have_count(1)  # the link to the order, nothing read yet
    row.locator("summary").click()
    expect(timeline.locator("li")).to_have_count(2)
    expect(timeline).to_contain_text(desk.get_full_name() or desk.username)
