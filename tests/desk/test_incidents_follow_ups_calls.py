"""Incidents, key follow-ups and the caller-ID pop: their lives and their refusals."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from frontdesk.core.errors import ApplicationError
from frontdesk.core.models import Notification
from frontdesk.core.roles import Role
from frontdesk.desk import services
from frontdesk.desk.models import Extension, Incident, Ring, Tracking
from tests.factories import UserFactory

from .conftest import entry_data

pytestmark = pytest.mark.django_db

KEY = "pbx-key-of-east-estate-0123456789"


def api_for(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


# --- Incidents ---------------------------------------------------------------------------


def test_an_incident_is_told_to_the_manager_and_handled_in_time_order(
    project, desk_user, manager, household
):
    """Recording an incident tells the manager at once; steps list in time order; closing
    freezes it."""
    entry = services.entry_record(
        project=project, by=desk_user, data=entry_data(household, kind="emergency", matter="跑水")
    )
    start = timezone.now() - dt.timedelta(minutes=30)
    incident = services.incident_record(
        project=project,
        by=desk_user,
        what="12楼水管爆裂",
        where="3栋12楼",
        occurred_at=start,
        entries=[entry],
    )
    assert Notification.objects.filter(user=manager, title__contains="12楼水管爆裂").exists()
    services.incident_step(
        incident=incident,
        by=desk_user,
        kind="arrived",
        who="工程部张工",
        at=start + dt.timedelta(minutes=12),
    )
    services.incident_step(
        incident=incident,
        by=desk_user,
        kind="called",
        who="工程部",
        at=start + dt.timedelta(minutes=2),
    )
    assert [s.kind for s in incident.steps.all()] == ["called", "arrived"]
    services.incident_close(incident=incident, by=desk_user, outcome="关闭总阀，已抢修")
    with pytest.raises(ApplicationError):
        services.incident_step(incident=incident, by=desk_user, kind="note", text="补记")
    assert incident.steps.count() == 2
    assert list(Incident.objects.get().entries.all()) == [entry]


def test_an_emergency_order_is_linked_to_the_incident_from_its_page(
    client, project, desk_user, household, other_household
):
    """The clerk links an order by its serial from the incident's page; an unknown serial, an
    order of another project or the same order twice is a form error and links nothing."""
    from django.urls import reverse

    from tickets.services import ticket_register

    incident = services.incident_record(
        project=project, by=desk_user, what="电梯困人", where="1栋2号电梯"
    )
    order = ticket_register(
        project=project, kind="repair", matter="电梯困人", by=desk_user, household=household
    )
    # Serials run per project: the other project's second order has a number this one
    # does not have.
    other_desk = UserFactory(role=Role.DESK, projects=[other_household.project])
    for _ in range(2):
        foreign = ticket_register(
            project=other_household.project,
            kind="repair",
            matter="电梯困人",
            by=other_desk,
            household=other_household,
        )
    client.force_login(desk_user)
    url = reverse("desk:incident", args=[incident.pk])
    for serial in ("WX-1999-000001", foreign.serial):
        page = client.post(url, {"action": "link", "link-serial": serial})
        assert page.status_code == 200 and page.context["link_form"].errors["serial"]
    assert client.post(url, {"action": "link", "link-serial": order.serial}).status_code == 302
    again = client.post(url, {"action": "link", "link-serial": order.serial.lower()})
    assert again.context["link_form"].errors["serial"]
    assert list(Incident.objects.get().tickets.all()) == [order]


def test_incidents_through_the_api(project, desk_user):
    """POST /incidents/, a step, the close; a step before the incident is a 400."""
    api = api_for(desk_user)
    created = api.post(
        "/api/v1/incidents/", {"what": "电梯困人", "where": "5栋2号梯"}, format="json"
    )
    assert created.status_code == 201, created.json()
    pk = created.json()["id"]
    early = (timezone.now() - dt.timedelta(days=1)).isoformat()
    bad = api.post(f"/api/v1/incidents/{pk}/steps/", {"kind": "called", "who": "维保", "at": early})
    assert bad.status_code == 400 and "at" in bad.json()
    ok = api.post(f"/api/v1/incidents/{pk}/steps/", {"kind": "called", "who": "电梯维保"})
    assert ok.status_code == 200 and len(ok.json()["steps"]) == 1
    closed = api.post(f"/api/v1/incidents/{pk}/close/", {"outcome": "已救出"})
    assert closed.json()["status"] == "closed"
    assert api.get("/api/v1/incidents/?status=open").json()["results"] == []


# --- Key follow-ups ----------------------------------------------------------------------


def test_a_follow_up_is_checked_instructed_and_ended(project, desk_user, supervisor, shifts):
    """A referred matter gets the supervisor's instruction (once), checks move its date,
    and a check due appears in the handover."""
    tracking = services.tracking_open(
        project=project,
        by=desk_user,
        matter="2栋业主反复投诉噪音",
        owner=desk_user,
        next_check_on=timezone.localdate(),
        referred_to="head",
    )
    with pytest.raises(ApplicationError):
        services.tracking_instruct(tracking=tracking, by=desk_user, instruction="自己处理")
    services.tracking_instruct(tracking=tracking, by=supervisor, instruction="联系施工方夜间停工")
    with pytest.raises(ApplicationError):
        services.tracking_instruct(tracking=tracking, by=supervisor, instruction="改主意")
    morning, _ = shifts
    handover = services.shift_close(shift=morning, by=desk_user)
    due = next(s for s in handover.items if s["key"] == "desk.trackings_due")
    assert "噪音" in due["items"][0]["text"]
    later = timezone.localdate() + dt.timedelta(days=3)
    services.tracking_check(tracking=tracking, by=desk_user, note="已停工", next_check_on=later)
    tracking.refresh_from_db()
    assert tracking.next_check_on == later
    services.tracking_close(tracking=tracking, by=desk_user, note="业主确认无噪音")
    tracking.refresh_from_db()
    assert tracking.status == "closed" and tracking.checks.count() == 2


def test_a_follow_up_with_a_past_check_date_is_a_400(project, desk_user):
    """A next check date in the past is refused on its field; nothing is written."""
    yesterday = (timezone.localdate() - dt.timedelta(days=1)).isoformat()
    response = api_for(desk_user).post(
        "/api/v1/follow-ups/",
        {"matter": "跟进", "owner": desk_user.pk, "next_check_on": yesterday},
        format="json",
    )
    assert response.status_code == 400 and "next_check_on" in response.json()
    assert not Tracking.objects.exists()


# --- Caller-ID pop -----------------------------------------------------------------------


@pytest.fixture
def line(project, desk_user, incoming):
    line = services.phone_line_set_key(project=project, key=KEY)
    Extension.objects.create(line=line, number="801", clerk=desk_user)
    Extension.objects.create(line=line, number="802", clerk=incoming)
    return line


def ring(number="13812345678", extension="801", key=KEY):
    return APIClient().post(
        "/api/v1/calls/ring/",
        {"number": number, "extension": extension},
        format="json",
        HTTP_X_PHONE_KEY=key,
    )


def test_a_ring_with_a_wrong_key_or_extension_is_refused(line):
    """A wrong key, no key or an unknown extension is a 400 on that field; nothing is written."""
    wrong_key = ring(key="not-the-key-of-any-project-000")
    assert wrong_key.status_code == 400 and "key" in wrong_key.json()
    assert "key" in ring(key="").json()
    unknown = ring(extension="999")
    assert unknown.status_code == 400 and "extension" in unknown.json()
    assert not Ring.objects.exists()


def test_the_ring_pops_up_on_the_right_clerks_page_only(
    client, line, household, desk_user, incoming
):
    """The clerk of extension 801 sees the caller's household; the clerk of 802 sees nothing."""
    assert ring().status_code == 201
    client.force_login(incoming)
    assert household.unit.code not in client.get(reverse("desk:ringing")).content.decode()
    client.force_login(desk_user)
    html = client.get(reverse("desk:ringing")).content.decode()
    assert household.unit.code in html
    assert reverse("household-file", args=[household.pk]) in html


