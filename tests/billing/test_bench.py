"""The fee measurements of the benchmark, run against a small estate (their code, not times)."""

import datetime as dt

import pytest

from bench.billing import account_panel, bill_run
from bench.dataset import Dataset
from bench.measurements import Context
from billing.models import Bill

pytestmark = pytest.mark.django_db


@pytest.fixture
def ctx(project, household, second_household, desk_user, supervisor):
    household.moved_in_on = dt.date(2020, 1, 1)
    household.save()
    return Context(dataset=Dataset(project=project, user=desk_user, supervisor=supervisor))


def test_bill_run_measurement_bills_and_leaves_nothing(ctx):
    """The bill-run measurement bills both households and rolls its run back."""
    call = bill_run(ctx)
    assert call(0) == 2
    assert not Bill.objects.exists()


def test_account_measurement_reads_24_paid_months(ctx):
    """The account measurement's household shows 24 bills, all paid."""
    call = account_panel(ctx)
    account = call(0)
    assert len(account.bills) == 24 and account.balance == 0
