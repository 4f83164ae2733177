"""The fee endpoints: roles, project scoping, bad input as field errors, receipts in PDF."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from billing import services
from billing.models import Bill, MeterReading, Payment, Receipt
from tests.factories import HouseholdFactory

from .conftest import make_bill

pytestmark = pytest.mark.django_db
API = "/api/v1"
JAN = dt.date(2026, 1, 1)
FEB = dt.date(2026, 2, 1)


@pytest.fixture
def cashier_api(api_client, cashier):
    api_client.force_authenticate(cashier)
    return api_client


def test_cashier_takes_one_payment_for_two_bills_and_prints_the_receipt(cashier_api, household):
    """One payment settles two bills; the answer names the receipt, which prints as a PDF and
    is marked a reprint the second time."""
    jan, feb = make_bill(household, JAN, "120.00"), make_bill(household, FEB, "80.00")
    response = cashier_api.post(
        f"{API}/payments/",
        {
            "household": household.pk,
            "amount": "200.00",
            "method": "wechat",
            "bills": [jan.pk, feb.pk],
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["receipt"] == "SJ-2026-000001" or body["receipt"].startswith("SJ-")
    assert sorted(a["amount"] for a in body["allocations"]) == ["120.00", "80.00"]
    bills = cashier_api.get(f"{API}/bills/", {"household": household.pk}).json()["results"]
    assert {b["status"] for b in bills} == {"paid"}
    printed = cashier_api.get(f"{API}/receipts/{body['receipt_id']}/print/")
    assert printed.status_code == 200 and printed["Content-Type"] == "application/pdf"
    assert printed.content.startswith(b"%PDF")
    cashier_api.get(f"{API}/receipts/{body['receipt_id']}/print/")
    assert Receipt.objects.get(pk=body["receipt_id"]).print_count == 2


@pytest.mark.parametrize(
    ("amount", "field"), [("-1", "amount"), ("12.345", "amount"), ("0", "amount")]
)
def test_bad_amount_is_a_field_error(cashier_api, household, amount, field):
    """Negative, zero and over-precise amounts answer 400 on the amount; nothing is saved."""
    make_bill(household, JAN, "10.00")
    response = cashier_api.post(
        f"{API}/payments/",
        {"household": household.pk, "amount": amount, "method": "cash"},
        format="json",
    )
    assert response.status_code == 400
    assert field in response.json()
    assert not Payment.objects.exists()


def test_desk_daytime_payment_is_forbidden(desk_api, household):
    """The desk may not take a payment in the day: 403, nothing saved."""
    make_bill(household, JAN, "10.00")
    response = desk_api.post(
        f"{API}/payments/",
        {"household": household.pk, "amount": "10", "method": "cash"},
        format="json",
    )
    assert response.status_code == 403
    assert not Payment.objects.exists()


def test_other_projects_bills_do_not_exist_for_a_cashier(
    api_client, other_cashier, household, other_project
):
    """A cashier of another project sees no bill of this one and cannot pay for its household."""
    bill = make_bill(household, JAN, "10.00")
    api_client.force_authenticate(other_cashier)
    assert api_client.get(f"{API}/bills/").json()["results"] == []
    assert api_client.get(f"{API}/bills/{bill.pk}/").status_code == 404
    response = api_client.post(
        f"{API}/payments/",
        {"household": household.pk, "amount": "10", "method": "cash"},
        format="json",
    )
    assert response.status_code == 400 and "household" in response.json()


def test_paying_a_bill_of_another_project_is_refused(cashier_api, household, other_project):
    """Naming another project's bill is a 400 on bills."""
    other = HouseholdFactory(unit__building__project=other_project, project=other_project)
    foreign = make_bill(other, JAN, "10.00")
    response = cashier_api.post(
        f"{API}/payments/",
        {"household": household.pk, "amount": "10", "method": "cash", "bills": [foreign.pk]},
        format="json",
    )
    assert response.status_code == 400 and "bills" in response.json()


