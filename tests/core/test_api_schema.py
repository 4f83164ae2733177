"""The published OpenAPI schema is a contract a client can be written from."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from frontdesk.core.roles import Role
from tests.factories import BuildingFactory, HouseholdFactory, UnitFactory, UserFactory
from tests.tickets.factories import register
from tickets import services

pytestmark = pytest.mark.django_db

ERROR = {"$ref": "#/components/schemas/Error"}
# POSTs that take no body: the row named in the path says it all (print: count a printing).
BODILESS = {
    "/api/v1/liaison-forms/{id}/close/",
    "/api/v1/notifications/{id}/read/",
    "/api/v1/notifications/read-all/",
    "/api/v1/persons/{id}/reveal-id-number/",
    "/api/v1/tickets/{id}/print/",
    "/api/v1/passes/{id}/print/",
    "/api/v1/cash-handovers/{id}/receive/",
    "/api/v1/handovers/{id}/acknowledge/",
    "/api/v1/refunds/{id}/pay/",
    "/api/v1/checklists/{id}/retire/",
    "/api/v1/inspections/{id}/rectify/",
    "/api/v1/custody/{id}/print/",
    "/api/v1/visitors/{id}/leave/",
}
# Operations open without a role: logging in, and the phone system's ring.
OPEN = {("POST", "/api/v1/auth/token/"), ("POST", "/api/v1/calls/ring/")}


@pytest.fixture(scope="module")
def schema(django_db_blocker):
    with django_db_blocker.unblock():
        response = APIClient().get("/api/schema/?format=json")
    assert response.status_code == 200
    return response.json()


def _operations(schema):
    for path, item in schema["paths"].items():
        for method, operation in item.items():
            yield path, method.upper(), operation


def _error_schema(operation, code):
    return operation["responses"][code]["content"]["application/json"]["schema"]


def test_every_operation_declares_its_errors_in_the_one_error_shape(schema):
    """Each operation documents 400 and 401 (403 where a role is checked, 404 on a row, the
    idempotency answers on writes), all with the one `Error` component."""
    for path, method, operation in _operations(schema):
        expected = {"400", "401"}
        if "{" in path:
            expected.add("404")
        if method in {"POST", "PUT", "PATCH"}:
            expected |= {"409", "413", "415", "422"}
            headers = [p["name"] for p in operation.get("parameters", []) if p["in"] == "header"]
            assert "Idempotency-Key" in headers, (method, path)
        if (method, path) not in OPEN:
            expected.add("403")
        missing = expected - set(operation["responses"])
        assert not missing, (method, path, missing)
        for code in expected:
            assert _error_schema(operation, code) == ERROR, (method, path, code)
    error = schema["components"]["schemas"]["Error"]
    assert error["additionalProperties"] == {"type": "array", "items": {"type": "string"}}


def test_every_write_declares_its_request_body(schema):
    """Every POST, PUT and PATCH says what it takes, the order's steps included."""
    steps = [p for p in schema["paths"] if p.startswith("/api/v1/tickets/{id}/")]
    assert len(steps) >= 27
    for path, method, operation in _operations(schema):
        if method in {"POST", "PUT", "PATCH"} and path not in BODILESS:
            if (path, method) == ("/api/v1/auth/token/", "DELETE"):
                continue
            assert "requestBody" in operation, (method, path)
    void = schema["paths"]["/api/v1/tickets/{id}/void/"]["post"]["requestBody"]
    reason = void["content"]["application/json"]["schema"]["$ref"].rsplit("/", 1)[1]
    assert schema["components"]["schemas"][reason]["required"] == ["reason"]
    callback = schema["paths"]["/api/v1/tickets/{id}/callback/"]["post"]["requestBody"]
    name = callback["content"]["application/json"]["schema"]["$ref"].rsplit("/", 1)[1]
    body = schema["components"]["schemas"][name]
    assert "at" not in body.get("required", [])
    assert {"satisfaction", "reached"} <= set(body["properties"])


def test_an_unknown_api_address_is_a_json_404_for_a_post_with_a_session(client, desk_user):
    """A POST to an address under /api/v1/ that names nothing is the API's 404, not the CSRF
    page, even when the browser's session cookie comes along."""
    client.force_login(desk_user)
    client.handler.enforce_csrf_checks = True
    response = client.post("/api/v1/households/0.5/move-out/", {})
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert "non_field_errors" in response.json()


def test_no_component_is_left_unused(schema):
    """Every schema component is reached from an operation (directly or through another)."""
    import json

    text = json.dumps(schema["paths"])
    components = schema["components"]["schemas"]
    reached = {name for name in components if f'"#/components/schemas/{name}"' in text}
    while True:
        more = {
            name
            for name in components
            if name not in reached
            and any(f'"#/components/schemas/{name}"' in json.dumps(components[r]) for r in reached)
        }
        if not more:
            break
        reached |= more
    assert set(components) == reached


def test_complaint_report_is_typed_field_by_field(schema):
    """The complaint report's answer lists its figures with their types, not a bare object."""
    ok = schema["paths"]["/api/v1/reports/complaints/"]["get"]["responses"]["200"]
    name = ok["content"]["application/json"]["schema"]["$ref"].rsplit("/", 1)[1]
    report = schema["components"]["schemas"][name]
    assert {"summary", "categories", "trend", "definitions", "effectiveness_rate"} <= set(
        report["properties"]
    )
    summary = report["properties"]["summary"]["$ref"].rsplit("/", 1)[1]
    assert schema["components"]["schemas"][summary]["properties"]["total"]["type"] == "integer"


