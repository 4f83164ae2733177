"""Fee measurements: the monthly bill run of the benchmark's big project, and the account
panel of a household with 24 months of bills and payments.

Both set up what they need inside the measurement's transaction (rolled back
after it): the project's charge standards, and one household's two years.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from residents.models import Household

from .measurements import Broken, Call, Context, measurement

BILL_RUN_BUDGET_MS = 120_000.0
ACCOUNT_BUDGET_MS = 50.0
MONTH = dt.date(2026, 10, 1)


def _standards(ctx: Context) -> Any:
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    from billing import services
    from frontdesk.core.models import Membership
    from frontdesk.core.roles import Role

    cashier = get_user_model().objects.create_user("bench-cashier")
    cashier.groups.add(Group.objects.get(name=Role.CASHIER))
    Membership.objects.create(user=cashier, project=ctx.dataset.project)
    for unit_type, rate in (("apartment", "2.80"), ("villa", "4.50"), ("shop", "6.00")):
        services.charge_standard_create(
            project=ctx.dataset.project,
            kind="service_fee",
            name="物业服务费",
            unit_type=unit_type,
            rate=rate,
            valid_from=dt.date(2020, 1, 1),
            by=cashier,
        )
    services.charge_standard_create(
        project=ctx.dataset.project,
        kind="fixed",
        name="生活垃圾清运费",
        rate="10.00",
        valid_from=dt.date(2020, 1, 1),
        by=cashier,
    )
    return cashier


@measurement(
    "fees: monthly bill run of one project (about 50,000 households)",
    group="fees",
    budget_ms=BILL_RUN_BUDGET_MS,
    reps=1,
    warmup=1,
)
def bill_run(ctx: Context) -> Call:
    from billing.services import bill_run as run

    _standards(ctx)
    households = Household.objects.filter(project=ctx.dataset.project).count()

    def call(i: int) -> int:
        # Each run in a savepoint of its own, undone at once: a second run would bill nothing.
        with transaction.atomic():
            result = run(project=ctx.dataset.project, month=MONTH, today=dt.date(2026, 11, 2))
            transaction.set_rollback(True)
        if result.created == 0 or result.created > households:
            raise Broken(f"the run created {result.created} bills for {households} households")
        return result.created

    return call


@measurement(
    "fees: account panel of a household with 24 months of bills",
    group="fees",
    budget_ms=ACCOUNT_BUDGET_MS,
)
def account_panel(ctx: Context) -> Call:
    from billing import services
    from billing.models import Bill
    from billing.selectors import household_account

    cashier = _standards(ctx)
    household = Household.objects.filter(pk__in=ctx.household_ids).first()
    if household is None:
        raise Broken("no household to bill")
    day = dt.date(2024, 11, 1)
    for _month in range(24):
        Bill.objects.create(
            project=household.project,
            household=household,
            period=day,
            status="issued",
            amount=Decimal("250.60"),
            issued_at=timezone.now(),
            due_on=services.month_end(day) + dt.timedelta(days=30),
        )
        services.payment_take(
            household=household, amount="250.60", method="wechat", taken_by=cashier
        )
        day = services.month_end(day) + dt.timedelta(days=1)

    def call(i: int) -> Any:
        account = household_account(household=household)
        if len(account.bills) != 24 or account.balance != 0:
            raise Broken("the account does not show the 24 months paid")
        return account

    return call
