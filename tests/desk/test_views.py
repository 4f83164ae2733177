"""The desk's pages: the duty log, the handover, the daily check."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext
from rest_framework.test import APIClient

from frontdesk.desk import services
from frontdesk.desk.models import DutyLogEntry
from tests.factories import PersonFactory

from .conftest import entry_data

pytestmark = pytest.mark.django_db


def login(client, user):
    client.force_login(user)
    return client


def post_entry(client, household=None, **overrides):
    data = {
        "project": household.project_id if household else "",
        "kind": "request",
        "channel": "phone",
        "caller_name": "王建国",
        "caller_phone": "13812345678",
        "matter": "门禁卡失效",
    }
    if household is not None:
        data["household"] = household.pk
    data.update(overrides)
    return client.post(reverse("desk:duty-log"), data)


def test_a_call_is_recorded_from_the_page(client, desk_user, household):
    """Posting the quick form records the entry and lists it in the day's log."""
    login(client, desk_user)
    response = post_entry(client, household)
    assert response.status_code == 302
    entry = DutyLogEntry.objects.get()
    assert entry.household == household and entry.taken_by == desk_user
    page = client.get(reverse("desk:duty-log"))
    assert "门禁卡失效" in page.content.decode()


def test_bad_input_is_a_form_error_and_writes_nothing(client, desk_user, household):
    """A promise in the past comes back as a form error on its field; nothing is saved."""
    login(client, desk_user)
    past = (timezone.localtime() - dt.timedelta(hours=3)).strftime("%Y-%m-%dT%H:%M")
    response = post_entry(client, household, promise="回电", promise_due_at=past)
    assert response.status_code == 200
    assert "promise_due_at" in response.context["form"].errors
    assert not DutyLogEntry.objects.exists()


def test_a_household_outside_ones_projects_is_refused(client, desk_user, household, other_project):
    """A household id of another project is a form error, not a 500 and not an entry."""
    from tests.factories import BuildingFactory, HouseholdFactory, UnitFactory

    building = BuildingFactory(project=other_project, number="9")
    elsewhere = HouseholdFactory(
        unit=UnitFactory(building=building, project=other_project, number="0901", floor=9),
        project=other_project,
    )
    login(client, desk_user)
    response = post_entry(client, elsewhere, project=household.project_id)
    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    assert not DutyLogEntry.objects.exists()


def test_emergencies_come_first_in_the_days_log(client, desk_user, project, household):
    """An emergency recorded before other calls still heads the day's list."""
    services.entry_record(
        project=project, by=desk_user, data=entry_data(household, kind="emergency", matter="跑水")
    )
    services.entry_record(project=project, by=desk_user, data=entry_data(household))
    login(client, desk_user)
    rows = client.get(reverse("desk:duty-log")).context["rows"]
    assert [row.kind for row, _phone in rows] == ["emergency", "consultation"]


def test_the_days_log_costs_a_fixed_number_of_queries(
    client, desk_user, project, household, django_assert_num_queries
):
    """The duty-log page's queries do not grow with the number of entries."""
    login(client, desk_user)
    services.entry_record(project=project, by=desk_user, data=entry_data(household))
    client.get(reverse("desk:duty-log"))
    with django_assert_num_queries(12) as few:
        client.get(reverse("desk:duty-log"))
    for _ in range(5):
        services.entry_record(project=project, by=desk_user, data=entry_data(household))
    with django_assert_num_queries(len(few.captured_queries)):
        client.get(reverse("desk:duty-log"))


