"""In real Chromium: a repair registered from a household file, dispatched, printed in three."""

import io
import subprocess

import pytest
from django.utils import translation
from pypdf import PdfReader

from frontdesk.core.roles import Role
from tests.factories import PASSWORD, UserFactory
from tickets.choices import TicketStatus
from tickets.models import Ticket
from tickets.printing import COPY_LABELS

pytestmark = pytest.mark.browser


def log_in(page, user):
    page.goto("/login/")
    page.fill("#id_username", user.username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url("**/")


def test_register_dispatch_and_print_a_repair(page, desk_user, household, tmp_path):
    """The desk registers a repair from the household file, dispatches it to engineering and
    downloads the PDF: the serial shows three times, with the three copy labels. The download
    is a preview; the Print button is what counts a printing."""
    engineer = UserFactory(
        role=Role.ENGINEERING, projects=[household.project], username="plumber", first_name="张师傅"
    )
    log_in(page, desk_user)

    page.goto(f"/households/{household.pk}/")
    assert household.unit.code in page.content()
    page.click(f'a[href="/tickets/new/?household={household.pk}&kind=repair"]')

    # A few keystrokes: the matter has the focus; confirm the address; Enter registers.
    page.wait_for_selector("#id_matter:focus")
    page.keyboard.type("卫生间地漏堵塞，水漫到客厅")
    page.check("#id_address_confirmed")
    page.screenshot(path=str(tmp_path / "register-page.png"), full_page=True)
    page.focus("#id_matter")
    page.keyboard.press("Enter")
    page.wait_for_url("**/tickets/*/")
    ticket = Ticket.objects.get(household=household)
    assert ticket.serial in page.content()

    dispatch = page.locator("#action-dispatch")
    dispatch.locator("select[name=dispatch-department]").select_option("engineering")
    dispatch.locator("select[name=dispatch-assignee]").select_option(str(engineer.pk))
    dispatch.locator("button[type=submit]").click()
    page.wait_for_load_state()
    ticket.refresh_from_db()
    assert ticket.status == TicketStatus.DISPATCHED and ticket.assignee == engineer
    assert page.locator(".badge.st-dispatched").count() >= 1
    page.screenshot(path=str(tmp_path / "order-page.png"), full_page=True)

    page.goto("/tickets/?status=dispatched")
    assert ticket.serial in page.content()
    page.screenshot(path=str(tmp_path / "queue-page.png"), full_page=True)
    page.goto(f"/tickets/{ticket.pk}/")

    with page.expect_download() as download_info:
        page.click("#download-pdf")
    pdf_path = tmp_path / "three-copies.pdf"
    download_info.value.save_as(pdf_path)
    reader = PdfReader(io.BytesIO(pdf_path.read_bytes()))
    text = "\n".join(p.extract_text() for p in reader.pages)
    assert text.count(ticket.serial) == 3
    with translation.override("zh-hans"):
        for label, _holder in COPY_LABELS:
            assert text.count(str(label)) == 1
    assert text.count("卫生间地漏堵塞") == 3
    first_page = ["pdftoppm", "-png", "-r", "90", "-f", "1", "-l", "1"]
    subprocess.run([*first_page, str(pdf_path), str(tmp_path / "pdf")], check=True)
    assert (tmp_path / "pdf-1.png").exists()
    ticket.refresh_from_db()
    assert ticket.print_count == 0  # downloading to look at it is not a printing

    # The Print button posts the print action into a new tab.
    with page.context.expect_page() as new_tab:
        page.click("#print-three-copies")
    tab = new_tab.value
    tab.wait_for_load_state()
    for _attempt in range(50):
        ticket.refresh_from_db()
        if ticket.print_count:
            break
        tab.wait_for_timeout(100)
    assert ticket.print_count == 1
