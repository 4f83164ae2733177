"""Registers of the desk: month end (page, PDF, CSV), liaison forms, contracts, warranty reports."""

import csv
import datetime as dt
import io
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse
from pypdf import PdfReader

from tests.core.test_spreadsheets import DANGEROUS, starts_like_a_formula
from tests.factories import BuildingFactory, HouseholdFactory, UnitFactory
from tickets import services
from tickets.models import ContractVisit, LiaisonForm, MonthlyContract, WarrantyReport

from .factories import register
from .test_views import act, shows, zh

pytestmark = pytest.mark.django_db

SH = ZoneInfo("Asia/Shanghai")


def at(month: int, day: int, hour: int = 9) -> dt.datetime:
    return dt.datetime(2026, month, day, hour, tzinfo=SH)


@pytest.fixture
def month_orders(desk_user, household, building, engineer):
    """Three November orders of two households (one paid and charged) and one October order."""
    other = HouseholdFactory(
        unit=UnitFactory(building=building, project=building.project, number="0201", floor=2),
        project=building.project,
    )
    with time_machine.travel(at(10, 20), tick=False):
        october = register(household=household, by=desk_user, matter="十月的报修")
    with time_machine.travel(at(11, 3), tick=False):
        late = register(household=other, by=desk_user, matter="二楼门锁坏")
        paid = register(
            household=household, by=desk_user, matter="更换灯具", paid=True, fee_quote="120"
        )
        services.ticket_quote_acknowledge(ticket=paid, by=desk_user)
        services.ticket_dispatch(ticket=paid, by=desk_user, assignee=engineer)
        services.ticket_accept(ticket=paid, by=engineer)
        services.ticket_complete(ticket=paid, by=engineer, fee_charged="120")
        free = register(household=household, by=desk_user, matter="疏通下水道")
    return {"october": october, "late": late, "paid": paid, "free": free, "other": other}


def _csv_rows(response) -> list[list[str]]:
    """The rows of a streamed CSV download."""
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(body)))


def test_month_end_register_sorted_by_customer(client, desk_user, household, month_orders):
    """The November register lists the month's orders grouped by household, with fees summed."""
    client.force_login(desk_user)
    page = client.get(reverse("tickets:month-end") + "?month=2026-11")
    groups = page.context["groups"]
    assert [g["customer"] for g in groups] == [month_orders["other"].unit.code, household.unit.code]
    assert [t.serial for t in groups[1]["rows"]] == [
        month_orders["paid"].serial,
        month_orders["free"].serial,
    ]
    assert groups[1]["charged"] == 120 and page.context["total"] == 120
    html = page.content.decode()
    assert month_orders["october"].serial not in html

    paid_only = client.get(reverse("tickets:month-end") + "?month=2026-11&paid=on")
    assert [t.serial for g in paid_only.context["groups"] for t in g["rows"]] == [
        month_orders["paid"].serial
    ]


def test_month_end_register_as_csv_and_pdf(client, desk_user, month_orders):
    """The same register downloads as CSV (sorted by customer) and prints as a PDF."""
    client.force_login(desk_user)
    url = reverse("tickets:month-end") + "?month=2026-11"
    response = client.get(url + "&format=csv")
    assert response["Content-Type"].startswith("text/csv")
    rows = _csv_rows(response)
    assert [r[1] for r in rows[1:]] == [
        month_orders["late"].serial,
        month_orders["paid"].serial,
        month_orders["free"].serial,
    ]
    assert rows[2][9] == "120.00"

    response = client.get(url + "&format=pdf")
    assert response["Content-Type"] == "application/pdf"
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(response.content)).pages)
    for key in ("late", "paid", "free"):
        assert month_orders[key].serial in text
    assert "更换灯具" in text and month_orders["october"].serial not in text


def test_month_end_page_is_paginated_and_the_csv_holds_the_whole_month(
    client, desk_user, month_orders, monkeypatch, django_assert_max_num_queries
):
    """With pages of two rows, page 1 shows two orders and page 2 the third, each saying the
    month's full count and fees, while the CSV holds every order of the month, read in a
    fixed number of queries."""
    from tickets.views import orders

    monkeypatch.setattr(orders, "REGISTER_PAGE_SIZE", 2)
    client.force_login(desk_user)
    url = reverse("tickets:month-end") + "?month=2026-11"
    first = client.get(url)
    second = client.get(url + "&page=2")
    shown = [
        [t.serial for g in page.context["groups"] for t in g["rows"]] for page in (first, second)
    ]
    assert shown == [
        [month_orders["late"].serial, month_orders["paid"].serial],
        [month_orders["free"].serial],
    ]
    assert first.context["count"] == second.context["count"] == 3
    assert first.context["pages"] == 2 and first.context["total"] == second.context["total"]
    assert 'rel="next"' in first.content.decode() and 'rel="prev"' in second.content.decode()
    with django_assert_max_num_queries(12):
        rows = _csv_rows(client.get(url + "&format=csv"))[1:]
    assert [r[1] for r in rows] == [
        month_orders["late"].serial,
        month_orders["paid"].serial,
        month_orders["free"].serial,
    ]


