"""Masking of phones and ID numbers: each role sees what it needs, no more."""

import datetime as dt

import pytest

from frontdesk.core.masking import mask_id_number, mask_phone
from residents import services
from tests.factories import PersonFactory

pytestmark = pytest.mark.django_db

API = "/api/v1"
PHONE = "13812345678"
ID_NUMBER = "11010519491231002X"


def test_phone_keeps_its_first_three_and_last_four_digits():
    """A mobile shows as 138****5678; a short number keeps only its ends."""
    assert mask_phone(PHONE) == "138****5678"
    assert mask_phone("0755-12345678") == "075******5678"
    assert mask_phone("12345") == "1***5"
    assert mask_phone("") == ""


def test_id_number_keeps_its_region_code_and_last_four_characters():
    """An 18-character ID shows as 110105********002X; a short one is hidden entirely."""
    assert mask_id_number(ID_NUMBER) == "110105********002X"
    assert mask_id_number("E1234567") == "********"
    assert mask_id_number("") == ""


def _person_as(api_client, user, household):
    api_client.force_authenticate(user)
    person = household.persons.get()
    return api_client.get(f"{API}/persons/{person.pk}/").json()


def test_engineer_sees_neither_phone_nor_id_number(api_client, engineer, household):
    """Engineering staff see a masked phone and a masked ID number."""
    person = _person_as(api_client, engineer, household)
    assert (person["phone"], person["id_number"]) == ("138****5678", "110105********002X")


def test_desk_sees_the_phone_but_not_the_id_number(api_client, desk_user, household):
    """The front desk calls residents back, so it sees phones; ID numbers stay masked."""
    person = _person_as(api_client, desk_user, household)
    assert (person["phone"], person["id_number"]) == (PHONE, "110105********002X")


def test_supervisor_sees_the_phone_and_a_masked_id_number(api_client, supervisor, household):
    """The customer-service supervisor reads the phone in full and the ID number masked: the
    full number is its own audited action (reveal-id-number)."""
    person = _person_as(api_client, supervisor, household)
    assert (person["phone"], person["id_number"]) == (PHONE, "110105********002X")


def test_household_lists_and_files_mask_the_same_way(api_client, engineer, household):
    """The main contact of a list row and the persons of a file are masked for engineering."""
    api_client.force_authenticate(engineer)
    row = api_client.get(f"{API}/households/").json()["results"][0]
    assert row["main_contact"]["phone"] == "138****5678"
    file = api_client.get(f"{API}/households/{household.pk}/").json()
    assert [p["phone"] for p in file["persons"]] == ["138****5678"]
    assert [p["id_number"] for p in file["persons"]] == ["110105********002X"]
    listed = api_client.get(f"{API}/persons/").json()["results"]
    assert [p["phone"] for p in listed] == ["138****5678"]


def test_masked_fields_cannot_be_sorted_on(api_client, engineer, household):
    """Ordering by a masked phone is ignored, so the order of rows leaks nothing about it."""
    PersonFactory(household=household, name="后来者", phone="13999999999")
    api_client.force_authenticate(engineer)
    plain = [p["name"] for p in api_client.get(f"{API}/persons/").json()["results"]]
    by_phone = api_client.get(f"{API}/persons/?ordering=phone").json()["results"]
    assert plain == ["后来者", "王建国"]
    assert [p["name"] for p in by_phone] == plain


def test_worker_pass_and_contractor_phones_are_masked_for_engineering(
    api_client, engineer, desk_user, household
):
    """A decoration's contractor phone and its worker's phone and ID are masked for engineering."""
    decoration = services.decoration_apply(
        household=household,
        data={
            "applied_on": dt.date(2026, 11, 20),
            "description": "刷墙",
            "contractor_phone": "13700001111",
            "planned_start": dt.date(2026, 12, 1),
            "planned_end": dt.date(2026, 12, 9),
        },
        by=desk_user,
    )
    services.decoration_set_status(decoration=decoration, status="approved", by=desk_user)
    services.decoration_pass_issue(
        decoration=decoration,
        name="张师傅",
        phone="13600002222",
        id_number=ID_NUMBER,
        valid_until=dt.date(2026, 12, 9),
        by=desk_user,
    )
    api_client.force_authenticate(engineer)
    shown = api_client.get(f"{API}/decorations/{decoration.pk}/").json()
    assert shown["contractor_phone"] == "137****1111"
    worker = shown["worker_passes"][0]
    assert (worker["phone"], worker["id_number"]) == ("136****2222", "110105********002X")


def test_phone_changes_in_the_history_are_masked_too(api_client, engineer, desk_user, household):
    """The history shows a corrected phone masked to engineering and in full to the desk."""
    person = household.persons.get()
    services.person_update(person=person, data={"phone": "13900009999"}, by=desk_user)
    api_client.force_authenticate(engineer)
    line = api_client.get(f"{API}/changes/?household={household.pk}").json()["results"][0]
    assert line["changes"]["phone"] == ["138****5678", "139****9999"]
    api_client.force_authenticate(desk_user)
    line = api_client.get(f"{API}/changes/?household={household.pk}").json()["results"][0]
    assert line["changes"]["phone"] == [PHONE, "13900009999"]


def test_the_browsable_edit_form_is_masked_as_well(api_client, butler, household):
    """The browsable API's edit form of a person does not reveal the ID number."""
    api_client.force_authenticate(butler)
    person = household.persons.get()
    html = api_client.get(f"{API}/persons/{person.pk}/", HTTP_ACCEPT="text/html").content.decode()
    assert ID_NUMBER not in html
    assert "110105********002X" in html


def test_a_person_rendered_without_a_request_is_masked(household):
    """Rendering a person outside a request (an export, a task) shows masked data, never full."""
    from residents.api.serializers import PersonSerializer

    data = PersonSerializer(household.persons.get()).data
    assert (data["phone"], data["id_number"]) == ("138****5678", "110105********002X")
