"""The reports of fees against a hand-counted fixture: arrears ageing and the collection rate.

On 2026-06-15, with bills due 30 days after their month:

| household | bill      | amount | paid (when)              | left | due        | age | bucket  |
|-----------|-----------|--------|--------------------------|------|------------|-----|---------|
| A         | 2026-01   | 100    | 30 (2026-02-20)          | 70   | 2026-03-02 | 105 | 91–180  |
| A         | 2026-02   | 100    |                          | 100  | 2026-03-30 | 77  | 31–90   |
| A         | 2026-03   | 100    |                          | 100  | 2026-04-30 | 46  | 31–90   |
| A         | 2026-04   | 100    |                          | 100  | 2026-05-30 | 16  | ≤ 30    |
| A         | 2026-05   | 100    |                          | 100  | 2026-06-30 | not due yet     |
| B         | 2026-01   | 200    | 200 (2026-02-10)         | 0    |            |     |         |
| C         | 2025-10   | 80     |                          | 80   | 2025-11-30 | 197 | > 180   |
| C         | 2025-12   | 60     | 20 (01-10), 30 (02-15)   | 10   | 2026-01-30 | 136 | 91–180  |

Arrears: A 370 (oldest 105 days), C 90 (oldest 197); buckets ≤30: 100, 31–90: 200,
91–180: 80, >180: 80; total 460.

January 2026: billed 300 (A 100 + B 200); paid on them by 2026-02-28: 230 → 76.67 %.
Earlier bills open on 2026-02-01: 80 + 60 − 20 = 120; recovered in February: 30 → 25.00 %.
"""

import datetime as dt
from decimal import Decimal

import pytest

from billing import services
from billing.selectors import arrears, arrears_totals, collection_rate, household_account
from tests.factories import HouseholdFactory, UnitFactory

from .conftest import at, make_bill

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 6, 15)
D = Decimal


@pytest.fixture
def fixture(project, building, cashier):
    def household(number):
        unit = UnitFactory(building=building, project=project, number=number, floor=9)
        return HouseholdFactory(unit=unit, project=project, moved_in_on=dt.date(2025, 1, 1))

    a, b, c = household("0901"), household("0902"), household("0903")
    a_bills = [make_bill(a, dt.date(2026, m, 1), "100.00") for m in range(1, 6)]
    b_jan = make_bill(b, dt.date(2026, 1, 1), "200.00")
    make_bill(c, dt.date(2025, 10, 1), "80.00")
    c_dec = make_bill(c, dt.date(2025, 12, 1), "60.00")

    def pay(who, amount, bill, when):
        services.payment_take(
            household=who, amount=amount, method="cash", taken_by=cashier, bills=[bill], now=when
        )

    pay(c, "20.00", c_dec, at(2026, 1, 10))
    pay(b, "200.00", b_jan, at(2026, 2, 10))
    pay(c, "30.00", c_dec, at(2026, 2, 15))
    pay(a, "30.00", a_bills[0], at(2026, 2, 20))
    return a, b, c


def test_arrears_match_the_hand_count(project, fixture):
    """Each household's arrears, its oldest age and the buckets match the table above."""
    a, b, c = fixture
    rows = arrears(project=project, today=TODAY)
    assert [(r.household_id, r.total, r.oldest_days) for r in rows] == [
        (c.pk, D("90.00"), 197),
        (a.pk, D("370.00"), 105),
    ]
    assert rows[1].buckets == {
        "d30": D("100.00"),
        "d90": D("200.00"),
        "d180": D("70.00"),
        "over180": D("0.00"),
    }
    assert arrears_totals(rows) == {
        "d30": D("100.00"),
        "d90": D("200.00"),
        "d180": D("80.00"),
        "over180": D("80.00"),
        "total": D("460.00"),
    }


def test_collection_rate_matches_the_hand_count(project, fixture):
    """January's current-period rate is 230/300 and its arrears-recovered rate 30/120."""
    rate = collection_rate(project=project, period=dt.date(2026, 1, 1))
    assert (rate.billed, rate.collected, rate.current_rate) == (
        D("300.00"),
        D("230.00"),
        D("76.67"),
    )
    assert (rate.arrears_open, rate.arrears_recovered, rate.arrears_rate) == (
        D("120.00"),
        D("30.00"),
        D("25.00"),
    )


def test_household_account_shows_balance_and_arrears_age(fixture):
    """Household A's account: balance 470 (370 past due + 100 not yet due), arrears 105 days."""
    a, _b, _c = fixture
    account = household_account(household=a, today=TODAY)
    assert account.balance == D("470.00") and account.outstanding == D("470.00")
    assert account.arrears == D("370.00") and account.arrears_days == 105
    assert account.held_credit == D("0.00")
    assert [b.period.month for b in account.bills] == [5, 4, 3, 2, 1]


def test_report_pages_show_the_hand_counted_figures(client, cashier, project, fixture):
    """The arrears page totals 460.00; the dunning PDF prints; the collection page answers."""
    import time_machine
    from django.urls import reverse

    client.force_login(cashier)
    with time_machine.travel(dt.datetime(2026, 6, 15, 12, tzinfo=dt.UTC), tick=False):
        html = client.get(reverse("billing:arrears"), {"project": project.pk}).content.decode()
        assert 'data-figure="total">460.00' in html
        pdf = client.get(reverse("billing:dunning"), {"project": project.pk})
        assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
        page = client.get(
            reverse("billing:collection"), {"project": project.pk, "period": "2026-01"}
        )
        assert 'data-figure="current">76.67%' in page.content.decode()


def test_butler_is_told_of_the_arrears_of_the_building(client, cashier, butler, project, fixture):
    """The cashier's button notifies the building's butler: 2 households, ¥460.00 in all."""
    import time_machine
    from django.urls import reverse

    from frontdesk.core.models import Notification

    client.force_login(cashier)
    with time_machine.travel(dt.datetime(2026, 6, 15, 12, tzinfo=dt.UTC), tick=False):
        response = client.post(reverse("billing:dunning-notify") + f"?project={project.pk}")
    assert response.status_code == 302
    note = Notification.objects.get(user=butler, topic="billing.arrears")
    assert "460.00" in note.title and "3-0903: ¥90.00" in note.body
