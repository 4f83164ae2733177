"""In real Chromium: the complaint report's figures sit under their headings, the file's
已交钥匙 line is not clipped, and every page has its icon (/favicon.ico)."""

import pytest
from django.urls import reverse

from residents import services
from tests.tickets.conftest import second_household  # noqa: F401 - a fixture of the report
from tests.tickets.test_statistics import PERIOD, fixture_orders, issued  # noqa: F401

from .test_repair_flow import log_in

pytestmark = pytest.mark.browser

ALIGNMENTS = """() => Array.from(document.querySelectorAll('.report-figures table')).flatMap(t => {
  const heads = t.querySelectorAll('thead th');
  const cells = t.querySelectorAll('tbody tr:first-child td');
  return Array.from(heads).map((th, i) => cells[i] ? [th.textContent.trim(),
    getComputedStyle(th).textAlign, getComputedStyle(cells[i]).textAlign] : null).filter(Boolean);
})"""


def test_report_figures_sit_under_their_headings(page, desk_user, project, issued):  # noqa: F811
    """Every column heading of the report's tables is aligned like the figures below it."""
    log_in(page, desk_user)
    url = reverse("tickets:complaint-report", kwargs={"period": PERIOD})
    page.goto(f"{url}?project={project.pk}")
    columns = page.evaluate(ALIGNMENTS)
    assert len(columns) >= 8
    for heading, head_align, cell_align in columns:
        assert (head_align == "right") == (cell_align == "right"), heading


def test_keys_line_of_the_file_is_not_clipped(page, desk_user, household):
    """The move-in panel's 已交钥匙 label shows whole and its long value wraps inside the panel."""
    services.movein_record(
        household=household,
        data={
            "keys_handed": 3,
            "key_notes": "入户门钥匙、信报箱钥匙、地下室储藏间钥匙、车库遥控器" * 2,
        },
        by=desk_user,
    )
    log_in(page, desk_user)
    page.goto(f"/households/{household.pk}/")
    label = page.locator("dt", has_text="已交钥匙").first
    assert label.evaluate("e => e.scrollWidth <= e.clientWidth")
    value = label.locator("xpath=following-sibling::dd[1]")
    panel = label.locator("xpath=ancestor::*[contains(@class,'panel')][1]")
    assert value.bounding_box()["x"] + value.bounding_box()["width"] <= (
        panel.bounding_box()["x"] + panel.bounding_box()["width"] + 1
    )


def test_every_page_has_its_icon(page, desk_user):
    """Pages link an icon, and /favicon.ico answers it (no 404 in the console)."""
    log_in(page, desk_user)
    assert page.locator('link[rel="icon"]').count() == 1
    response = page.request.get("/favicon.ico")
    assert response.ok and response.headers["content-type"] in {
        "image/x-icon",
        "image/vnd.microsoft.icon",
    }
