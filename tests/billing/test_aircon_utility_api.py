"""Overtime air-conditioning and utility payments in the API and on the pages: roles,
scoping, filters shared by page and API, query counts, the statement's payable."""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from billing import services
from billing.choices import ChargeKind
from billing.models import AirconOvertime, BillingSettings, UtilityPayment
from tests.factories import HouseholdFactory, UnitFactory

from .conftest import at

pytestmark = pytest.mark.django_db
API = "/api/v1"


@pytest.fixture
def aircon_rate(project, cashier):
    return services.charge_standard_create(
        project=project,
        kind=ChargeKind.AIRCON_OVERTIME,
        name="加班空调费",
        rate="90.00",
        valid_from=dt.date(2025, 1, 1),
        by=cashier,
    )


@pytest.fixture(autouse=True)
def utilities_paid_on_behalf(project, other_project):
    for p in (project, other_project):
        BillingSettings.objects.update_or_create(project=p, defaults={"bills_energy": False})


def collect(household, by, amount="100.00", utility="electricity", when=None):
    return services.utility_collect(
        household=household,
        utility=utility,
        account_number="88001234",
        amount=amount,
        method="wechat",
        by=by,
        now=when or at(2026, 1, 10),
    )


# --- Overtime air-conditioning ------------------------------------------------------------


