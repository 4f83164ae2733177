"""The demo's fees: two years of bills and payments with a believable collection rate."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.db import transaction
from django.db.models import Count, Max, Min
from django.test import override_settings

from billing.models import Bill, Payment, Receipt
from billing.selectors import collection_trend, household_account
from frontdesk.core.models import Project

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker):
    """The demo, loaded once for this module and rolled back after it."""
    fast = override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"])
    with django_db_blocker.unblock(), fast, transaction.atomic():
        call_command("seed_demo", "--if-empty", stdout=StringIO())
        yield
        transaction.set_rollback(True)


def test_demo_has_two_years_of_bills_and_payments(seeded):
    """Each estate has 24 months of bills, payments with gap-free receipts, and a collection
    rate between 70 % and 100 % in every month of the last year."""
    for project in Project.objects.filter(code__in=["jinxiu", "cuihu"]):
        months = Bill.objects.filter(project=project).aggregate(
            n=Count("period", distinct=True), first=Min("period"), last=Max("period")
        )
        assert months["n"] == 24
        assert Payment.objects.filter(project=project).count() > 200
        for year in (
            Receipt.objects.filter(project=project).values_list("year", flat=True).distinct()
        ):
            numbers = list(
                Receipt.objects.filter(project=project, year=year)
                .order_by("sequence")
                .values_list("sequence", flat=True)
            )
            assert numbers == list(range(1, len(numbers) + 1))
        trend = collection_trend(project=project, last=months["last"])
        rates = [r.current_rate for r in trend[:-1]]
        assert all(70 <= rate <= 100 for rate in rates), rates


def test_demo_accounts_balance(seeded):
    """Every demo household's account balances: what is left on bills less credit held."""
    for bill in Bill.objects.order_by("id")[::400]:
        account = household_account(household=bill.household)
        assert account.balance == account.outstanding - account.held_credit


def test_demo_has_overtime_aircon_and_money_held_for_utilities(seeded):
    """Shops ran the air-conditioning late this month; utility money is partly paid over and
    partly still held, in both estates."""
    from billing.models import AirconOvertime, UtilityPayment

    for project in Project.objects.filter(code__in=["jinxiu", "cuihu"]):
        statuses = set(
            UtilityPayment.objects.filter(project=project).values_list("status", flat=True)
        )
        assert statuses == {"collected", "paid_over"}
    assert AirconOvertime.objects.filter(amount__gt=0).exists()
    cuihu = UtilityPayment.objects.filter(project__code="cuihu").values_list("utility", flat=True)
    assert "electricity" in set(cuihu)
