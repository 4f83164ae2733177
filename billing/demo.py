"""Demo fees: two years of monthly bills and payments in both estates.

Called by `manage.py seed_demo` after the households exist (see
`frontdesk.desk.demo`). Everything goes through `billing.services`, month by
month in date order, so bills, allocations, credit and receipt numbers are
the real ones. Households pay in the habits of an estate: most pay each bill
in the month it is due, some a quarter at once, a few late and a very few not
at all, which gives a collection rate around the 95 % target.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db.models import Sum
from django.utils import timezone

from . import services
from .choices import OPEN_BILL_STATUSES, ChargeKind, DepositKind
from .models import Allocation, Bill, BillingSettings

MONTHS = 24
# How households pay, and the share (%) of households that pay so.
HABITS = [("monthly", 80), ("quarterly", 12), ("late", 6), ("never", 2)]


def _at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute)))


def _standards(project: Any, cashier: Any, start: dt.date) -> None:
    rates = [
        (ChargeKind.SERVICE_FEE, "物业服务费（住宅）", "apartment", "2.80"),
        (ChargeKind.SERVICE_FEE, "物业服务费（别墅）", "villa", "4.50"),
        (ChargeKind.SERVICE_FEE, "物业服务费（商铺）", "shop", "6.00"),
        (ChargeKind.SERVICE_FEE, "物业服务费（写字楼）", "office", "5.00"),
        (ChargeKind.WATER, "水费", "", "4.20"),
        (ChargeKind.ELECTRICITY, "电费", "", "0.68"),
        (ChargeKind.PARKING, "车位管理费", "", "150.00"),
        (ChargeKind.FIXED, "生活垃圾清运费", "", "10.00"),
    ]
    for kind, name, unit_type, rate in rates:
        services.charge_standard_create(
            project=project,
            kind=kind,
            name=name,
            unit_type=unit_type,
            rate=rate,
            valid_from=start,
            reference="深发改〔2023〕145号"
            if kind == ChargeKind.SERVICE_FEE
            else "深价〔2022〕8号",
            by=cashier,
        )


def _outstanding(household: Any) -> Decimal:
    bills = Bill.objects.filter(household=household, status__in=OPEN_BILL_STATUSES)
    owed = bills.aggregate(t=Sum("amount"))["t"] or Decimal(0)
    paid = Allocation.objects.filter(bill__in=bills).aggregate(t=Sum("amount"))["t"] or Decimal(0)
    return owed - paid


def load(data: Any) -> None:
    """Bills and payments of the last 24 months, a few deposits and a refund to approve."""
    cashier = data.staff["cashier"]
    desk = data.staff["desk"]
    manager = data.staff["manager"]
    rnd = data.random
    today = data.today
    first = services.month_start(today)
    months = []
    day = first
    for _i in range(MONTHS):
        day = services.month_start(day - dt.timedelta(days=1))
        months.append(day)
    months.reverse()
    for code, project in data.projects.items():
        BillingSettings.objects.update_or_create(
            project=project, defaults={"bills_energy": code == "jinxiu"}
        )
        _standards(project, cashier, months[0])
        households = data.households[code]
        habits = {}
        for household in households:
            roll = rnd.randint(1, 100)
            cumulative = 0
            for habit, share in HABITS:
                cumulative += share
                if roll <= cumulative:
                    habits[household.pk] = habit
                    break
        for index, month in enumerate(months):
            paying_month = services.month_end(month) + dt.timedelta(days=1)
            services.bill_run(
                project=project, month=month, today=today, now=_at(paying_month, 1, 30)
            )
            for household in households:
                habit = habits[household.pk]
                due = {
                    "monthly": True,
                    "quarterly": index % 3 == 2,
                    "late": index % 5 == 4,
                    "never": False,
                }[habit]
                if not due or household.moved_in_on > services.month_end(month):
                    continue
                pay_day = paying_month + dt.timedelta(days=rnd.randint(2, 25))
                if pay_day >= today:
                    continue
                amount = _outstanding(household)
                if amount <= 0:
                    continue
                after_hours = rnd.randint(1, 40) == 1
                services.payment_take(
                    household=household,
                    amount=amount,
                    method=rnd.choice(["wechat", "wechat", "alipay", "card", "cash", "transfer"]),
                    taken_by=desk if after_hours else cashier,
                    after_hours=after_hours,
                    now=_at(pay_day, 19 if after_hours else rnd.randint(9, 16), rnd.randint(0, 59)),
                )
        _deposits(project, households, cashier, manager, today)


def _deposits(
    project: Any, households: list[Any], cashier: Any, manager: Any, today: dt.date
) -> None:
    """Decoration deposits of the decorations under way, one refund waiting for approval."""
    from residents.models import Decoration

    taken = []
    for decoration in Decoration.objects.filter(project=project, deposit__gt=0).order_by("id"):
        taken.append(
            services.deposit_take(
                household=decoration.household,
                kind=DepositKind.DECORATION,
                decoration=decoration,
                method="transfer",
                by=cashier,
                now=_at(decoration.applied_on, 10),
            )
        )
    if taken:
        services.refund_request(
            deposit=taken[0],
            amount=taken[0].amount,
            reason="装修竣工验收合格，退还装修押金",
            method="transfer",
            by=cashier,
            now=_at(today, 9),
        )
