"""The shared filter definitions: what a query string selects, and what it refuses."""

import datetime as dt

import pytest
from django.test import RequestFactory

from residents.filtersets import HouseholdFilterSet, UnitFilterSet
from residents.models import Household, Unit
from residents.selectors import household_list
from tests.factories import BuildingFactory, HouseholdFactory, PersonFactory, UnitFactory

pytestmark = pytest.mark.django_db


def _request(user, query=""):
    request = RequestFactory().get(f"/?{query}")
    request.user = user
    return request


def _households(user, query):
    request = _request(user, query)
    filterset = HouseholdFilterSet(request.GET, queryset=household_list(user=user), request=request)
    return filterset, filterset.qs


def test_search_box_finds_a_household_by_unit_name_and_phone(household, desk_user):
    """`q` finds the household by its unit code, a resident's name and part of a phone."""
    HouseholdFactory(unit=UnitFactory(building=household.unit.building, number="0101", floor=1))
    for query in ("q=3-1502", "q=王建国", "q=12345678"):
        filterset, rows = _households(desk_user, query)
        assert filterset.is_valid(), filterset.errors
        assert list(rows) == [household], query


def test_current_and_moved_in_dates_narrow_the_households(household, desk_user):
    """`current` separates current households from moved-out ones; dates bound the move-in."""
    old_unit = UnitFactory(building=household.unit.building, number="0202", floor=2)
    gone = HouseholdFactory(
        unit=old_unit, moved_in_on=dt.date(2020, 5, 1), moved_out_on=dt.date(2024, 1, 1)
    )
    assert list(_households(desk_user, "current=true")[1]) == [household]
    assert list(_households(desk_user, "current=false")[1]) == [gone]
    assert list(_households(desk_user, "moved_in_before=2021-01-01")[1]) == [gone]
    assert list(_households(desk_user, "moved_in_after=2025-01-01")[1]) == [household]


def test_building_picker_offers_only_the_users_buildings(building, desk_user, other_project):
    """The building filter lists the user's buildings and refuses a building of another project."""
    foreign = BuildingFactory(project=other_project, number="9")
    filterset = HouseholdFilterSet(request=_request(desk_user), queryset=Household.objects.all())
    assert list(filterset.form.fields["building"].queryset) == [building]
    filterset, _rows = _households(desk_user, f"building={foreign.pk}")
    assert not filterset.is_valid()
    assert "building" in filterset.errors


def test_big_tables_are_filtered_by_raw_id_never_a_select(desk_user):
    """Unit and household filters render as number inputs, not a list of every row."""
    filterset = HouseholdFilterSet(request=_request(desk_user), queryset=Household.objects.all())
    html = str(filterset.form)
    assert 'name="unit"' in html
    assert '<select name="unit"' not in html
    assert 'type="number" name="unit"' in html


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("moved_in_after=2026-13-40", "moved_in_after"),
        ("unit=abc", "unit"),
        ("current=maybe", "current"),
    ],
)
def test_malformed_household_filters_are_refused_on_their_field(desk_user, query, field):
    """A malformed date, number or boolean makes the filter invalid on that parameter."""
    filterset, _rows = _households(desk_user, query)
    assert not filterset.is_valid()
    assert field in filterset.errors


def test_unit_filters_by_status_type_and_code_prefix(building, desk_user):
    """Units filter by status, type and the start of their code; an unknown status is refused."""
    a = UnitFactory(building=building, number="1501", floor=15, status="vacant")
    UnitFactory(building=building, number="0901", floor=9, status="occupied")
    UnitFactory(building=building, number="1505", floor=15, status="vacant", unit_type="shop")
    request = _request(desk_user, "status=vacant&unit_type=apartment&code=3-15")
    filterset = UnitFilterSet(request.GET, queryset=Unit.objects.all(), request=request)
    assert list(filterset.qs) == [a]
    request = _request(desk_user, "status=demolished")
    filterset = UnitFilterSet(request.GET, queryset=Unit.objects.all(), request=request)
    assert not filterset.is_valid()
    assert "status" in filterset.errors


def test_person_phone_filter_ignores_spaces_and_country_code(household, desk_user):
    """A phone typed as "+86 138 1234" matches the stored 13812345678."""
    from residents.filtersets import PersonFilterSet
    from residents.models import Person

    PersonFactory(household=household, name="李娜", phone="13900000000")
    request = _request(desk_user, "phone=%2B86+138+1234")
    filterset = PersonFilterSet(request.GET, queryset=Person.objects.all(), request=request)
    assert [p.name for p in filterset.qs] == ["王建国"]