def test_desk_records_overtime_aircon_by_api(api_client, desk_user, household, aircon_rate):
    """POST with from–to: 201 with the amount; bad hours and no standard are 400 on a field."""
    api_client.force_authenticate(desk_user)
    response = api_client.post(
        f"{API}/aircon-overtime/",
        {
            "household": household.pk,
            "used_on": "2026-01-10",
            "starts_at": "18:00",
            "ends_at": "21:30",
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["amount"] == "315.00" and body["hours"] == "3.50" and body["billed_period"] is None
    bad = api_client.post(
        f"{API}/aircon-overtime/",
        {"household": household.pk, "used_on": "2026-01-10", "hours": "25"},
        format="json",
    )
    assert bad.status_code == 400 and "hours" in bad.json()
    early = api_client.post(
        f"{API}/aircon-overtime/",
        {"household": household.pk, "used_on": "2024-06-01", "hours": "2"},
        format="json",
    )
    assert early.status_code == 400 and "used_on" in early.json()
    assert AirconOvertime.objects.count() == 1


def test_aircon_roles_and_scoping(
    api_client, butler, other_desk_user, desk_user, household, aircon_rate
):
    """A butler gets 403; another project's desk gets 400 on household and sees no rows."""
    payload = {"household": household.pk, "used_on": "2026-01-10", "hours": "1"}
    api_client.force_authenticate(butler)
    assert api_client.post(f"{API}/aircon-overtime/", payload, format="json").status_code == 403
    api_client.force_authenticate(other_desk_user)
    refused = api_client.post(f"{API}/aircon-overtime/", payload, format="json")
    assert refused.status_code == 400 and "household" in refused.json()
    record = services.aircon_overtime_record(
        household=household, used_on=dt.date(2026, 1, 10), hours="1", by=desk_user
    )
    assert api_client.get(f"{API}/aircon-overtime/").json()["results"] == []
    assert api_client.get(f"{API}/aircon-overtime/{record.pk}/").status_code == 404


def test_aircon_list_filters_and_costs_fixed_queries(
    api_client,
    client,
    cashier,
    household,
    second_household,
    aircon_rate,
    django_assert_num_queries,
):
    """?household=&date_from= returns the same rows on the page and in the API, in one query."""
    for day in range(1, 11):
        for h in (household, second_household):
            services.aircon_overtime_record(
                household=h, used_on=dt.date(2026, 1, day), hours="1", by=cashier
            )
    api_client.force_authenticate(cashier)
    query = {"household": household.pk, "date_from": "2026-01-05", "date_to": "2026-01-08"}
    api_client.get(f"{API}/aircon-overtime/")
    with django_assert_num_queries(1):
        rows = api_client.get(f"{API}/aircon-overtime/", query).json()["results"]
    assert len(rows) == 4
    client.force_login(cashier)
    client.get(reverse("billing:aircon-overtime"))
    with django_assert_num_queries(6):  # session, user, roles, projects, rows, project choices
        page = client.get(reverse("billing:aircon-overtime"), query)
    assert page.status_code == 200
    html = page.content.decode()
    assert all(f'data-id="{r["id"]}"' in html for r in rows)
    assert html.count("data-id=") == 4


def test_aircon_page_form_from_the_file(client, desk_user, household, aircon_rate):
    """The fee panel links to the form; posting it records the charge and returns to the file."""
    client.force_login(desk_user)
    url = reverse("billing:aircon-new", kwargs={"household_id": household.pk})
    file_html = client.get(reverse("household-file", kwargs={"household_id": household.pk}))
    assert url in file_html.content.decode()
    assert client.get(url).status_code == 200
    response = client.post(url, {"used_on": "2026-01-10", "hours": "2", "note": "周六加班"})
    assert response.status_code == 302
    assert AirconOvertime.objects.get().amount == Decimal("180.00")
    refused = client.post(url, {"used_on": "2026-01-10", "hours": "-2"})
    assert refused.status_code == 200 and AirconOvertime.objects.count() == 1


# --- Utility payments -----------------------------------------------------------------------


def test_utility_payment_life_by_api(api_client, desk_user, cashier, household):
    """The desk collects; the desk may not pay over (403); the cashier pays over once."""
    api_client.force_authenticate(desk_user)
    created = api_client.post(
        f"{API}/utility-payments/",
        {
            "household": household.pk,
            "utility": "electricity",
            "account_number": "88001234",
            "amount": "210.00",
            "method": "cash",
        },
        format="json",
    )
    assert created.status_code == 201, created.json()
    pk = created.json()["id"]
    assert created.json()["status"] == "collected"
    over = {"reference": "SZ-GD-778", "paid_on": timezone.localdate().isoformat()}
    assert api_client.post(f"{API}/utility-payments/{pk}/pay-over/", over).status_code == 403
    api_client.force_authenticate(cashier)
    paid = api_client.post(f"{API}/utility-payments/{pk}/pay-over/", over)
    assert paid.status_code == 200 and paid.json()["status"] == "paid_over"
    again = api_client.post(f"{API}/utility-payments/{pk}/pay-over/", over)
    assert again.status_code == 400
    late = api_client.post(f"{API}/utility-payments/{pk}/reverse/", {"reason": "错收"})
    assert late.status_code == 400
    assert UtilityPayment.objects.get().status == "paid_over"


def test_utility_bad_input_by_api(api_client, desk_user, household, other_project):
    """Over-precise or negative amounts and another project's household: 400 on the field."""
    api_client.force_authenticate(desk_user)
    base = {"household": household.pk, "utility": "gas", "account_number": "R1", "method": "cash"}
    for amount in ("-1", "1.234"):
        response = api_client.post(f"{API}/utility-payments/", {**base, "amount": amount})
        assert response.status_code == 400 and "amount" in response.json()
    unit = UnitFactory(project=other_project, number="0101", floor=1)
    stranger = HouseholdFactory(unit=unit, project=other_project)
    response = api_client.post(
        f"{API}/utility-payments/", {**base, "amount": "10", "household": stranger.pk}
    )
    assert response.status_code == 400 and "household" in response.json()
    assert not UtilityPayment.objects.exists()


def test_utility_reverse_and_scoping(api_client, cashier, other_cashier, desk_user, household):
    """Another project's cashier sees nothing and cannot reverse (404); ours reverses."""
    payment = collect(household, desk_user)
    api_client.force_authenticate(other_cashier)
    assert api_client.get(f"{API}/utility-payments/").json()["results"] == []
    assert (
        api_client.post(
            f"{API}/utility-payments/{payment.pk}/reverse/", {"reason": "x"}
        ).status_code
        == 404
    )
    api_client.force_authenticate(cashier)
    response = api_client.post(
        f"{API}/utility-payments/{payment.pk}/reverse/", {"reason": "户号错"}
    )
    assert response.status_code == 200 and response.json()["status"] == "reversed"
    assert UtilityPayment.objects.count() == 1


def test_utility_list_filters_same_on_page_and_api(
    api_client, client, cashier, desk_user, household, second_household, django_assert_num_queries
):
    """?status=collected&utility=gas: same rows on the cashier's page and in the API; fixed
    queries."""
    for n in range(6):
        for h in (household, second_household):
            payment = collect(h, desk_user, utility="gas" if n % 2 else "electricity")
            if n == 5:
                services.utility_pay_over(
                    payment=payment, by=cashier, reference=f"R{h.pk}", paid_on=dt.date(2026, 1, 11)
                )
    api_client.force_authenticate(cashier)
    query = {"status": "collected", "utility": "gas"}
    api_client.get(f"{API}/utility-payments/")
    with django_assert_num_queries(1):
        rows = api_client.get(f"{API}/utility-payments/", query).json()["results"]
    assert len(rows) == 4
    client.force_login(cashier)
    client.get(reverse("billing:utility-payments"))
    with django_assert_num_queries(7):  # the same, and the held total
        page = client.get(reverse("billing:utility-payments"), query)
    html = page.content.decode()
    assert html.count("data-id=") == 4 and all(f'data-id="{r["id"]}"' in html for r in rows)
    assert "¥400.00" in html


def test_cashier_pays_over_on_the_page(client, cashier, desk_user, household):
    """The to-do page lists what is held; the pay-over form records the utility's receipt."""
    payment = collect(household, desk_user)
    client.force_login(cashier)
    page = client.get(reverse("billing:utility-payments"))
    assert f'data-id="{payment.pk}"' in page.content.decode()
    response = client.post(
        reverse("billing:utility-pay-over", kwargs={"pk": payment.pk}),
        {"reference": "GD-1", "paid_on": "2026-01-12"},
    )
    assert response.status_code == 302
    payment.refresh_from_db()
    assert payment.status == "paid_over" and payment.paid_over_on == dt.date(2026, 1, 12)
    assert (
        f'data-id="{payment.pk}"'
        not in client.get(reverse("billing:utility-payments")).content.decode()
    )


def test_desk_collects_on_the_page(client, desk_user, household):
    """The fee panel links to the collect form; the desk posts it."""
    client.force_login(desk_user)
    url = reverse("billing:utility-new", kwargs={"household_id": household.pk})
    assert (
        url
        in client.get(
            reverse("household-file", kwargs={"household_id": household.pk})
        ).content.decode()
    )
    response = client.post(
        url,
        {"utility": "telecom", "account_number": "0755-88", "amount": "99.00", "method": "cash"},
    )
    assert response.status_code == 302 and UtilityPayment.objects.get().amount == Decimal("99.00")


def test_statement_api_and_page_show_the_payable_apart(
    api_client, client, cashier, desk_user, household
):
    """The statement answers the utilities' money as a payable and no income."""
    payment = collect(household, desk_user, amount="300.00", when=at(2026, 1, 5))
    collect(household, desk_user, amount="50.00", when=at(2026, 1, 6))
    services.utility_pay_over(
        payment=payment, by=cashier, reference="GD1", paid_on=dt.date(2026, 1, 20)
    )
    api_client.force_authenticate(cashier)
    body = api_client.get(f"{API}/reports/statement/", {"from": "2026-01", "to": "2026-01"}).json()
    assert body["utilities"] == {"collected": "350.00", "paid_over": "300.00", "held": "50.00"}
    assert body["collected_total"] == "0.00" and body["surplus"] == "0.00"
    client.force_login(cashier)
    html = client.get(
        reverse("billing:statement"), {"period": "2026-01", "from": "2026-01"}
    ).content.decode()
    assert 'data-figure="utilities-held">¥50.00' in html
    pdf = client.get(reverse("billing:statement"), {"period": "2026-01", "format": "pdf"})
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