def test_liaison_form_written_answered_closed_and_printed(client, desk_user, household):
    """A liaison form about an order is numbered, answered, closed and printed."""
    ticket = register(household=household, by=desk_user, matter="地下室渗水")
    client.force_login(desk_user)
    response = client.post(
        reverse("tickets:liaison-list") + f"?ticket={ticket.pk}",
        {
            "project": household.project_id,
            "from_department": "customer_service",
            "to_department": "engineering",
            "matter": "请工程部核查地下室渗水",
            "ticket": ticket.pk,
        },
    )
    form = LiaisonForm.objects.get()
    assert response.status_code == 302 and form.ticket == ticket
    assert form.number == "LX-2026-0001"
    url = reverse("tickets:liaison", kwargs={"pk": form.pk})
    client.post(url, {"op": "close"})
    assert shows(client.get(url), zh("Only an answered liaison form can be closed."))
    client.post(url, {"reply": "已安排堵漏"})
    client.post(url, {"op": "close"})
    form.refresh_from_db()
    assert form.status == "closed" and form.reply == "已安排堵漏"
    pdf = client.get(reverse("tickets:liaison-print", kwargs={"pk": form.pk}))
    text = PdfReader(io.BytesIO(pdf.content)).pages[0].extract_text()
    assert "LX-2026-0001" in text and "已安排堵漏" in text and "请工程部核查地下室渗水" in text


def test_monthly_contract_register_opens_a_due_visit(client, desk_user, household):
    """A weekly cleaning contract lists its November visits; the desk opens one after confirming."""
    client.force_login(desk_user)
    response = client.post(
        reverse("tickets:contracts") + f"?household={household.pk}",
        {
            "household": household.pk,
            "kind": "housekeeping",
            "service": "每周二保洁两小时",
            "schedule_type": "weekdays",
            "schedule_days": "2",
            "price": "480",
            "starts_on": "2026-11-01",
            "visit_time": "09:00",
        },
    )
    contract = MonthlyContract.objects.get()
    assert response.status_code == 302
    url = reverse("tickets:contract", kwargs={"pk": contract.pk}) + "?month=2026-11"
    page = client.get(url)
    assert [r["date"].day for r in page.context["rows"]] == [3, 10, 17, 24]
    client.post(url, {"date": "2026-11-10", "appointment_at": "2026-11-10T09:30"})
    visit = ContractVisit.objects.get()
    assert visit.date == dt.date(2026, 11, 10) and visit.ticket.serial.startswith("JZ-")
    again = client.post(
        url, {"date": "2026-11-10", "appointment_at": "2026-11-10T10:00"}, follow=True
    )
    assert ContractVisit.objects.count() == 1
    assert any(visit.ticket.serial in str(m) for m in again.context["messages"])


def test_warranty_daily_report_page_and_pdf(client, desk_user, engineer, household):
    """The day's warranty report lists each repair with the developer and the day's progress."""
    ticket = register(household=household, by=desk_user, matter="外墙渗水")
    services.ticket_dispatch(ticket=ticket, by=desk_user, assignee=engineer)
    services.warranty_pass(ticket=ticket, contractor="中建三局", liaison=engineer, by=desk_user)
    client.force_login(desk_user)
    page = client.get(reverse("tickets:warranty-daily"))
    assert page.context["rows"][0]["report"] is None
    client.force_login(engineer)
    act(client, ticket, "warranty-report", progress="已搭设脚手架")
    assert WarrantyReport.objects.get().progress == "已搭设脚手架"
    page = client.get(reverse("tickets:warranty-daily"))
    assert page.context["rows"][0]["report"].progress == "已搭设脚手架"
    pdf = client.get(reverse("tickets:warranty-daily") + "?format=pdf")
    text = PdfReader(io.BytesIO(pdf.content)).pages[0].extract_text()
    assert ticket.serial in text and "中建三局" in text and "已搭设脚手架" in text


def test_liaison_form_about_another_projects_order_is_refused(
    client, desk_user, household, other_desk_user, other_household
):
    """A liaison form posted about an order of another project is refused, not written unlinked."""
    foreign = register(household=other_household, by=other_desk_user, matter="外项目漏水")
    client.force_login(desk_user)
    response = client.post(
        reverse("tickets:liaison-list"),
        {
            "project": household.project_id,
            "from_department": "customer_service",
            "to_department": "engineering",
            "matter": "请工程部核查",
            "ticket": foreign.pk,
        },
    )
    assert response.status_code == 200
    assert zh("This work order is not in your projects.") in response.content.decode()
    assert not LiaisonForm.objects.exists()


def test_month_end_of_a_month_outside_the_desks_years_is_a_form_error(client, desk_user, project):
    """?month=9999-12 or 0001-01 shows the form error and this month's register, not a failure."""
    client.force_login(desk_user)
    for month in ("9999-12", "0001-01"):
        for fmt in ("", "csv"):
            response = client.get(reverse("tickets:month-end"), {"month": month, "format": fmt})
            assert response.status_code == 200, (month, fmt)
    page = client.get(reverse("tickets:month-end"), {"month": "9999-12"})
    assert page.context["form"].errors["month"]


def test_month_end_csv_writes_a_building_and_matters_named_like_formulas_as_text(
    client, desk_user, project
):
    """A building numbered =1+2 and matters starting with +, -, @, tab or CR stay text in the
    CSV: no cell of any row starts like a formula."""
    building = BuildingFactory(project=project, number="=1+2")
    unit = UnitFactory(building=building, project=project, number="101", floor=1)
    household = HouseholdFactory(unit=unit, project=project)
    with time_machine.travel(at(11, 5), tick=False):
        for matter in DANGEROUS:
            register(household=household, by=desk_user, matter=f"{matter} 漏水")
    client.force_login(desk_user)
    response = client.get(reverse("tickets:month-end"), {"month": "2026-11", "format": "csv"})
    rows = _csv_rows(response)[1:]
    assert len(rows) == len(DANGEROUS)
    assert {row[0] for row in rows} == {"'=1+2-101"}
    assert "'@SUM(A1) 漏水" in {row[4] for row in rows}
    assert not [cell for row in rows for cell in row if starts_like_a_formula(cell)]
