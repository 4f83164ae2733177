"""In real Chromium at 390 px: a worker opens the order on a phone and takes their steps
(accept, arrive on site, complete) with the page no wider than the screen."""

import pytest

from tests.tickets.factories import register
from tickets import services
from tickets.choices import TicketStatus

from .test_repair_flow import log_in

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}


def page_width(page):
    return page.evaluate("document.documentElement.scrollWidth")


def test_worker_takes_the_steps_one_handed_on_a_phone(page, desk_user, engineer, household):
    """At 390 px the order page does not scroll sideways, the top bar's links stay whole,
    and the worker's accept, arrive and complete buttons are on screen and tall enough for a
    thumb; each step is recorded."""
    ticket = register(household=household, by=desk_user, matter="卫生间地漏堵塞")
    services.ticket_dispatch(ticket=ticket, by=desk_user, assignee=engineer)
    page.set_viewport_size(PHONE)
    log_in(page, engineer)
    page.goto(f"/tickets/{ticket.pk}/")
    assert page_width(page) <= PHONE["width"]
    for link in page.locator(".mainnav a").all():
        assert link.bounding_box()["height"] < 30  # one line, not a character per line

    for step, status in (("accept", TicketStatus.ACCEPTED), ("arrive", TicketStatus.ARRIVED)):
        button = page.locator(f"#act-{step}")
        button.scroll_into_view_if_needed()
        box = button.bounding_box()
        assert box["height"] >= 40 and box["x"] >= 0 and box["x"] + box["width"] <= 390
        button.click()
        page.wait_for_load_state()
        ticket.refresh_from_db()
        assert ticket.status == status
        assert page_width(page) <= PHONE["width"]

    complete = page.locator("#action-complete")
    if complete.get_attribute("open") is None:
        complete.locator("summary").click()
    complete.locator("textarea").fill("疏通地漏")
    submit = complete.locator("button[type=submit]")
    box = submit.bounding_box()
    assert box["height"] >= 40 and box["x"] + box["width"] <= 390
    submit.click()
    page.wait_for_load_state()
    ticket.refresh_from_db()
    assert ticket.status == TicketStatus.DONE and ticket.result == "疏通地漏"
    assert page_width(page) <= PHONE["width"]