def test_filters_are_typed_and_described_in_english(schema):
    """`created_after` is a date, `overdue` a boolean, and the change history's `after` says
    what it filters, in English."""
    tickets = {p["name"]: p for p in schema["paths"]["/api/v1/tickets/"]["get"]["parameters"]}
    assert tickets["created_after"]["schema"] == {"type": "string", "format": "date"}
    assert tickets["overdue"]["schema"] == {"type": "boolean"}
    assert tickets["overdue"]["description"] == "Overdue"
    changes = {p["name"]: p for p in schema["paths"]["/api/v1/changes/"]["get"]["parameters"]}
    assert changes["after"]["description"] == "Changed at or after"
    assert changes["after"]["schema"]["format"] == "date-time"


def test_ticket_actions_offer_only_the_steps_the_order_is_ready_for(household, desk_user):
    """A paid order not yet acknowledged offers the acknowledgement, not the dispatch; once
    acknowledged it offers the dispatch, and the acknowledgement is not offered nor taken twice."""
    client = APIClient()
    client.force_authenticate(desk_user)
    ticket = register(household=household, by=desk_user, paid=True, fee_quote="60.00")
    actions = client.get(f"/api/v1/tickets/{ticket.pk}/").json()["actions"]
    assert "acknowledge-quote" in actions
    assert "dispatch" not in actions
    refused = client.post(f"/api/v1/tickets/{ticket.pk}/dispatch/", {}, format="json")
    assert refused.status_code == 400
    assert "fee_quote" in refused.json()
    services.ticket_quote_acknowledge(ticket=ticket, by=desk_user)
    actions = client.get(f"/api/v1/tickets/{ticket.pk}/").json()["actions"]
    assert "dispatch" in actions
    assert "acknowledge-quote" not in actions
    again = client.post(f"/api/v1/tickets/{ticket.pk}/acknowledge-quote/", {}, format="json")
    assert again.status_code == 400
    assert "fee_quote" in again.json()


def test_a_user_of_several_projects_registers_in_the_households_project(
    project, other_project, building
):
    """Naming the household is enough: the order goes to its project; naming nothing that has
    a project is refused with a message on `project`."""
    other_building = BuildingFactory(project=other_project, number="9")
    other_unit = UnitFactory(building=other_building, number="0101", floor=1)
    other = HouseholdFactory(unit=other_unit, project=other_project)
    user = UserFactory(role=Role.DESK, projects=[project, other_project], username="both")
    client = APIClient()
    client.force_authenticate(user)
    created = client.post(
        "/api/v1/tickets/", {"kind": "repair", "household": other.pk, "matter": "漏水"}
    )
    assert created.status_code == 201, created.json()
    assert created.json()["project"] == other_project.pk
    unnamed = client.post(
        "/api/v1/tickets/",
        {"kind": "repair", "place": "lobby", "reporter_name": "张", "matter": "灯坏"},
    )
    assert unnamed.status_code == 400
    assert "project" in unnamed.json()


def test_the_schema_is_generated_without_warnings(tmp_path):
    """No two components share a name and no choice set is named by accident: drf-spectacular
    generates the schema without a warning (as `check --deploy` requires)."""
    from django.core.management import call_command

    call_command(
        "spectacular", "--fail-on-warn", "--validate", "--file", str(tmp_path / "schema.yml")
    )
    assert (tmp_path / "schema.yml").stat().st_size > 0


def test_a_refused_print_asked_for_as_pdf_is_labelled_json(household, desk_user):
    """Asking for an order's PDF that is not there answers the JSON 404, labelled as JSON."""
    client = APIClient()
    client.force_authenticate(desk_user)
    response = client.get("/api/v1/tickets/999999/print/", HTTP_ACCEPT="application/pdf")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert "non_field_errors" in response.json()


def test_a_bill_run_for_year_zero_is_a_field_error(project, supervisor):
    """A month the calendar cannot hold (0000-01) is a 400 on `month`, never a 500."""
    client = APIClient()
    client.force_authenticate(supervisor)
    response = client.post("/api/v1/bills/run/", {"month": "0000-01"}, format="json")
    assert response.status_code == 400
    assert "month" in response.json()


def test_the_api_docs_read_the_schema_in_the_readers_language(client, desk_user):
    """/api/docs/ loads the schema in the clerk's language (zh-hans by default), so the
    descriptions and choices read in Chinese; ?lang=en still gives the English schema."""
    client.force_login(desk_user)

    def schema_url(query):
        # The start-up script carries the schema's address escaped for JavaScript.
        script = client.get(f"/api/docs/?script=&{query}").content.decode("unicode_escape")
        return script.split('url: "', 1)[1].split('"', 1)[0]

    assert schema_url("") == "/api/schema/?lang=zh-hans"
    assert schema_url("lang=en") == "/api/schema/?lang=en"
    chinese = client.get("/api/schema/?lang=zh-hans&format=json").json()
    english = client.get("/api/schema/?format=json").json()
    kinds = chinese["components"]["schemas"]["TicketKindEnum"]["description"]
    assert (
        "维修" in kinds
        and "repair" in english["components"]["schemas"]["TicketKindEnum"]["description"]
    )


def test_a_body_in_an_unread_media_type_gets_the_documented_415(schema, desk_user):
    """A write whose body is in a media type the API does not read is answered 415 in the one
    error shape, and the schema documents that answer on the operation."""
    desk_api = APIClient()
    desk_api.force_authenticate(desk_user)
    response = desk_api.generic(
        "POST", "/api/v1/tickets/", b"\xf2\x9e", content_type="text/x-unknown"
    )
    assert response.status_code == 415
    assert set(response.json()) == {"non_field_errors"}
    assert "415" in schema["paths"]["/api/v1/tickets/"]["post"]["responses"]
