"""In real Chromium at a desk monitor's size: a call rings, is logged and becomes an order;
the shift is handed over and acknowledged; the supervisor signs the day."""

import datetime as dt
import json
import urllib.request

import pytest
from django.utils import timezone

from frontdesk.core.roles import Role
from frontdesk.desk import services
from frontdesk.desk.models import DutyLogEntry, Extension, Handover, Review
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.browser

KEY = "pbx-key-of-east-estate-0123456789"


def log_in(page, user):
    page.goto("/login/")
    page.fill("#id_username", user.username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url("**/")


def ring(base_url, number, extension):
    request = urllib.request.Request(
        f"{base_url}/api/v1/calls/ring/",
        data=json.dumps({"number": number, "extension": extension}).encode(),
        headers={"Content-Type": "application/json", "X-Phone-Key": KEY},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310 (local server)
        assert response.status == 201


def test_the_desks_day_in_a_browser(
    browser, live_server, project, desk_user, supervisor, household, tmp_path
):
    """Ring → the household pops up → the call is logged by keyboard and becomes an order →
    the shift closes → the next clerk acknowledges → the supervisor signs the day."""
    incoming = UserFactory(role=Role.DESK, projects=[project], username="desk-next")
    start = timezone.now().replace(minute=0, second=0, microsecond=0) - dt.timedelta(hours=2)
    morning = services.shift_plan(
        project=project,
        clerk=desk_user,
        starts_at=start,
        ends_at=start + dt.timedelta(hours=4),
        by=supervisor,
    )
    services.shift_plan(
        project=project,
        clerk=incoming,
        starts_at=start + dt.timedelta(hours=4),
        ends_at=start + dt.timedelta(hours=10),
        by=supervisor,
    )
    line = services.phone_line_set_key(project=project, key=KEY)
    Extension.objects.create(line=line, number="801", clerk=desk_user)

    def new_page():
        context = browser.new_context(
            locale="zh-CN", base_url=live_server.url, viewport={"width": 1366, "height": 768}
        )
        page = context.new_page()
        page.set_default_timeout(15000)
        pages.append(page)
        return page

    pages = []
    page = new_page()
    log_in(page, desk_user)
    page.goto("/desk/log/")
    ring(live_server.url, "13812345678", "801")
    pop = page.locator(".ring-pop")
    pop.wait_for(timeout=5000)
    assert household.unit.code in pop.inner_text()
    page.screenshot(path=str(tmp_path / "ring-pop.png"))
    pop.locator("button").first.click()
    page.wait_for_url("**/desk/log/?ring=*")
    page.wait_for_selector("#id_matter:focus")
    page.keyboard.type("客厅吊灯不亮，请派人维修")
    page.select_option("#id_kind", "request")
    page.focus("#id_matter")
    page.keyboard.press("Control+Enter")
    page.wait_for_url("**/desk/log/?project=*")
    entry = DutyLogEntry.objects.get()
    assert entry.household == household and entry.ring.answered_at is not None
    assert "客厅吊灯不亮" in page.content()
    page.screenshot(path=str(tmp_path / "duty-log.png"), full_page=True)

    page.goto(f"/desk/log/{entry.pk}/")
    page.select_option("#id_order-kind", "repair")
    page.click("#open-order")
    page.wait_for_load_state()
    entry.refresh_from_db()
    assert entry.ticket is not None and entry.ticket.serial in page.content()

    page.goto(f"/desk/shifts/{morning.pk}/close/")
    page.fill("#id_notes", "备用钥匙在抽屉")
    page.click("button[type=submit]")
    page.wait_for_url("**/desk/handovers/*/")
    handover = Handover.objects.get()
    assert entry.ticket.serial in page.content()

    nxt = new_page()
    log_in(nxt, incoming)
    nxt.locator(".handover-banner a").click()
    nxt.wait_for_url(f"**/desk/handovers/{handover.pk}/")
    nxt.screenshot(path=str(tmp_path / "handover.png"), full_page=True)
    nxt.click("#acknowledge")
    nxt.wait_for_load_state()
    handover.refresh_from_db()
    assert handover.status == "acknowledged" and handover.acknowledged_by == incoming

    boss = new_page()
    log_in(boss, supervisor)
    boss.goto(f"/desk/reviews/{project.pk}/{timezone.localdate().isoformat()}/")
    boss.fill("#id_comment", "值班记录完整，报修已派单")
    boss.click("#sign")
    boss.wait_for_load_state()
    assert Review.objects.get().status == "signed"
    assert "值班记录完整" in boss.content()
    boss.screenshot(path=str(tmp_path / "review.png"), full_page=True)
    # The pages poll for rings: close them before the test database goes.
    for each in pages:
        each.context.close()
