"""Property-based: whatever the sequence of bills, payments, credits and reversals, every
household's ledger balances and no receipt number is skipped."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db.models import Sum
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase

from billing import services
from billing.choices import ISSUED_STATUSES, PaymentStatus
from billing.models import Bill, Credit, Payment, Receipt
from billing.selectors import household_account, household_ledger
from frontdesk.core.roles import Role
from tests.factories import HouseholdFactory, ProjectFactory, UnitFactory, UserFactory

from .conftest import make_bill

amounts = st.decimals(min_value=Decimal("0.01"), max_value=Decimal("999.99"), places=2)
steps = st.lists(
    st.one_of(
        st.tuples(st.just("bill"), st.integers(0, 1), amounts),
        st.tuples(st.just("pay"), st.integers(0, 1), amounts),
        st.tuples(st.just("pay_first_bill"), st.integers(0, 1), amounts),
        st.tuples(st.just("credit"), st.integers(0, 1), amounts),
        st.tuples(st.just("reverse"), st.integers(0, 1), st.integers(0, 20)),
    ),
    min_size=1,
    max_size=25,
)


@pytest.mark.django_db
class TestLedgerInvariant(TestCase):
    @settings(
        max_examples=40,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow],
    )
    @given(steps=steps)
    def test_ledger_balances_after_any_sequence(self, steps):
        """issued − paid − credited + reversed equals what is left on the bills less the
        credit held, for each household after any sequence; bills never go below zero or
        above their amount; receipts are 1..n with no gap."""
        project = ProjectFactory(code="prop", name="性质")
        cashier = UserFactory(role=Role.CASHIER, projects=[project])
        manager = UserFactory(role=Role.MANAGER, projects=[project])
        households = [
            HouseholdFactory(
                unit=UnitFactory(building__project=project, project=project), project=project
            )
            for _i in range(2)
        ]
        months = [dt.date(2026, 1, 1), dt.date(2026, 1, 1)]
        for step, who, value in steps:
            household = households[who]
            if step == "bill":
                make_bill(household, months[who], value)
                months[who] = services.month_end(months[who]) + dt.timedelta(days=1)
            elif step in ("pay", "pay_first_bill"):
                first = (
                    Bill.objects.filter(household=household, status__in=["issued", "part_paid"])
                    .order_by("period")
                    .first()
                )
                bills = [first] if step == "pay_first_bill" and first else None
                services.payment_take(
                    household=household, amount=value, method="cash", taken_by=cashier, bills=bills
                )
            elif step == "credit":
                services.credit_grant(household=household, amount=value, reason="减免", by=manager)
            else:
                valid = list(
                    Payment.objects.filter(
                        household=household, status=PaymentStatus.VALID
                    ).order_by("id")
                )
                if valid:
                    services.payment_reverse(
                        payment=valid[value % len(valid)], by=manager, reason="冲正"
                    )

        for household in households:
            ledger = household_ledger(household_id=household.pk)
            account = household_account(household=household)
            bills = Bill.objects.filter(household=household, status__in=ISSUED_STATUSES)
            left = Decimal(0)
            for bill in bills:
                paid = bill.allocations.aggregate(t=Sum("amount"))["t"] or Decimal(0)
                assert Decimal(0) <= paid <= bill.amount
                assert (bill.status == "paid") == (paid == bill.amount)
                left += bill.amount - paid
            held = Decimal(0)
            for payment in Payment.objects.filter(household=household):
                used = payment.allocations.aggregate(t=Sum("amount"))["t"] or Decimal(0)
                remaining = payment.amount - used
                if payment.status == PaymentStatus.REVERSED:
                    assert used == 0
                else:
                    assert remaining >= 0
                    held += remaining
            for credit in Credit.objects.filter(household=household):
                used = credit.allocations.aggregate(t=Sum("amount"))["t"] or Decimal(0)
                assert 0 <= used <= credit.amount
                held += credit.amount - used
            assert ledger.balance == left - held
            assert account.balance == ledger.balance
            assert account.outstanding == left and account.held_credit == held
        sequences = list(
            Receipt.objects.filter(project=project)
            .order_by("sequence")
            .values_list("sequence", flat=True)
        )
        assert sequences == list(range(1, len(sequences) + 1))
        assert len(sequences) == Payment.objects.filter(household__project=project).count()
