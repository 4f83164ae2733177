"""Charges taken at the desk (a replaced card, a temporary pass) reach exactly one bill."""

import datetime as dt
from decimal import Decimal

import pytest

from billing import services
from billing.models import BillLine, DeskCharge
from frontdesk.core.errors import ApplicationError

pytestmark = pytest.mark.django_db

JAN = dt.date(2026, 1, 1)
FEB = dt.date(2026, 2, 1)


def charge(household, by, on, amount="20.00"):
    return services.desk_charge_record(
        project=household.project,
        household=household,
        kind="card_replacement",
        description="门禁卡补办 A-0001",
        amount=amount,
        by=by,
        charged_on=on,
    )


def test_a_desk_charge_lands_on_exactly_one_bill(project, cashier, desk_user, household):
    """A charge of January is on the January bill (after a draft, once), never on February's."""
    card = charge(household, desk_user, dt.date(2026, 1, 20))
    services.bill_run(project=project, month=JAN, by=cashier, draft=True, today=JAN)
    services.bill_run(project=project, month=JAN, by=cashier, today=FEB)
    services.bill_run(project=project, month=FEB, by=cashier, today=dt.date(2026, 3, 1))
    line = BillLine.objects.get(desk_charge=card)
    assert line.bill.period == JAN and line.amount == Decimal("20.00") and line.kind == "desk"
    assert "门禁卡补办" in line.description


def test_a_charge_after_its_months_bill_goes_on_the_next(project, cashier, desk_user, household):
    """A charge dated in a month already billed lands on the next month's bill."""
    services.bill_run(project=project, month=JAN, by=cashier, today=FEB)
    late = charge(household, desk_user, dt.date(2026, 1, 31), amount="15.50")
    services.bill_run(project=project, month=FEB, by=cashier, today=dt.date(2026, 3, 1))
    line = BillLine.objects.get(desk_charge=late)
    assert line.bill.period == FEB and line.bill.amount >= Decimal("15.50")


def test_bad_charges_are_refused(desk_user, household, other_project):
    """A zero amount, a blank description or another project's household: nothing recorded."""
    with pytest.raises(ApplicationError):
        charge(household, desk_user, JAN, amount="0")
    with pytest.raises(ApplicationError):
        services.desk_charge_record(
            project=other_project,
            household=household,
            kind="temporary_pass",
            description="临时出入证",
            amount="10",
            by=desk_user,
        )
    with pytest.raises(ApplicationError):
        services.desk_charge_record(
            project=household.project,
            household=household,
            kind="temporary_pass",
            description=" ",
            amount="10",
            by=desk_user,
        )
    assert DeskCharge.objects.count() == 0
