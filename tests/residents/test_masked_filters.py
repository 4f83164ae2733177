"""Filters and orderings never reveal a phone or ID number that the role sees masked.

The household fixture's contact has phone 13812345678 (shown masked as
138****5678) and a resident ID number; the cleaning role sees both masked,
the desk sees phones in full.
"""

import pytest

from frontdesk.core.roles import Role
from tests.factories import PersonFactory, UserFactory
from tests.tickets.factories import register

pytestmark = pytest.mark.django_db

API = "/api/v1"
PHONE = "13812345678"
ID_NUMBER = "440305199001011234"


@pytest.fixture
def cleaner_api(api_client, project):
    api_client.force_authenticate(UserFactory(role=Role.CLEANING, projects=[project]))
    return api_client


@pytest.fixture
def people(household):
    """Three people of one household: the contact, and two whose phones differ in the middle."""
    contact = household.persons.get()
    contact.id_number = ID_NUMBER
    contact.save()
    PersonFactory(household=household, project=household.project, name="李娜", phone="13899995678")
    PersonFactory(household=household, project=household.project, name="张伟", phone="13912340000")
    return household


def _names(response):
    assert response.status_code == 200, response.content
    return [row["name"] for row in response.json()["results"]]


def test_a_masked_role_cannot_narrow_persons_by_hidden_phone_digits(cleaner_api, people):
    """Digits beyond the last four (the start of the number, the whole number) are a 400 on
    `phone` saying which digits may be used; nothing is listed."""
    base = f"{API}/persons/?household={people.pk}"
    for value in ("13812", "138123", "1381234", PHONE, "+86 138 1234 5678", "138****5678"):
        response = cleaner_api.get(f"{base}&phone={value.replace('+', '%2B')}")
        assert response.status_code == 400, value
        message = response.json()["phone"][0]
        assert "4" in message, message


def test_a_masked_role_finds_a_phone_only_by_the_digits_its_mask_shows(cleaner_api, people):
    """The last digits narrow the list (matched at the end); hidden middle digits find nobody."""
    base = f"{API}/persons/?household={people.pk}"
    assert sorted(_names(cleaner_api.get(f"{base}&phone=5678"))) == ["李娜", "王建国"]
    assert _names(cleaner_api.get(f"{base}&phone=0000")) == ["张伟"]
    # 1234 is inside 王建国's and 张伟's numbers, where the mask hides it.
    assert _names(cleaner_api.get(f"{base}&phone=1234")) == []
    assert _names(cleaner_api.get(f"{base}&phone=9999")) == []


def test_a_role_that_sees_phones_filters_by_any_part(desk_api, people):
    """The desk, which sees phones in full, still finds a number by its middle digits."""
    base = f"{API}/persons/?household={people.pk}"
    assert sorted(_names(desk_api.get(f"{base}&phone=1234"))) == ["张伟", "王建国"]
    assert _names(desk_api.get(f"{base}&phone={PHONE}")) == ["王建国"]


@pytest.mark.parametrize(
    ("path", "params"),
    [
        (
            "persons",
            ["ordering=phone", "ordering=-phone", "ordering=id_number", "id_number=440305"],
        ),
        (
            "persons",
            ["id_number=4403051990", "id_number__startswith=440305", "phone__startswith=1389"],
        ),
        ("households", ["ordering=persons__phone", "persons__phone=13812345678"]),
        ("tickets", ["ordering=reporter_phone", "reporter_phone=13700001111"]),
        ("tickets", ["ordering=-reporter_phone", "reporter_phone__startswith=137"]),
    ],
)
def test_masked_fields_neither_filter_nor_order_a_list(
    cleaner_api, people, desk_user, path, params
):
    """Ordering by, or filtering on, a phone or ID number is ignored: the list is the same as
    with no parameter at all, in the same order."""
    for phone in ("13700001111", "13600002222"):
        register(household=people, by=desk_user, reporter_name="报修人", reporter_phone=phone)
    plain = cleaner_api.get(f"{API}/{path}/").json()["results"]
    assert len(plain) >= 1
    for param in params:
        response = cleaner_api.get(f"{API}/{path}/?{param}")
        assert response.status_code == 200, param
        assert [row["id"] for row in response.json()["results"]] == [row["id"] for row in plain]