def test_reverse_payment_by_api(cashier_api, household):
    """POST /payments/{id}/reverse/ keeps the payment, marks it reversed and reopens the bill."""
    bill = make_bill(household, JAN, "10.00")
    payment = cashier_api.post(
        f"{API}/payments/",
        {"household": household.pk, "amount": "10", "method": "cash"},
        format="json",
    ).json()
    response = cashier_api.post(
        f"{API}/payments/{payment['id']}/reverse/", {"reason": "收错户"}, format="json"
    )
    assert response.status_code == 200, response.json()
    assert response.json()["status"] == "reversed"
    assert response.json()["reversal"]["reason"] == "收错户"
    bill.refresh_from_db()
    assert bill.status == "issued"
    assert (
        cashier_api.post(
            f"{API}/payments/{payment['id']}/reverse/", {"reason": "x"}, format="json"
        ).status_code
        == 400
    )


def test_bill_run_for_a_month_not_ended_is_refused(cashier_api, household, service_fee):
    """Running the current month is a 400 on month; a draft is accepted."""
    month = timezone.localdate().strftime("%Y-%m")
    response = cashier_api.post(f"{API}/bills/run/", {"month": month}, format="json")
    assert response.status_code == 400 and "month" in response.json()
    draft = cashier_api.post(f"{API}/bills/run/", {"month": month, "draft": True}, format="json")
    assert draft.status_code == 200 and draft.json()["created"] == 1
    assert Bill.objects.get().status == "draft"


def test_meter_reading_csv_import_reports_bad_rows(cashier_api, building, unit):
    """A CSV with a bad row answers 400 listing it; nothing is written."""
    data = b"unit,meter,reading,read_on\n1502,water,10,2026-01-31\n1502,water,x,2026-02-28\n"
    response = cashier_api.post(
        f"{API}/meter-readings/import/",
        {"building": building.pk, "file": SimpleUploadedFile("r.csv", data, "text/csv")},
        format="multipart",
    )
    assert response.status_code == 400
    assert len(response.json()["rows"]) == 1
    assert not MeterReading.objects.exists()


def test_refund_approval_flow_by_api(api_client, cashier, manager, household):
    """Cashier asks, the manager approves, the cashier pays out; approving again is refused."""
    deposit = services.deposit_take(
        household=household, kind="other", amount="300", method="cash", by=cashier
    )
    api_client.force_authenticate(cashier)
    refund = api_client.post(
        f"{API}/refunds/",
        {"deposit": deposit.pk, "amount": "400", "reason": "退押金", "method": "cash"},
        format="json",
    )
    assert refund.status_code == 400 and "amount" in refund.json()
    refund = api_client.post(
        f"{API}/refunds/",
        {"deposit": deposit.pk, "amount": "300", "reason": "退押金", "method": "cash"},
        format="json",
    ).json()
    assert api_client.post(f"{API}/refunds/{refund['id']}/approve/").status_code == 403
    api_client.force_authenticate(manager)
    assert api_client.post(f"{API}/refunds/{refund['id']}/approve/").status_code == 200
    api_client.force_authenticate(cashier)
    paid = api_client.post(f"{API}/refunds/{refund['id']}/pay/")
    assert paid.status_code == 200 and paid.json()["status"] == "paid"
    deposits = api_client.get(f"{API}/deposits/", {"household": household.pk}).json()
    assert deposits["results"][0]["status"] == "returned"
    assert deposits["results"][0]["refunded"] == "300.00"


def test_bill_list_costs_fixed_queries(
    cashier_api, household, second_household, django_assert_num_queries
):
    """The bill list costs the same few queries for 2 bills as for 20."""
    for n in range(10):
        make_bill(household, dt.date(2025, 1 + n, 1), "10.00")
        make_bill(second_household, dt.date(2025, 1 + n, 1), "10.00")
    cashier_api.get(f"{API}/bills/")  # the user's projects, cached for the session's user
    with django_assert_num_queries(1):
        response = cashier_api.get(f"{API}/bills/", {"status": "issued"})
    assert len(response.json()["results"]) == 20


