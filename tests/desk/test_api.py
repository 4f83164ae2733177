"""The desk's records in the API: /api/v1/duty-log/, shifts/, handovers/, reviews/."""

import datetime as dt

import pytest
from django.utils import timezone, translation
from django.utils.translation import gettext
from rest_framework.test import APIClient

from frontdesk.core.roles import Role
from frontdesk.desk.models import DutyLogEntry, Handover
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def client_for(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


def entry_body(household, **overrides):
    body = {
        "channel": "phone",
        "kind": "request",
        "matter": "客厅灯不亮",
        "caller_name": "王建国",
        "caller_phone": "13812345678",
        "household": household.pk,
    }
    body.update(overrides)
    return body


def test_duty_log_through_the_api(household, desk_user, project):
    """Record, follow up, open an order and answer an entry, each answer showing the entry."""
    api = client_for(desk_user)
    created = api.post("/api/v1/duty-log/", entry_body(household), format="json")
    assert created.status_code == 201, created.json()
    entry = created.json()
    assert entry["status"] == "pending"
    assert entry["unit"] == household.unit.code
    pk = entry["id"]
    assert (
        api.post(f"/api/v1/duty-log/{pk}/follow-up/", {"note": "已通知工程部"}).status_code == 200
    )
    opened = api.post(f"/api/v1/duty-log/{pk}/open-order/", {"kind": "repair"}, format="json")
    assert opened.status_code == 200, opened.json()
    assert opened.json()["ticket_serial"].startswith("WX-")
    answered = api.post(f"/api/v1/duty-log/{pk}/answer/", {"note": "已修好"})
    assert answered.json()["status"] == "answered"
    assert [f["kind"] for f in answered.json()["follow_ups"]] == ["progress", "answer"]


def test_bad_entries_are_400s_on_their_fields_and_write_nothing(
    household, desk_user, other_project, project
):
    """A household of another project, a promise in the past, an unknown kind: 400s by field."""
    api = client_for(desk_user)
    from tests.factories import BuildingFactory, HouseholdFactory, UnitFactory

    desk_user.memberships.create(project=other_project)
    building = BuildingFactory(project=other_project, number="9")
    elsewhere = HouseholdFactory(
        unit=UnitFactory(building=building, project=other_project, number="0901", floor=9),
        project=other_project,
    )
    wrong_project = api.post(
        "/api/v1/duty-log/", {**entry_body(elsewhere), "project": project.pk}, format="json"
    )
    assert wrong_project.status_code == 400
    assert "household" in wrong_project.json()
    past = api.post(
        "/api/v1/duty-log/",
        {
            **entry_body(household),
            "project": project.pk,
            "promise": "回电",
            "promise_due_at": (timezone.now() - dt.timedelta(hours=2)).isoformat(),
        },
        format="json",
    )
    assert past.status_code == 400
    assert "promise_due_at" in past.json()
    unknown = api.post(
        "/api/v1/duty-log/", {**entry_body(household), "kind": "gossip"}, format="json"
    )
    assert unknown.status_code == 400 and "kind" in unknown.json()
    assert not DutyLogEntry.objects.exists()


def test_the_caller_phone_is_masked_for_a_role_without_view_phone(household, desk_user, project):
    """An engineer reading the log sees the caller's phone masked."""
    client_for(desk_user).post("/api/v1/duty-log/", entry_body(household), format="json")
    engineer = UserFactory(role=Role.ENGINEERING, projects=[project])
    row = client_for(engineer).get("/api/v1/duty-log/").json()["results"][0]
    assert row["caller_phone"] == "138****5678"


def test_entries_of_another_project_are_not_found(household, desk_user, other_desk_user):
    """Another project's clerk neither lists nor opens the entry."""
    pk = (
        client_for(desk_user)
        .post("/api/v1/duty-log/", entry_body(household), format="json")
        .json()["id"]
    )
    other = client_for(other_desk_user)
    assert other.get("/api/v1/duty-log/").json()["results"] == []
    assert other.get(f"/api/v1/duty-log/{pk}/").status_code == 404


def test_the_list_filters_like_the_page(household, desk_user, supervisor):
    """kind, status, person and date narrow the list (the FilterSet the page uses)."""
    api = client_for(desk_user)
    api.post("/api/v1/duty-log/", entry_body(household, kind="complaint"), format="json")
    api.post(
        "/api/v1/duty-log/",
        entry_body(household, kind="praise", answered_on_spot=True),
        format="json",
    )
    client_for(supervisor).post(
        "/api/v1/duty-log/", entry_body(household, kind="consultation"), format="json"
    )
    today = timezone.localdate().isoformat()

    def kinds(query):
        response = api.get(f"/api/v1/duty-log/?{query}")
        assert response.status_code == 200, response.json()
        return sorted(r["kind"] for r in response.json()["results"])

    assert kinds("kind=complaint") == ["complaint"]
    assert kinds("status=answered") == ["praise"]
    assert kinds(f"person={supervisor.pk}") == ["consultation"]
    assert kinds(f"date={today}") == ["complaint", "consultation", "praise"]
    assert kinds("date=2020-01-01") == []
    assert api.get("/api/v1/duty-log/?date=yesterday").status_code == 400


def test_the_list_runs_a_fixed_number_of_queries(household, desk_user, django_assert_num_queries):
    """Listing the log is one query (people, household and order joined) for two entries or six."""
    api = client_for(desk_user)
    for _ in range(2):
        api.post("/api/v1/duty-log/", entry_body(household), format="json")
    with django_assert_num_queries(1):
        api.get("/api/v1/duty-log/")
    for _ in range(4):
        api.post("/api/v1/duty-log/", entry_body(household), format="json")
    with django_assert_num_queries(1):
        api.get("/api/v1/duty-log/")


def test_shift_handover_through_the_api(project, desk_user, incoming, supervisor, household):
    """Plan two shifts, close the first into a handover, acknowledge it as the next clerk;
    acknowledging again or by another is a 400."""
    sup = client_for(supervisor)
    start = timezone.now().replace(hour=8, minute=0, second=0, microsecond=0)
    first = sup.post(
        "/api/v1/shifts/",
        {
            "clerk": desk_user.pk,
            "starts_at": start.isoformat(),
            "ends_at": (start + dt.timedelta(hours=6)).isoformat(),
        },
        format="json",
    )
    assert first.status_code == 201, first.json()
    sup.post(
        "/api/v1/shifts/",
        {
            "clerk": incoming.pk,
            "starts_at": (start + dt.timedelta(hours=6)).isoformat(),
            "ends_at": (start + dt.timedelta(hours=12)).isoformat(),
        },
        format="json",
    )
    desk = client_for(desk_user)
    desk.post("/api/v1/duty-log/", entry_body(household), format="json")
    closed = desk.post(f"/api/v1/shifts/{first.json()['id']}/close/", {"notes": "交接钥匙"})
    assert closed.status_code == 201, closed.json()
    handover = closed.json()
    assert handover["status"] == "awaiting"
    assert handover["item_count"] >= 1
    pk = handover["id"]
    nxt = client_for(incoming)
    refused = nxt.post("/api/v1/duty-log/", entry_body(household), format="json")
    assert refused.status_code == 400
    with translation.override(refused.wsgi_request.LANGUAGE_CODE):
        expected = gettext(
            "Read and acknowledge the handover of the previous shift before recording "
            "anything on the desk."
        )
    assert refused.json()["non_field_errors"] == [expected]
    assert sup.post(f"/api/v1/handovers/{pk}/acknowledge/").status_code == 400
    done = nxt.post(f"/api/v1/handovers/{pk}/acknowledge/")
    assert done.status_code == 200 and done.json()["status"] == "acknowledged"
    again = nxt.post(f"/api/v1/handovers/{pk}/acknowledge/")
    assert again.status_code == 400
    with translation.override(again.wsgi_request.LANGUAGE_CODE):
        expected = gettext("This handover has already been acknowledged.")
    assert again.json()["non_field_errors"] == [expected]
    assert Handover.objects.get().acknowledged_by == incoming
    listed = nxt.get(f"/api/v1/handovers/?person={incoming.pk}&status=acknowledged").json()
    assert [h["id"] for h in listed["results"]] == [pk]


def test_review_sign_through_the_api(project, supervisor, desk_user):
    """Open today's check, sign it; signing twice or by the desk's clerk is a 400."""
    sup = client_for(supervisor)
    opened = sup.post(
        "/api/v1/reviews/", {"kind": "daily", "day": timezone.localdate().isoformat()}
    )
    assert opened.status_code == 201, opened.json()
    pk = opened.json()["id"]
    assert "entries" in opened.json()["figures"]
    by_clerk = client_for(desk_user).post(f"/api/v1/reviews/{pk}/sign/", {"comment": "看过"})
    assert by_clerk.status_code == 400
    signed = sup.post(f"/api/v1/reviews/{pk}/sign/", {"comment": "记录完整"})
    assert signed.status_code == 200 and signed.json()["status"] == "signed"
    assert sup.post(f"/api/v1/reviews/{pk}/sign/", {"comment": "再签"}).status_code == 400
    assert sup.get("/api/v1/reviews/?status=signed").json()["results"][0]["comment"] == "记录完整"


def test_the_schema_describes_the_desk_endpoints(desk_user):
    """The OpenAPI schema lists the desk's endpoints and their actions."""
    api = client_for(desk_user)
    schema = api.get("/api/schema/", HTTP_ACCEPT="application/json").json()
    for path in [
        "/api/v1/duty-log/",
        "/api/v1/duty-log/{id}/open-order/",
        "/api/v1/shifts/{id}/close/",
        "/api/v1/handovers/{id}/acknowledge/",
        "/api/v1/reviews/{id}/sign/",
    ]:
        assert path in schema["paths"], path