def test_taking_the_call_logs_it_with_its_ring_and_answer_times(
    client, line, household, desk_user, project
):
    """Taking the call keeps the answer time; the entry logged takes the ring time and the call
    stops ringing; the day's figures count it answered by the third ring."""
    pk = ring().json()["id"]
    client.force_login(desk_user)
    taken = client.post(reverse("desk:ring-take", args=[pk]), {"household": household.pk})
    assert taken.status_code == 302 and f"ring={pk}" in taken["Location"]
    page = client.get(taken["Location"])
    assert page.context["form"].initial["caller_phone"] == "13812345678"
    client.post(
        reverse("desk:duty-log"),
        {
            "ring": pk,
            "household": household.pk,
            "project": project.pk,
            "kind": "consultation",
            "channel": "phone",
            "matter": "问停水时间",
            "answered_on_spot": "on",
        },
    )
    call = Ring.objects.get()
    assert call.entry is not None and call.entry.at == call.rang_at
    assert call.answered_at is not None
    assert household.unit.code not in client.get(reverse("desk:ringing")).content.decode()
    figures = services.review_open(
        project=project, kind="daily", day=timezone.localdate(), by=desk_user
    )
    from frontdesk.desk.selectors import review_figures

    counted = review_figures(
        project_id=project.pk, starts_on=figures.starts_on, ends_on=figures.ends_on
    )
    assert (counted["rings"], counted["by_third_ring"]) == (1, 1)
