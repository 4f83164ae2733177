"""Every refusal of the API has one shape: {"field": ["message"], "non_field_errors": [...]}."""

import json

import pytest
from rest_framework.test import APIClient

from frontdesk.core.roles import Role
from residents.models import Household
from tests.factories import HouseholdFactory, UnitFactory, UserFactory

pytestmark = pytest.mark.django_db

NON_FIELD = "non_field_errors"


@pytest.fixture
def desk(desk_user):
    client = APIClient(raise_request_exception=False)
    client.force_authenticate(desk_user)
    return client


@pytest.fixture
def cleaner(project):
    client = APIClient(raise_request_exception=False)
    client.force_authenticate(UserFactory(role=Role.CLEANING, projects=[project]))
    return client


def assert_error_shape(response):
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert isinstance(body, dict)
    assert body
    for key, messages in body.items():
        assert isinstance(key, str)
        assert isinstance(messages, list)
        assert messages
        assert all(isinstance(m, str) and m for m in messages)
    return body


def _other_household(other_project):
    unit = UnitFactory(building__project=other_project, project=other_project)
    return HouseholdFactory(unit=unit, project=other_project)


@pytest.mark.parametrize(
    ("who", "method", "url", "body", "content_type", "status"),
    [
        ("desk", "post", "/api/v1/households/", "{bad json", "application/json", 400),
        ("desk", "post", "/api/v1/households/", "[1, 2]", "application/json", 400),
        ("desk", "post", "/api/v1/households/", "unit=1", "text/plain", 415),
        ("anonymous", "get", "/api/v1/households/", None, None, 401),
        ("cleaner", "post", "/api/v1/households/", "{}", "application/json", 403),
        ("desk", "get", "/api/v1/households/999999/", None, None, 404),
        ("desk", "get", "other-project", None, None, 404),
        ("desk", "delete", "/api/v1/households/", None, None, 405),
        ("desk", "get", "/api/v1/callbacks/1/", None, None, 404),
        ("desk", "get", "/api/v1/no-such-thing/", None, None, 404),
        ("anonymous", "post", "/api/v1/no-such-thing/7/", "{}", "application/json", 404),
        ("desk", "get", "/api/v1/households/1/no-such-step/", None, None, 404),
    ],
)
def test_refusals_that_concern_no_field_use_non_field_errors(
    desk, cleaner, other_project, who, method, url, body, content_type, status
):
    """Malformed JSON, 401, 403, 404, 405, 415 and unknown addresses answer the one JSON shape."""
    client = {"desk": desk, "cleaner": cleaner, "anonymous": APIClient()}[who]
    if url == "other-project":
        url = f"/api/v1/households/{_other_household(other_project).pk}/"
    kwargs = {"data": body, "content_type": content_type} if body is not None else {}
    response = getattr(client, method)(url, **kwargs)
    assert response.status_code == status
    assert list(assert_error_shape(response)) == [NON_FIELD]
    if status == 401:
        assert response["WWW-Authenticate"] == "Token"


def test_a_body_over_the_size_limit_is_a_413_in_json(desk, building, settings):
    """A JSON body larger than DATA_UPLOAD_MAX_MEMORY_SIZE answers 413 in the API's shape."""
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1024
    unit = UnitFactory(building=building, number="0901", floor=9)
    big = json.dumps({"unit": unit.pk, "moved_in_on": "2026-11-22", "notes": "x" * 2048})
    response = desk.post("/api/v1/households/", data=big, content_type="application/json")
    assert response.status_code == 413
    assert list(assert_error_shape(response)) == [NON_FIELD]
    assert not Household.objects.filter(unit=unit).exists()


def test_errors_on_list_items_are_named_by_their_path(desk, building):
    """A bad person in a move-in is reported on `persons.0.id_number`, not as nested dicts."""
    unit = UnitFactory(building=building, number="0803", floor=8)
    response = desk.post(
        "/api/v1/households/",
        {
            "unit": unit.pk,
            "moved_in_on": "2026-11-22",
            "persons": [{"name": "李雷"}, {"name": "韩梅梅", "id_number": "110105194912310021"}],
        },
        format="json",
    )
    assert response.status_code == 400
    assert list(assert_error_shape(response)) == ["persons.1.id_number"]


def test_field_errors_keep_their_field_names(desk):
    """A validation error still names its fields, as before."""
    response = desk.post("/api/v1/tickets/", {"kind": "plumbing"}, format="json")
    assert response.status_code == 400
    assert "kind" in assert_error_shape(response)


def test_an_address_without_its_slash_still_leads_to_the_endpoint(desk):
    """A known list without its trailing slash redirects to it rather than answering 404."""
    response = desk.get("/api/v1/households")
    assert response.status_code == 301
    assert response["Location"] == "/api/v1/households/"
