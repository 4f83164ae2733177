"""Cursor pagination of every API list: real cursors page on, forged ones are a 400."""

import base64
from urllib.parse import parse_qs, urlsplit

import pytest
from django.contrib.auth import get_user_model
from django.urls import get_resolver, reverse

from residents.models import Household
from tests.factories import HouseholdFactory, UnitFactory

pytestmark = pytest.mark.django_db


def _api_lists():
    names = {
        name
        for name in get_resolver().reverse_dict
        if isinstance(name, str) and name.endswith("-list")
    }
    return sorted(url for url in map(reverse, names) if url.startswith("/api/v1/"))


LISTS = _api_lists()


def _b64(text):
    return base64.b64encode(text.encode()).decode()


FORGED = {
    "p=abc": _b64("p=abc"),
    "p=1e999": _b64("p=1e999"),
    "p=NUL": _b64("p=%00"),
    "p=huge": _b64("p=99999999999999999999999999"),
    "o=-1": _b64("o=-1"),
    "r=x": _b64("r=x&p=1"),
    "not base64": "!!!",
    "empty": "",
    "signed-looking": "eyJwIjoiYWJjIn0:1abcde:Zm9yZ2Vk",
}


@pytest.fixture
def root(db):
    return get_user_model().objects.create_superuser("root", password="x-long-pass-1")


def test_every_api_list_is_found():
    """The table below covers every cursor-paginated list of the API, the main ones included."""
    for expected in ("/api/v1/households/", "/api/v1/tickets/", "/api/v1/persons/"):
        assert expected in LISTS
    assert "/api/v1/changes/" in LISTS
    assert len(LISTS) >= 15


@pytest.mark.parametrize("url", LISTS)
@pytest.mark.parametrize("label", FORGED)
def test_a_forged_cursor_is_a_400_on_the_cursor_parameter(api_client, root, url, label):
    """A cursor the server did not issue is refused with a 400 naming `cursor`, never a 500."""
    api_client.force_authenticate(root)
    response = api_client.get(url, {"cursor": FORGED[label]})
    assert response.status_code == 400, response.content[:300]
    assert list(response.json()) == ["cursor"]
    assert response.json()["cursor"][0]


def _households(building, count):
    for number in range(count):
        unit = UnitFactory(building=building, number=f"{number + 1:04d}")
        HouseholdFactory(unit=unit, project=building.project)


def test_issued_cursors_page_through_the_whole_list_both_ways(desk_api, building):
    """Following `next` visits every household once, and `previous` comes back to the first page."""
    _households(building, 7)
    expected = list(Household.objects.order_by("-id").values_list("id", flat=True))
    seen, pages = [], []
    url = "/api/v1/households/?page_size=3"
    while url:
        body = desk_api.get(url).json()
        pages.append(body)
        seen += [row["id"] for row in body["results"]]
        url = body["next"]
    assert seen == expected
    assert len(pages) == 3
    back = desk_api.get(pages[1]["previous"]).json()
    assert [row["id"] for row in back["results"]] == expected[:3]


def test_a_cursor_changed_by_hand_or_moved_to_another_ordering_is_refused(desk_api, building):
    """Editing a real cursor, or using it with another `ordering`, answers 400 instead of rows."""
    _households(building, 4)
    first = desk_api.get("/api/v1/households/?page_size=2").json()
    cursor = parse_qs(urlsplit(first["next"]).query)["cursor"][0]
    second = desk_api.get("/api/v1/households/", {"cursor": cursor, "page_size": 2})
    assert second.status_code == 200
    assert len(second.json()["results"]) == 2
    tampered = cursor[:-2] + ("AA" if not cursor.endswith("AA") else "BB")
    assert desk_api.get("/api/v1/households/", {"cursor": tampered}).status_code == 400
    other_order = desk_api.get("/api/v1/households/", {"cursor": cursor, "ordering": "id"})
    assert other_order.status_code == 400
    assert "cursor" in other_order.json()


@pytest.mark.parametrize(
    ("url", "name"),
    [
        ("/residents/households/", "after"),
        ("/residents/households/", "before"),
        ("/tickets/", "before"),
        ("/tickets/liaison/", "before"),
    ],
)
@pytest.mark.parametrize(
    "value", ["abc", "1e999", "\x00", "99999999999999999999999999", "-5", "١٢", "%ED%A0%80"]
)
def test_a_forged_page_cursor_shows_a_page_not_an_error(client, desk_user, url, name, value):
    """The pages' `after`/`before` links with a value they never issued still answer 200."""
    client.force_login(desk_user)
    response = client.get(url, {name: value})
    assert response.status_code == 200