def test_the_page_and_the_api_filter_alike(client, desk_user, project, household):
    """The same query string gives the same entries on the page and in the API."""
    services.entry_record(
        project=project, by=desk_user, data=entry_data(household, kind="complaint")
    )
    services.entry_record(project=project, by=desk_user, data=entry_data(household, kind="praise"))
    query = f"kind=complaint&project={project.pk}&date={timezone.localdate().isoformat()}"
    login(client, desk_user)
    page_ids = [
        row.pk for row, _ in client.get(f"{reverse('desk:duty-log')}?{query}").context["rows"]
    ]
    api = APIClient()
    api.force_authenticate(desk_user)
    api_ids = [r["id"] for r in api.get(f"/api/v1/duty-log/?{query}").json()["results"]]
    assert page_ids == api_ids and len(page_ids) == 1


def test_the_household_picker_masks_phones_by_role(client, household, project):
    """The search box on the log finds the household; an engineer sees the phone masked."""
    from frontdesk.core.roles import Role
    from tests.factories import UserFactory

    engineer = UserFactory(role=Role.ENGINEERING, projects=[project])
    login(client, engineer)
    html = client.get(reverse("desk:household-pick"), {"q": "1502"}).content.decode()
    assert household.unit.code in html
    assert "138****5678" in html and "13812345678" not in html


def test_the_banner_leads_the_incoming_clerk_to_the_handover(client, shifts, desk_user, incoming):
    """After the shift closes, the next clerk is led to the handover and acknowledges it."""
    morning, _afternoon = shifts
    handover = services.shift_close(shift=morning, by=desk_user)
    login(client, incoming)
    banner = client.get(reverse("desk:banner")).content.decode()
    assert reverse("desk:handover", args=[handover.pk]) in banner
    page = client.get(reverse("desk:handover", args=[handover.pk]))
    assert page.context["can_acknowledge"]
    client.post(reverse("desk:handover", args=[handover.pk]))
    handover.refresh_from_db()
    assert handover.status == "acknowledged"
    assert (
        reverse("desk:handover", args=[handover.pk])
        not in client.get(reverse("desk:banner")).content.decode()
    )


def test_the_incoming_clerks_entry_is_refused_on_the_page(
    client, shifts, desk_user, incoming, household
):
    """Before acknowledging, the log's form answers with the reason and records nothing."""
    morning, _afternoon = shifts
    services.shift_close(shift=morning, by=desk_user)
    login(client, incoming)
    response = post_entry(client, household)
    assert response.status_code == 200
    with translation.override(response.wsgi_request.LANGUAGE_CODE):
        expected = gettext(
            "Read and acknowledge the handover of the previous shift before recording "
            "anything on the desk."
        )
    assert expected in response.context["form"].non_field_errors()
    assert not DutyLogEntry.objects.exists()


def test_closing_the_shift_from_the_page(client, shifts, desk_user):
    """The outgoing clerk closes the shift with notes and lands on the handover."""
    morning, _afternoon = shifts
    login(client, desk_user)
    response = client.post(
        reverse("desk:shift-close", args=[morning.pk]), {"notes": "备用钥匙已归还"}
    )
    assert response.status_code == 302
    page = client.get(response["Location"])
    assert "备用钥匙已归还" in page.content.decode()


def test_the_handover_prints_as_r03(client, shifts, desk_user):
    """The handover prints as a PDF."""
    morning, _afternoon = shifts
    handover = services.shift_close(shift=morning, by=desk_user)
    login(client, desk_user)
    response = client.get(reverse("desk:handover-print", args=[handover.pk]))
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")


def test_the_supervisor_signs_the_day_and_it_freezes(
    client, supervisor, desk_user, project, household
):
    """Signing the daily check shows the signature and no form; the clerk has no sign form."""
    services.entry_record(project=project, by=desk_user, data=entry_data(household))
    url = reverse("desk:review", args=[project.pk, timezone.localdate().isoformat()])
    login(client, desk_user)
    assert not client.get(url).context["can_sign"]
    login(client, supervisor)
    page = client.get(url)
    assert page.context["can_sign"] and page.context["figures"]["entries"] == 1
    client.post(url, {"comment": "值班记录清楚"})
    signed = client.get(url)
    assert not signed.context["can_sign"]
    assert "值班记录清楚" in signed.content.decode()


