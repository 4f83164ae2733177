"""Demo fees: two years of monthly bills and payments in both estates, overtime
air-conditioning of shops this month, and money held for utilities.

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

from django.utils import timezone

from residents.models import Household

from . import services
from .choices import ChargeKind, DepositKind
from .models import Bill, BillingSettings

MONTHS = 24
# How households pay: (habit, share of households in %, months paid at once). Most estates'
# residents prepay a year or half a year (预缴): their bills are settled by that credit the
# moment they are issued.
HABITS = [
    ("annual", 52, 12),
    ("half_year", 26, 6),
    ("quarter", 10, 3),
    ("monthly", 4, 1),
    ("late", 5, 0),
    ("never", 3, 0),
]


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
        (ChargeKind.AIRCON_OVERTIME, "加班空调费（每小时）", "", "120.00"),
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


def _habits(data: Any, households: list[Any]) -> dict[int, tuple[str, int]]:
    found = {}
    for household in households:
        roll = data.random.randint(1, 100)
        cumulative = 0
        for habit, share, months in HABITS:
            cumulative += share
            if roll <= cumulative:
                found[household.pk] = (habit, months)
                break
    return found


def load(data: Any) -> None:
    """Bills and payments of the last 24 months, decoration deposits and a refund to approve."""
    cashier = data.staff["cashier"]
    desk = data.staff["desk"]
    rnd = data.random
    today = data.today
    months = []
    day = services.month_start(today)
    for _i in range(MONTHS):
        day = services.month_start(day - dt.timedelta(days=1))
        months.append(day)
    months.reverse()
    for code, project in data.projects.items():
        BillingSettings.objects.update_or_create(
            project=project, defaults={"bills_energy": code == "jinxiu"}
        )
        _standards(project, cashier, months[0])
        habits = _habits(data, data.households[code])
        owed: dict[int, Decimal] = {}
        first_bill: dict[int, int] = {}
        for index, month in enumerate(months):
            paying_month = services.month_end(month) + dt.timedelta(days=1)
            services.bill_run(
                project=project, month=month, today=today, now=_at(paying_month, 1, 30)
            )
            for household_id, amount in Bill.objects.filter(
                project=project, period=month
            ).values_list("household_id", "amount"):
                owed[household_id] = owed.get(household_id, Decimal(0)) + amount
                first_bill.setdefault(household_id, index)
                habit, cycle = habits.get(household_id, ("never", 0))
                since = index - first_bill[household_id]
                if habit == "never":
                    continue
                if habit == "late":
                    if since % 5 != 4:
                        continue
                    pay = owed[household_id]
                elif since % cycle == 0:
                    pay = amount * cycle
                else:
                    continue
                pay_day = paying_month + dt.timedelta(days=rnd.randint(2, 25))
                if pay <= 0 or pay_day >= today:
                    continue
                owed[household_id] = Decimal(0)
                after_hours = rnd.randint(1, 30) == 1
                services.payment_take(
                    household=Household(pk=household_id, project=project),
                    amount=pay,
                    method=rnd.choice(["wechat", "wechat", "alipay", "card", "cash", "transfer"]),
                    taken_by=desk if after_hours else cashier,
                    after_hours=after_hours,
                    now=_at(pay_day, 19 if after_hours else rnd.randint(9, 16), rnd.randint(0, 59)),
                )
        _deposits(project, cashier, today)
        _confirmations(project, cashier, today)
        _aircon_overtime(data, project, desk, today)
        _utilities(data, project, desk, cashier, today, bills_energy=code == "jinxiu")


def _confirmations(project: Any, cashier: Any, today: dt.date) -> None:
    """The cashier has confirmed the paid orders finished before this month (the day after
    each), and those of this month wait on the confirmation page."""
    from tickets.selectors import paid_orders_charged

    this_month = timezone.make_aware(dt.datetime.combine(services.month_start(today), dt.time()))
    for ticket in paid_orders_charged(project_id=project.pk, done_before=this_month):
        assert ticket.done_at is not None and ticket.fee_charged is not None
        services.charge_confirm(
            ticket=ticket,
            fee_charged=ticket.fee_charged,
            material_cost=ticket.material_cost or 0,
            by=cashier,
            now=ticket.done_at + dt.timedelta(days=1),
        )


def _deposits(project: Any, cashier: Any, today: dt.date) -> None:
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


def _aircon_overtime(data: Any, project: Any, desk: Any, today: dt.date) -> None:
    """Shops and offices that ran the air-conditioning late this month (on their next bill)."""
    from residents.choices import UnitType

    tenants = [
        h
        for h in data.households[project.code]
        if h.unit.unit_type in (UnitType.SHOP, UnitType.OFFICE)
    ][:4]
    last = min(today, timezone.localdate())
    for index, household in enumerate(tenants):
        day = max(services.month_start(last), last - dt.timedelta(days=2 + 3 * index))
        services.aircon_overtime_record(
            household=household,
            used_on=day,
            starts_at=dt.time(18, 0),
            ends_at=dt.time(20 + index % 2, 30 * (index % 2)),
            note="周末加班，租户申请" if index % 2 else "",
            by=desk,
        )


def _utilities(
    data: Any, project: Any, desk: Any, cashier: Any, today: dt.date, *, bills_energy: bool
) -> None:
    """Money collected for utilities in the last weeks: the older paid over, the newer held."""
    utilities = (
        ["cable_tv", "telecom"] if bills_energy else ["electricity", "water", "gas", "telecom"]
    )
    rnd = data.random
    households = data.households[project.code][:12]
    last = min(today, timezone.localdate())
    for index, household in enumerate(households):
        utility = utilities[index % len(utilities)]
        collected_on = last - dt.timedelta(days=1 + 2 * index)
        payment = services.utility_collect(
            household=household,
            utility=utility,
            account_number=f"{rnd.randint(10**9, 10**10 - 1)}",
            amount=Decimal(rnd.randrange(5000, 60000)) / 100,
            method=rnd.choice(["cash", "wechat", "alipay"]),
            by=desk,
            now=_at(collected_on, rnd.randint(9, 18), rnd.randint(0, 59)),
        )
        if index >= 6:  # older ones: the cashier paid them over two days later
            services.utility_pay_over(
                payment=payment,
                by=cashier,
                reference=f"JF{collected_on:%Y%m%d}{index:03d}",
                paid_on=collected_on + dt.timedelta(days=2),
                now=_at(collected_on + dt.timedelta(days=2), 15),
            )
