"""In real Chromium: a parcel is scanned in on the batch page, appears on the area staff's
daily list and in their notification, and is picked up with a signature drawn on the pad."""

import datetime as dt

import pytest
from django.utils import timezone

from frontdesk.core.models import Notification
from frontdesk.registers.models import Parcel, ParcelSettings
from frontdesk.registers.services.parcels import parcels_send_daily_lists
from tests.factories import PASSWORD

pytestmark = pytest.mark.browser


def log_in(page, user):
    page.goto("/login/")
    page.fill("#id_username", user.username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url("**/")


def test_a_parcel_is_received_listed_and_picked_up_with_a_signature(
    browser, live_server, project, desk_user, butler, household
):
    """Scan + unit + Enter adds the row without leaving the page; the butler's list and
    notification name it; the pickup is signed on the pad and the parcel shows collected."""
    context = browser.new_context(
        locale="zh-CN", base_url=live_server.url, viewport={"width": 1366, "height": 768}
    )
    page = context.new_page()
    page.set_default_timeout(15000)
    log_in(page, desk_user)
    page.goto("/registers/parcels/receive/")
    page.fill("#id_tracking_number", "SF7788990011")
    page.press("#id_tracking_number", "Enter")  # the scanner's Enter: on to the unit
    page.keyboard.type("3-1502")
    page.keyboard.press("Enter")
    page.wait_for_selector(".received-today td.tracking:has-text('SF7788990011')")
    assert page.url.endswith("/registers/parcels/receive/")
    # The form is ready for the next scan.
    assert page.evaluate("document.activeElement.id") == "id_tracking_number"
    parcel = Parcel.objects.get(tracking_number="SF7788990011")
    assert parcel.household == household

    # The daily list goes to the building's area staff.
    ParcelSettings.objects.create(project=project, daily_list_at=dt.time(0, 0))
    parcels_send_daily_lists(now=timezone.now())
    assert "SF7788990011" in Notification.objects.get(user=butler).body

    butler_context = browser.new_context(locale="zh-CN", base_url=live_server.url)
    butler_page = butler_context.new_page()
    log_in(butler_page, butler)
    butler_page.goto("/registers/parcels/daily/")
    assert butler_page.locator(".daily-list").get_by_text("SF7788990011").is_visible()

    # Picked up at the desk, signed on the pad.
    butler_page.goto(f"/registers/parcels/{parcel.pk}/")
    butler_page.fill("#id_pickup-collector_name", "王建国")
    butler_page.select_option("#id_pickup-collector_kind", "resident")
    box = butler_page.locator(".signature-pad canvas").bounding_box()
    butler_page.mouse.move(box["x"] + 20, box["y"] + 40)
    butler_page.mouse.down()
    for step in range(1, 12):
        butler_page.mouse.move(box["x"] + 20 + step * 25, box["y"] + 40 + (step % 3) * 20)
    butler_page.mouse.up()
    butler_page.click("form.pickup button[type=submit]")
    butler_page.wait_for_selector("dd.collected")
    assert "王建国" in butler_page.locator("dd.collected").inner_text()
    parcel.refresh_from_db()
    assert parcel.status == "collected" and parcel.signature and not parcel.signed_on_paper
    # The signature image loads (from the scoped view, not /media/).
    butler_page.wait_for_function(
        "() => { const i = document.querySelector('img.signature');"
        " return i && i.complete && i.naturalWidth > 0; }"
    )
    butler_context.close()
    context.close()
