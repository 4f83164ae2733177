"""The search box's lookups (household_search)."""

import datetime as dt

import pytest

from residents.selectors import household_search
from tests.factories import HouseholdFactory, PersonFactory, UnitFactory

pytestmark = pytest.mark.django_db


def _found(user, q):
    return {h.pk for h in household_search(user=user, q=q)}


def test_short_name_is_matched_at_its_start_or_end_and_longer_text_anywhere(household, desk_user):
    """Two characters find a surname or a given name; three or more find any part."""
    other = HouseholdFactory(unit=UnitFactory(building=household.unit.building, number="0101"))
    PersonFactory(household=other, name="欧阳建国")
    assert _found(desk_user, "王建") == {household.pk}
    assert _found(desk_user, "欧阳") == {other.pk}
    assert _found(desk_user, "阳建国") == {other.pk}
    assert _found(desk_user, "建国") == {household.pk, other.pk}
    assert _found(desk_user, "阳建") == set()


def test_digits_find_a_unit_number_in_any_building_and_any_part_of_a_phone(household, desk_user):
    """Four digits find that unit number in any building and any phone holding them."""
    caller = HouseholdFactory(unit=UnitFactory(building=household.unit.building, number="0808"))
    PersonFactory(household=caller, name="李娜", phone="13915020000")
    assert _found(desk_user, "1502") == {household.pk, caller.pk}
    assert _found(desk_user, "139 1502 0000") == {caller.pk}
    assert _found(desk_user, "5678") == {household.pk}


def test_current_households_come_first_then_moved_out_ones_each_in_unit_order(building, desk_user):
    """A surname shared by many lists current households by unit code, then moved-out ones."""

    def household(number, moved_out_on=None):
        found = HouseholdFactory(
            unit=UnitFactory(building=building, number=number), moved_out_on=moved_out_on
        )
        PersonFactory(household=found, name=f"王{number}")
        return found

    gone = household("0101", moved_out_on=dt.date(2026, 3, 1))
    gone_earlier = household("0301", moved_out_on=dt.date(2026, 2, 1))
    later = household("1201")
    first = household("0201")
    assert [h.pk for h in household_search(user=desk_user, q="王")] == [
        first.pk,
        later.pk,
        gone.pk,
        gone_earlier.pk,
    ]
    assert [h.pk for h in household_search(user=desk_user, q="王", limit=2)] == [
        first.pk,
        later.pk,
    ]


def test_a_role_that_sees_phones_masked_finds_them_only_by_the_digits_it_sees(
    household, desk_user, engineer
):
    """An engineer finds 138****5678 by 5678, but trying the hidden digits finds nothing."""
    assert _found(engineer, "5678") == {household.pk}
    assert _found(engineer, "1234") == set()
    assert _found(engineer, "13812345678") == set()
    assert _found(desk_user, "1234") == {household.pk}


def test_the_api_search_hides_masked_digits_too(household, engineer):
    """The households API's ?q= follows the same rule as the search box."""
    from rest_framework.test import APIClient

    client = APIClient()
    client.force_authenticate(engineer)
    hidden = client.get("/api/v1/households/", {"q": "2345"}).json()["results"]
    shown = client.get("/api/v1/households/", {"q": "5678"}).json()["results"]
    assert hidden == [] and [row["id"] for row in shown] == [household.pk]


def test_reversed_name_index_keeps_fine_statistics(db):
    """The index that finds a given name from its end has a 1,000-bucket histogram on
    PostgreSQL, so a rare two-character given name is not mistaken for a common one (the
    planner would then walk every unit of the project)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT a.attstattarget FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid "
            "WHERE c.relname = 'residents_person_name_end' AND a.attnum = 1"
        )
        assert cursor.fetchone() == (1000,)
