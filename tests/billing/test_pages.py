"""The fee pages: the account on the household file, taking a payment, the receipt print,
and the monthly task."""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from billing import tasks
from billing.models import Bill, Payment, Receipt

from .conftest import make_bill

pytestmark = pytest.mark.django_db


def file_url(household):
    return reverse("household-file", kwargs={"household_id": household.pk})


def test_cashier_takes_a_payment_on_the_page_and_the_file_shows_the_balance(
    client, cashier, household
):
    """Ticking two bills and paying both: back on the file, the balance is 0 and the receipt
    prints."""
    jan = make_bill(household, dt.date(2026, 1, 1), "120.00")
    feb = make_bill(household, dt.date(2026, 2, 1), "80.00")
    make_bill(household, dt.date(2026, 3, 1), "50.00")
    client.force_login(cashier)
    page = client.get(reverse("billing:pay", kwargs={"household_id": household.pk}))
    assert page.status_code == 200 and "2026-02" in page.content.decode()
    response = client.post(
        reverse("billing:pay", kwargs={"household_id": household.pk}),
        {"bills": [jan.pk, feb.pk], "amount": "200.00", "method": "cash"},
    )
    assert response.status_code == 302
    receipt = Receipt.objects.get()
    assert f"receipt={receipt.pk}" in response["Location"]
    html = client.get(response["Location"]).content.decode()
    assert "¥50.00" in html and receipt.number in html
    pdf = client.get(reverse("billing:receipt-print", kwargs={"pk": receipt.pk}))
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")


def test_bad_amount_on_the_page_is_a_form_error(client, cashier, household):
    """An over-precise amount shows on the form and takes nothing."""
    make_bill(household, dt.date(2026, 1, 1), "120.00")
    client.force_login(cashier)
    response = client.post(
        reverse("billing:pay", kwargs={"household_id": household.pk}),
        {"amount": "1.234", "method": "cash"},
    )
    assert response.status_code == 200
    assert response.context["form"].errors["amount"]
    assert not Payment.objects.exists()


def test_engineer_sees_no_fees_on_the_file(client, engineer, household):
    """Roles that do not deal with fees see no amounts on the household file."""
    make_bill(household, dt.date(2026, 1, 1), "123.45")
    client.force_login(engineer)
    html = client.get(file_url(household)).content.decode()
    assert "123.45" not in html
    assert (
        client.get(reverse("billing:pay", kwargs={"household_id": household.pk})).status_code == 403
    )


def test_receipt_of_another_project_is_not_found(client, other_desk_user, household, cashier):
    """A receipt of another project answers 404."""
    from billing import services

    make_bill(household, dt.date(2026, 1, 1), "10.00")
    payment = services.payment_take(
        household=household, amount="10", method="cash", taken_by=cashier
    )
    client.force_login(other_desk_user)
    url = reverse("billing:receipt-print", kwargs={"pk": payment.receipt.pk})
    assert client.get(url).status_code == 404


def test_monthly_task_bills_last_month_of_each_project(
    project, household, service_fee, monkeypatch
):
    """The beat's task queues a run per project for the month just ended; run twice, it bills
    once."""
    from frontdesk.celery import app as celery_app

    # On the app's configuration itself: once read, Celery no longer follows Django's settings.
    monkeypatch.setitem(celery_app.conf, "task_always_eager", True)
    household.moved_in_on = dt.date(2025, 1, 1)
    household.save()
    assert tasks.monthly_bill_runs.delay().get() >= 1
    tasks.monthly_bill_runs.delay()
    bills = Bill.objects.filter(household=household)
    assert bills.count() == 1
    assert bills.get().amount == Decimal("223.75")


def test_fees_panel_costs_the_same_queries_for_1_or_24_months(
    client, cashier, household, django_assert_num_queries
):
    """The household file with 24 months of bills and payments costs what it costs with one."""
    from billing import services

    make_bill(household, dt.date(2024, 1, 1), "10.00")
    client.force_login(cashier)
    client.get(file_url(household))
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as small:
        client.get(file_url(household))
    for n in range(1, 24):
        make_bill(household, dt.date(2024 + n // 12, n % 12 + 1, 1), "10.00")
        services.payment_take(household=household, amount="10", method="cash", taken_by=cashier)
    with django_assert_num_queries(len(small)):
        html = client.get(file_url(household)).content.decode()
    assert html.count("SJ-") >= 23


def test_fee_admin_pages_open_read_only(client, household, cashier):
    """Each fee admin list opens for a superuser; bills cannot be added or edited there."""
    from django.contrib import admin

    from tests.factories import UserFactory

    superuser = UserFactory(is_superuser=True, is_staff=True)
    make_bill(household, dt.date(2026, 1, 1), "10.00")
    client.force_login(superuser)
    for model in admin.site._registry:
        if model._meta.app_label != "billing":
            continue
        url = reverse(f"admin:billing_{model._meta.model_name}_changelist")
        assert client.get(url).status_code == 200, model
    assert client.get(reverse("admin:billing_bill_add")).status_code == 403


def test_desk_daytime_payment_on_the_page_is_a_form_error(client, desk_user, household):
    """The desk paying without "after hours" sees why on the form; ticking it takes the money."""
    make_bill(household, dt.date(2026, 1, 1), "120.00")
    client.force_login(desk_user)
    url = reverse("billing:pay", kwargs={"household_id": household.pk})
    refused = client.post(url, {"amount": "120.00", "method": "cash"})
    assert refused.status_code == 200 and refused.context["form"].errors["after_hours"]
    assert not Payment.objects.exists()
    taken = client.post(url, {"amount": "120.00", "method": "cash", "after_hours": "on"})
    assert taken.status_code == 302
    assert Payment.objects.get().after_hours


def test_payment_form_sent_twice_takes_one_payment(client, cashier, household):
    """A double click on "take payment" (the same form posted twice) takes the money once, gives
    one receipt, and both clicks land on the same file."""
    import re

    jan = make_bill(household, dt.date(2026, 1, 1), "120.00")
    client.force_login(cashier)
    url = reverse("billing:pay", kwargs={"household_id": household.pk})
    token = re.search(r'name="form_token" value="(\w+)"', client.get(url).content.decode())[1]
    data = {"bills": [jan.pk], "amount": "120.00", "method": "cash", "form_token": token}
    first, second = client.post(url, data), client.post(url, data)
    assert first.status_code == second.status_code == 302
    assert first["Location"] == second["Location"]
    assert Payment.objects.count() == 1 and Receipt.objects.count() == 1
