"""In real Chromium: an item release pass issued at the desk and printed, then checked at the
gate on a guard's phone: VALID once, REFUSED with the reason the second time."""

import io

import pytest
from pypdf import PdfReader

from frontdesk.core.roles import Role
from frontdesk.registers.models import ReleasePass
from tests.factories import UserFactory

from .test_repair_flow import log_in

pytestmark = pytest.mark.browser


def test_issue_print_and_check_a_pass_once(page, desk_user, household, tmp_path):
    """The desk picks the household, issues the pass for its owner and prints it; a guard on a
    390 px screen types the number: VALID, and the second check is refused as already used."""
    guard = UserFactory(role=Role.SECURITY, projects=[household.project], username="guard")
    log_in(page, desk_user)
    page.goto("/registers/passes/new/")
    page.fill("#household-q", "1502")
    page.click(f'#pick-results a[href*="household={household.pk}"]')
    page.wait_for_selector("#pass-household")
    page.fill("#id_carrier_name", "王建国")
    page.fill("#id_goods", "旧沙发一套")
    page.fill("#id_quantity", "3")
    page.fill("#id_gate", "东门")
    page.click("#issue-pass")
    page.wait_for_url("**/registers/passes/*/")
    release_pass = ReleasePass.objects.get(household=household)
    assert release_pass.number in page.content()
    page.screenshot(path=str(tmp_path / "pass-page.png"), full_page=True)

    # The Print button posts the print action into a new tab: counted once.
    with page.context.expect_page() as new_tab:
        page.click("#print-pass")
    new_tab.value.wait_for_load_state()
    for _attempt in range(50):
        release_pass.refresh_from_db()
        if release_pass.print_count:
            break
        page.wait_for_timeout(100)
    assert release_pass.print_count == 1
    preview = page.request.get(f"/registers/passes/{release_pass.pk}/print/")
    assert preview.headers["content-type"] == "application/pdf"
    text = "".join(
        "".join(p.extract_text().split()) for p in PdfReader(io.BytesIO(preview.body())).pages
    )
    assert release_pass.number in text and "旧沙发一套" in text

    # The guard, on a phone.
    page.context.clear_cookies()
    page.set_viewport_size({"width": 390, "height": 844})
    log_in(page, guard)
    page.goto("/registers/passes/gate/")
    page.fill("#id_number", release_pass.number)
    page.fill("#id_gate", "东门")
    page.click("#gate-verify")
    page.wait_for_selector(".gate-valid")
    page.screenshot(path=str(tmp_path / "gate-valid.png"), full_page=True)
    assert page.locator("#gate-verify").bounding_box()["width"] <= 390
    release_pass.refresh_from_db()
    assert release_pass.status == "used" and release_pass.used_by == guard

    page.fill("#id_number", release_pass.number)
    page.click("#gate-verify")
    page.wait_for_selector(".gate-refused")
    reason = page.inner_text("#gate-reason")
    assert "东门" in reason
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    release_pass.refresh_from_db()
    assert release_pass.used_by == guard