def test_payment_list_costs_fixed_queries(
    cashier_api, household, cashier, django_assert_num_queries
):
    """The payment list with receipts and reversals costs a fixed number of queries."""
    make_bill(household, JAN, "1000.00")
    for _i in range(5):
        services.payment_take(household=household, amount="1", method="cash", taken_by=cashier)
    cashier_api.get(f"{API}/payments/")
    with django_assert_num_queries(1):
        response = cashier_api.get(f"{API}/payments/", {"household": household.pk})
    assert len(response.json()["results"]) == 5


def test_period_filter_takes_a_month(cashier_api, household):
    """?period=2026-01 lists January's bills; a malformed month is a 400 on period."""
    make_bill(household, JAN, "10.00")
    make_bill(household, FEB, "20.00")
    rows = cashier_api.get(f"{API}/bills/", {"period": "2026-01"}).json()["results"]
    assert [r["amount"] for r in rows] == ["10.00"]
    bad = cashier_api.get(f"{API}/bills/", {"period": "2026-13"})
    assert bad.status_code == 400 and "period" in bad.json()


def test_collection_and_arrears_reports(cashier_api, household, cashier):
    """The reports answer with their definitions and figures for the cashier's project."""
    bill = make_bill(household, JAN, "100.00")
    services.payment_take(
        household=household, amount="60", method="cash", taken_by=cashier, bills=[bill]
    )
    report = cashier_api.get(f"{API}/reports/collection/", {"period": "2026-01"}).json()
    assert report["period"]["billed"] == "100.00"
    assert "current_rate" in report["definitions"] and len(report["trend"]) == 12
    arrears = cashier_api.get(f"{API}/reports/arrears/").json()
    assert arrears["households"][0]["total"] == "40.00"
    assert Decimal(arrears["totals"]["total"]) == Decimal("40.00")


def test_credit_handover_and_expenditure_endpoints(
    api_client, cashier, manager, desk_user, household
):
    """The manager grants a credit that settles a bill; the desk hands over after-hours cash
    with a difference explained and the cashier signs; the cashier records a cost."""
    bill = make_bill(household, JAN, "50.00")
    api_client.force_authenticate(manager)
    credit = api_client.post(
        f"{API}/credits/",
        {"household": household.pk, "amount": "50.00", "reason": "停水补偿"},
        format="json",
    )
    assert credit.status_code == 201, credit.json()
    bill.refresh_from_db()
    assert bill.status == "paid"
    services.payment_take(
        household=household, amount="30", method="cash", taken_by=desk_user, after_hours=True
    )
    api_client.force_authenticate(desk_user)
    short = api_client.post(f"{API}/cash-handovers/", {"counted": {"cash": "25"}}, format="json")
    assert short.status_code == 400 and "explanation" in short.json()
    handed = api_client.post(
        f"{API}/cash-handovers/",
        {"counted": {"cash": "25"}, "explanation": "找零少收5元"},
        format="json",
    )
    assert handed.status_code == 201, handed.json()
    assert handed.json()["lines"] == [
        {"method": "cash", "expected": "30.00", "counted": "25.00", "difference": "-5.00"}
    ]
    api_client.force_authenticate(cashier)
    received = api_client.post(f"{API}/cash-handovers/{handed.json()['id']}/receive/")
    assert received.status_code == 200 and received.json()["status"] == "received"
    cost = api_client.post(
        f"{API}/expenditures/",
        {
            "category": "cleaning",
            "amount": "1200.00",
            "spent_on": "2026-01-20",
            "description": "外墙清洗",
        },
        format="json",
    )
    assert cost.status_code == 201
    listed = api_client.get(f"{API}/expenditures/", {"period": "2026-01"}).json()["results"]
    assert [row["amount"] for row in listed] == ["1200.00"]
