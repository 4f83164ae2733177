"""In real Chromium: a patrol walked on a phone (390 px wide) and an incoming document's
page at the desk's 1366 px."""

import os

import pytest
from django.urls import reverse

from frontdesk.core.roles import Role
from frontdesk.registers.models import InspectionRun
from frontdesk.registers.services import documents as document_services
from frontdesk.registers.services import inspections as services
from tests.factories import UserFactory

from .test_repair_flow import log_in

pytestmark = pytest.mark.browser

OVERFLOW = "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
SHOTS = os.environ.get("SCREENSHOTS_DIR", "")


def _shot(page, name):
    if SHOTS:
        page.screenshot(path=os.path.join(SHOTS, f"{name}.png"), full_page=True)


def test_patrol_walked_on_a_phone(page, project, desk_user):
    """At 390 px every item's OK / Not OK fits without sideways scrolling; the failed item
    opens its rectification order, shown on the run's page."""
    supervisor = UserFactory(role=Role.SUPERVISOR, projects=[project], username="sup-e2e")
    checklist = services.checklist_create(
        project=project,
        by=supervisor,
        name="楼宇巡查",
        kind="patrol",
        times=["09:00", "13:00"],
        items=[
            services.ItemInput("消防通道畅通", "security"),
            services.ItemInput("电梯轿厢", "engineering"),
            services.ItemInput("楼道照明", "engineering"),
        ],
    )
    page.set_viewport_size({"width": 390, "height": 844})
    log_in(page, desk_user)
    page.goto(reverse("registers:inspection-walk", args=[checklist.pk]))
    assert page.evaluate(OVERFLOW) <= 0
    items = list(checklist.items.all())
    for item in items:
        page.check(f"input[name='ok_{item.pk}'][value='ok']")
    page.check(f"input[name='ok_{items[1].pk}'][value='not_ok']")
    page.fill(f"input[name='note_{items[1].pk}']", "轿厢顶灯不亮")
    _shot(page, "walk-390")
    page.click("button[type=submit]")
    page.wait_for_url("**/registers/inspections/*/")
    run = InspectionRun.objects.get()
    ticket = run.results.get(ok=False).ticket
    assert ticket.serial in page.content()
    assert page.evaluate(OVERFLOW) <= 0
    _shot(page, "run-390")
    page.goto(reverse("registers:inspections-today"))
    assert page.evaluate(OVERFLOW) <= 0
    _shot(page, "today-390")


def test_document_page_at_the_desk(page, project, desk_user):
    """At 1366×768 the register and a document's page show without sideways scrolling."""
    document = document_services.document_register(
        project=project,
        by=desk_user,
        data=document_services.DocumentInput(sender="区住建局", title="冬季消防安全检查通知"),
    )
    page.set_viewport_size({"width": 1366, "height": 768})
    log_in(page, desk_user)
    page.goto(reverse("registers:documents"))
    assert "冬季消防安全检查通知" in page.content() and page.evaluate(OVERFLOW) <= 0
    _shot(page, "documents-1366")
    page.goto(reverse("registers:document", args=[document.pk]))
    assert page.evaluate(OVERFLOW) <= 0
    _shot(page, "document-1366")