def test_the_entry_page_opens_an_order(client, desk_user, project, household):
    """'Open an order from this entry' on the entry's page registers and links it."""
    PersonFactory(household=household, project=project, name="李四", phone="13900001111")
    entry = services.entry_record(project=project, by=desk_user, data=entry_data(household))
    login(client, desk_user)
    client.post(
        reverse("desk:entry", args=[entry.pk]), {"action": "open_order", "order-kind": "repair"}
    )
    entry.refresh_from_db()
    assert entry.ticket is not None
    assert (
        entry.ticket.serial in client.get(reverse("desk:entry", args=[entry.pk])).content.decode()
    )


def test_the_days_log_prints_as_r02_with_phones_masked_by_role(
    client, desk_user, engineer, project, household
):
    """The day's log prints as a PDF holding the matter; an engineer's copy masks the phone."""
    import io

    from pypdf import PdfReader

    services.entry_record(project=project, by=desk_user, data=entry_data(household))
    login(client, engineer)
    response = client.get(reverse("desk:duty-log-print"), {"project": project.pk})
    assert response["Content-Type"] == "application/pdf"
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(response.content)).pages)
    assert "R02" in text and "问物业费缴费时间" in text
    assert "13812345678" not in text


def test_the_household_file_shows_its_duty_log(client, desk_user, project, household):
    """The household's file has a duty-log panel with its entries and a link to record one."""
    entry = services.entry_record(
        project=project, by=desk_user, data=entry_data(household, matter="询问装修申报手续")
    )
    login(client, desk_user)
    html = client.get(reverse("household-file", args=[household.pk])).content.decode()
    assert "询问装修申报手续" in html
    assert reverse("desk:entry", args=[entry.pk]) in html
    assert f"{reverse('desk:duty-log')}?household={household.pk}" in html


def test_a_problem_found_in_the_review_gets_an_owner(client, supervisor, desk_user, project):
    """From the daily check the supervisor puts a problem under follow-up with an owner."""
    url = reverse("desk:review", args=[project.pk, timezone.localdate().isoformat()])
    login(client, supervisor)
    client.post(
        url,
        {
            "action": "problem",
            "problem-matter": "两条来电未写承诺人",
            "problem-owner": desk_user.pk,
            "problem-next_check_on": timezone.localdate().isoformat(),
        },
    )
    page = client.get(url)
    problems = page.context["problems"]
    assert [(t.matter, t.owner) for t in problems] == [("两条来电未写承诺人", desk_user)]
    assert problems[0].review == page.context["review"]


def test_reading_a_day_writes_nothing_and_shows_no_error(client, supervisor, project):
    """Opening a day's check shows an empty sign form and creates no review row."""
    from frontdesk.desk.models import Review

    login(client, supervisor)
    url = reverse("desk:review", args=[project.pk, "2026-11-30"])
    page = client.get(url)
    assert page.status_code == 200
    assert not page.context["form"].is_bound
    assert not Review.objects.exists()


def test_a_complaint_order_opens_from_its_entry(client, desk_user, project, household):
    """A complaint entry opens a complaint order with its category and reason; without them
    the page answers with the fields' messages and opens nothing."""
    from tickets.models import Ticket

    entry = services.entry_record(
        project=project, by=desk_user, data=entry_data(household, kind="complaint")
    )
    login(client, desk_user)
    url = reverse("desk:entry", args=[entry.pk])
    refused = client.post(url, {"action": "open_order", "order-kind": "complaint"})
    assert refused.status_code == 200 and refused.context["forms"]["open_order"].errors
    assert not Ticket.objects.exists()
    client.post(
        url,
        {
            "action": "open_order",
            "order-kind": "complaint",
            "order-category": "cleaning",
            "order-reason": "service_quality",
        },
    )
    entry.refresh_from_db()
    assert entry.ticket.kind == "complaint"
    assert entry.ticket.complaint.category == "cleaning"
