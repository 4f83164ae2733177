"""In a real browser: the cashier takes one payment for two bills, prints the receipt, and the
household file shows the new balance."""

import datetime as dt

import pytest
from playwright.sync_api import expect

from billing.models import Receipt
from frontdesk.core.roles import Role
from tests.billing.conftest import make_bill
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.browser


def test_cashier_pays_two_bills_prints_the_receipt_and_sees_the_balance(page, project, household):
    """Ticking January and February and paying 200: the receipt prints as a PDF and the file
    shows only March's 50 left."""
    UserFactory(role=Role.CASHIER, projects=[project], username="cashier-e2e")
    jan = make_bill(household, dt.date(2026, 1, 1), "120.00")
    feb = make_bill(household, dt.date(2026, 2, 1), "80.00")
    make_bill(household, dt.date(2026, 3, 1), "50.00")

    page.goto("/login/")
    page.fill("#id_username", "cashier-e2e")
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.goto(f"/households/{household.pk}/")
    expect(page.locator("#panel-fees [data-balance]")).to_have_text("¥250.00")

    page.locator("#panel-fees a", has_text="收款").first.click()
    page.check(f"input[name=bills][value='{jan.pk}']")
    page.check(f"input[name=bills][value='{feb.pk}']")
    page.fill("input[name=amount]", "200.00")
    page.select_option("select[name=method]", "wechat")
    page.click("button[type=submit]")

    expect(page.locator("#panel-fees [data-balance]")).to_have_text("¥50.00")
    receipt = Receipt.objects.get()
    link = page.locator("#panel-fees a", has_text="打印收据")
    expect(link).to_be_visible()
    printed = page.request.get(link.get_attribute("href"))
    assert printed.headers["content-type"] == "application/pdf"
    assert printed.body().startswith(b"%PDF")
    receipt.refresh_from_db()
    assert receipt.print_count == 1
    expect(page.locator("#panel-fees")).to_contain_text(receipt.number)
