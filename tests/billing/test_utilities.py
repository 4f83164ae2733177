"""Utilities paid on a resident's behalf (代收代缴): held for the utility, never income."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied

from billing import selectors, services
from billing.models import BillingSettings, UtilityPayment
from frontdesk.core.errors import ApplicationError
from tests.factories import HouseholdFactory, UnitFactory

from .conftest import at

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def utilities_paid_on_behalf(project):
    """The project does not bill energy itself: the desk pays the utilities for residents."""
    BillingSettings.objects.update_or_create(project=project, defaults={"bills_energy": False})


def collect(household, by, amount="300.00", utility="electricity", when=None):
    return services.utility_collect(
        household=household,
        utility=utility,
        account_number="0755-1234567",
        amount=amount,
        method="cash",
        by=by,
        now=when or at(2026, 1, 10),
    )


def test_the_life_of_a_utility_payment(household, desk_user, cashier):
    """The desk collects, the cashier pays it over with the utility's receipt."""
    payment = collect(household, desk_user)
    assert payment.status == "collected" and payment.amount == Decimal("300.00")
    paid = services.utility_pay_over(
        payment=payment, by=cashier, reference="GD-2026-0001", paid_on=dt.date(2026, 1, 12)
    )
    assert paid.status == "paid_over" and paid.paid_over_by == cashier
    assert paid.utility_reference == "GD-2026-0001"
    with pytest.raises(ApplicationError):
        services.utility_pay_over(
            payment=paid, by=cashier, reference="GD-2026-0002", paid_on=dt.date(2026, 1, 13)
        )
    with pytest.raises(ApplicationError):
        services.utility_reverse(payment=paid, by=cashier, reason="错收")
    assert UtilityPayment.objects.get().status == "paid_over"


def test_a_reversal_keeps_the_row(household, desk_user, cashier):
    """A wrong collection is reversed with a reason, never deleted; it cannot be paid over."""
    payment = collect(household, desk_user)
    with pytest.raises(ApplicationError):
        services.utility_reverse(payment=payment, by=cashier, reason=" ")
    services.utility_reverse(payment=payment, by=cashier, reason="户号填错")
    found = UtilityPayment.objects.get()
    assert found.status == "reversed" and found.reverse_reason == "户号填错"
    with pytest.raises(ApplicationError):
        services.utility_pay_over(
            payment=found, by=cashier, reference="X1", paid_on=dt.date(2026, 1, 12)
        )


@pytest.mark.parametrize(
    ("amount", "field"), [("-5", "amount"), ("0", "amount"), ("10.005", "amount")]
)
def test_bad_amounts_are_refused(household, desk_user, amount, field):
    """Negative, zero and over-precise amounts: nothing collected."""
    with pytest.raises(ApplicationError) as error:
        collect(household, desk_user, amount=amount)
    assert field in error.value.fields
    assert not UtilityPayment.objects.exists()


def test_other_bad_input(household, desk_user, cashier):
    """An unknown utility, no account number, a pay-over without reference or in the future."""
    with pytest.raises(ApplicationError) as error:
        services.utility_collect(
            household=household,
            utility="coal",
            account_number="",
            amount="1",
            method="cash",
            by=desk_user,
        )
    assert {"utility", "account_number"} <= set(error.value.fields)
    payment = collect(household, desk_user)
    with pytest.raises(ApplicationError) as error:
        services.utility_pay_over(
            payment=payment, by=cashier, reference="", paid_on=dt.date(2099, 1, 1)
        )
    assert {"reference", "paid_on"} <= set(error.value.fields)


def test_energy_of_a_project_that_bills_it_is_refused(project, household, desk_user):
    """Where the project bills energy itself, water, power and gas go on its bills;
    cable TV is still paid on the resident's behalf."""
    BillingSettings.objects.filter(project=project).update(bills_energy=True)
    with pytest.raises(ApplicationError) as error:
        collect(household, desk_user, utility="water")
    assert "utility" in error.value.fields
    assert collect(household, desk_user, utility="cable_tv").status == "collected"


def test_another_projects_household_is_refused(other_project, household, other_desk_user):
    """The desk of another project cannot collect for this household."""
    BillingSettings.objects.create(project=other_project, bills_energy=False)
    with pytest.raises(ApplicationError) as error:
        collect(household, other_desk_user)
    assert "household" in error.value.fields


def test_roles(household, desk_user, cashier, manager, butler):
    """The desk and the cashier collect; only the cashier pays over or reverses."""
    for user in (manager, butler):
        with pytest.raises(PermissionDenied):
            collect(household, user)
    first, second = collect(household, desk_user), collect(household, cashier)
    for user in (desk_user, manager):
        with pytest.raises(PermissionDenied):
            services.utility_pay_over(
                payment=first, by=user, reference="R1", paid_on=dt.date(2026, 1, 12)
            )
        with pytest.raises(PermissionDenied):
            services.utility_reverse(payment=second, by=user, reason="错收")


def test_the_statement_keeps_it_out_of_income(project, building, desk_user, cashier):
    """Money for utilities shows as a payable: collected, paid over, held; never as income."""
    unit = UnitFactory(building=building, project=project, number="0808", floor=8)
    household = HouseholdFactory(unit=unit, project=project)
    paid = collect(household, desk_user, amount="300.00", when=at(2026, 1, 5))
    collect(household, desk_user, amount="120.50", utility="telecom", when=at(2026, 1, 20))
    wrong = collect(household, desk_user, amount="50.00", when=at(2026, 1, 21))
    collect(household, desk_user, amount="80.00", when=at(2026, 2, 3))
    services.utility_pay_over(
        payment=paid, by=cashier, reference="GD1", paid_on=dt.date(2026, 1, 25), now=at(2026, 1, 25)
    )
    services.utility_reverse(payment=wrong, by=cashier, reason="重复收取", now=at(2026, 1, 22))
    jan = selectors.income_statement(
        project=project, first=dt.date(2026, 1, 1), last=dt.date(2026, 1, 1)
    )
    assert jan.utilities_collected == Decimal("420.50")
    assert jan.utilities_paid_over == Decimal("300.00")
    assert jan.utilities_held == Decimal("120.50")
    assert jan.collected_total == 0 and jan.billed_total == 0 and jan.surplus == 0
    feb = selectors.income_statement(
        project=project, first=dt.date(2026, 2, 1), last=dt.date(2026, 2, 1)
    )
    assert feb.utilities_collected == Decimal("80.00") and feb.utilities_held == Decimal("200.50")


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_cashiers_at_once_pay_over_or_reverse_only_once(household, desk_user, cashier):
    """A pay-over and a reversal of the same collection at the same moment: exactly one wins."""
    import threading

    from django.db import connection

    payment = collect(household, desk_user)
    barrier = threading.Barrier(2)
    outcomes = []

    def pay_over():
        services.utility_pay_over(
            payment=payment, by=cashier, reference="GD-9", paid_on=dt.date(2026, 1, 12)
        )

    def reverse():
        services.utility_reverse(payment=payment, by=cashier, reason="重复")

    def work(step):
        try:
            barrier.wait(timeout=30)
            step()
            outcomes.append("done")
        except ApplicationError:
            outcomes.append("refused")
        finally:
            connection.close()

    threads = [threading.Thread(target=work, args=(s,)) for s in (pay_over, reverse)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(outcomes) == ["done", "refused"]
    assert UtilityPayment.objects.get().status in {"paid_over", "reversed"}
