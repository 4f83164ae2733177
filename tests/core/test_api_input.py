"""Input the API must refuse cleanly: text with lone surrogates, anywhere, in any field."""

import json

import pytest
from django.contrib.auth import get_user_model
from rest_framework.test import APIClient

from residents.models import Household, Person
from tickets.models import MonthlyContract, Ticket

pytestmark = pytest.mark.django_db

LOW, HIGH = "\udfff", "\ud800"


@pytest.fixture
def root_api(db):
    root = get_user_model().objects.create_superuser("root", password="x-long-pass-1")
    client = APIClient(raise_request_exception=False)
    client.force_authenticate(root)
    return client


def _person_url(household):
    return f"/api/v1/persons/{household.persons.get().pk}/"


# (method, url or a function of the household, body, the field the 400 names, the code point)
SURROGATE_BODIES = [
    ("post", "/api/v1/tickets/", {"kind": LOW, "matter": "漏水"}, "kind", "DFFF"),
    ("post", "/api/v1/tickets/", {"kind": "repair", "source": HIGH}, "source", "D800"),
    ("post", "/api/v1/tickets/", {"kind": "repair", "priority": LOW}, "priority", "DFFF"),
    ("post", "/api/v1/tickets/", {"kind": "complaint", "place": "a" + HIGH}, "place", "D800"),
    ("post", "/api/v1/contracts/", {"schedule_type": LOW}, "schedule_type", "DFFF"),
    ("post", "/api/v1/households/", {"unit": 1, "moved_in_on": HIGH}, "moved_in_on", "D800"),
    ("post", "/api/v1/households/", {"persons": [{"name": "王" + LOW}]}, "persons", "DFFF"),
    ("post", "/api/v1/notes/", {"household": 1, "text": "ok", LOW: 1}, "non_field_errors", "DFFF"),
    ("post", "/api/v1/auth/token/", {"username": HIGH, "password": "x"}, "username", "D800"),
    ("patch", _person_url, {"gender": LOW}, "gender", "DFFF"),
    ("patch", _person_url, {"role": "a" + HIGH + "b"}, "role", "D800"),
    ("patch", _person_url, {"notes": {"nested": [LOW]}}, "notes", "DFFF"),
]


@pytest.mark.parametrize(
    ("method", "url", "body", "field", "code"),
    SURROGATE_BODIES,
    ids=[f"{c[0]} {c[1] if isinstance(c[1], str) else 'person'} {c[3]}" for c in SURROGATE_BODIES],
)
def test_a_lone_surrogate_in_any_field_is_a_400_on_that_field(
    root_api, household, method, url, body, field, code
):
    """A lone surrogate in a choice, date, nested or any field is a 400 naming it, never a 500."""
    tickets, contracts, households = (
        Ticket.objects.count(),
        MonthlyContract.objects.count(),
        Household.objects.count(),
    )
    person = household.persons.values().get()
    target = url if isinstance(url, str) else url(household)
    raw = json.dumps(body)  # escapes the surrogates: "\udfff" on the wire, as a client sends
    response = getattr(root_api, method)(target, data=raw, content_type="application/json")
    assert response.status_code == 400, response.content[:300]
    errors = response.json()
    assert field in errors
    assert f"U+{code}" in errors[field][0]
    assert (Ticket.objects.count(), MonthlyContract.objects.count()) == (tickets, contracts)
    assert Household.objects.count() == households
    assert Person.objects.filter(household=household).values().get() == person


@pytest.mark.parametrize(
    "query",
    [
        "kind=%ED%A0%80",
        "status=%ED%BF%BF",
        "q=%ED%A0%80",
        "ordering=%ED%A0%80",
        "cursor=%ED%A0%80",
        "page_size=%ED%A0%80",
        "created_after=%ED%A0%80",
        "%ED%A0%80=1",
    ],
)
@pytest.mark.parametrize("url", ["/api/v1/tickets/", "/api/v1/households/", "/api/v1/persons/"])
def test_surrogate_bytes_in_a_query_string_never_make_a_500(root_api, url, query):
    """Encoded surrogates in a filter, ordering, cursor or parameter name: 200 or 400, in JSON."""
    response = root_api.get(f"{url}?{query}")
    assert response.status_code in (200, 400), response.content[:300]
    assert response["Content-Type"] == "application/json"
    response.json()


def test_surrogate_bytes_in_a_form_body_are_refused_not_a_500(root_api):
    """A form-encoded order with the bytes of a surrogate as its kind is a 400 on `kind`."""
    response = root_api.post(
        "/api/v1/tickets/",
        data="kind=%ED%BF%BF&matter=x",
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 400
    assert "kind" in response.json()
    assert not Ticket.objects.exists()


def test_a_body_nested_too_deep_is_a_400_not_a_500(root_api):
    """JSON nested a hundred thousand levels deep is a parse error, not a crash."""
    raw = "[" * 100_000 + "]" * 100_000
    response = root_api.post("/api/v1/tickets/", data=raw, content_type="application/json")
    assert response.status_code == 400


def test_the_renderer_never_fails_on_a_surrogate_that_reaches_it():
    """Should a lone surrogate reach a response, it is shown as U+FFFD instead of a 500."""
    from frontdesk.core.api.renderers import DeskJSONRenderer

    body = DeskJSONRenderer().render({"kind": [f'"{LOW}" is not a valid choice.'], "x": [HIGH]})
    assert json.loads(body) == {"kind": ['"\ufffd" is not a valid choice.'], "x": ["\ufffd"]}
