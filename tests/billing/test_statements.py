"""The income and expenditure statement and the paid-service margins, against hand counts.

January–February 2026 of one household:
- billed (January's bill): service fee 89.50 m² × 2.50 = 223.75, refuse collection 10.00;
- collected: cash 100.00 (02-05), WeChat 133.75 (02-06), card 50.00 (02-07) reversed on
  02-08 → card 0.00; Alipay 20.00 on 03-02 is outside;
- expenditure: staff 1,000.00 (01-31), cleaning 300.00 (02-10); 99.00 on 03-01 is outside;
- surplus: 233.75 − 1,300.00 = −1,066.25.

Paid orders finished in January: engineering 80.00 (material 30.00) and 120.00 (none),
cleaning 60.00 (material 10.00); one in February and a voided one do not count.
"""

import datetime as dt
from decimal import Decimal

import pytest

from billing import services
from billing.selectors import income_statement, paid_service_margins
from tests.tickets.factories import TicketFactory

from .conftest import at

pytestmark = pytest.mark.django_db
D = Decimal


@pytest.fixture
def months(project, household, cashier, manager, service_fee):
    household.moved_in_on = dt.date(2025, 6, 1)
    household.save()
    services.charge_standard_create(
        project=project,
        kind="fixed",
        name="生活垃圾清运费",
        rate="10",
        valid_from=dt.date(2025, 1, 1),
        by=cashier,
    )
    services.bill_run(project=project, month=dt.date(2026, 1, 1), today=dt.date(2026, 2, 1))
    for amount, method, when in [
        ("100.00", "cash", at(2026, 2, 5)),
        ("133.75", "wechat", at(2026, 2, 6)),
        ("50.00", "card", at(2026, 2, 7)),
        ("20.00", "alipay", at(2026, 3, 2)),
    ]:
        payment = services.payment_take(
            household=household, amount=amount, method=method, taken_by=cashier, now=when
        )
    card = payment.household.payments.get(method="card")
    services.payment_reverse(payment=card, by=manager, reason="重复刷卡", now=at(2026, 2, 8))
    for category, amount, day in [
        ("staff", "1000", dt.date(2026, 1, 31)),
        ("cleaning", "300", dt.date(2026, 2, 10)),
        ("other", "99", dt.date(2026, 3, 1)),
    ]:
        services.expenditure_record(
            project=project,
            category=category,
            amount=amount,
            spent_on=day,
            description="支出",
            by=cashier,
        )


def test_statement_matches_the_hand_count(project, months):
    """Billed 233.75, collected 233.75 (card reversed to 0), spent 1,300, surplus −1,066.25."""
    s = income_statement(project=project, first=dt.date(2026, 1, 1), last=dt.date(2026, 2, 1))
    assert [(code, amount) for code, _label, amount in s.billed] == [
        ("service_fee", D("223.75")),
        ("fixed", D("10.00")),
    ]
    assert {code: amount for code, _label, amount in s.collected} == {
        "cash": D("100.00"),
        "card": D("0.00"),
        "wechat": D("133.75"),
    }
    assert s.expenditure_total == D("1300.00")
    assert s.surplus == D("-1066.25")


def test_margins_per_department_match_the_hand_count(project, household):
    """Engineering: 2 orders, 200.00 charged, 30.00 material, 170.00 margin; cleaning 60/10/50."""
    for fee, material, department, done, status in [
        ("80.00", "30.00", "engineering", at(2026, 1, 5), "returned"),
        ("120.00", None, "engineering", at(2026, 1, 28), "closed"),
        ("60.00", "10.00", "cleaning", at(2026, 1, 9), "returned"),
        ("500.00", "1.00", "engineering", at(2026, 2, 2), "returned"),
        ("900.00", "1.00", "engineering", at(2026, 1, 10), "voided"),
    ]:
        TicketFactory(
            project=project,
            household=household,
            paid=True,
            fee_charged=D(fee),
            material_cost=D(material) if material else None,
            department=department,
            done_at=done,
            status=status,
            voided_at=done if status == "voided" else None,
            void_reason="录错户" if status == "voided" else "",
        )
    rows = paid_service_margins(project=project, period=dt.date(2026, 1, 1))
    assert [(r.department, r.orders, r.charged, r.material, r.margin) for r in rows] == [
        ("cleaning", 1, D("60.00"), D("10.00"), D("50.00")),
        ("engineering", 2, D("200.00"), D("30.00"), D("170.00")),
    ]


def test_statement_and_margin_endpoints(api_client, cashier, project, months):
    """The API answers the statement for a range of months and refuses a reversed range."""
    api_client.force_authenticate(cashier)
    ok = api_client.get("/api/v1/reports/statement/", {"from": "2026-01", "to": "2026-02"})
    assert ok.status_code == 200 and ok.json()["surplus"] == "-1066.25"
    bad = api_client.get("/api/v1/reports/statement/", {"from": "2026-03", "to": "2026-02"})
    assert bad.status_code == 400 and "from" in bad.json()
    margins = api_client.get("/api/v1/reports/margins/", {"period": "2026-01"})
    assert margins.status_code == 200 and margins.json()["departments"] == []


def test_statement_page_and_pdf(client, cashier, project, months):
    """The statement page shows the surplus; ?format=pdf prints it for the residents."""
    from django.urls import reverse

    client.force_login(cashier)
    query = {"project": project.pk, "from": "2026-01", "period": "2026-02"}
    html = client.get(reverse("billing:statement"), query).content.decode()
    assert 'data-figure="surplus">¥-1066.25' in html
    pdf = client.get(reverse("billing:statement"), {**query, "format": "pdf"})
    assert pdf["Content-Type"] == "application/pdf"
