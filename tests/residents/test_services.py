"""Household file services: move-in, move-out, history."""

import datetime as dt

import pytest

from frontdesk.core.errors import ApplicationError
from residents.choices import UnitStatus
from residents.models import ChangeRecord, Household
from residents.services import household_move_in, household_move_out

pytestmark = pytest.mark.django_db


def test_move_in_numbers_the_file_by_date_and_daily_serial(unit, desk_user):
    """Two households moving in on one day get consecutive file numbers of that day."""
    first = household_move_in(
        unit=unit,
        moved_in_on=dt.date(2026, 11, 22),
        by=desk_user,
        persons=[{"name": "李雷", "phone": "13800000001"}],
    )
    household_move_out(household=first, moved_out_on=dt.date(2026, 11, 22), by=desk_user)
    second = household_move_in(unit=unit, moved_in_on=dt.date(2026, 11, 22), by=desk_user)
    assert (first.file_number, second.file_number) == ("20261122-001", "20261122-002")
    unit.refresh_from_db()
    assert unit.status == UnitStatus.OCCUPIED


def test_second_current_household_is_refused_and_nothing_is_saved(household, desk_user):
    """A unit with a current household refuses another move-in, and no file number is used."""
    before = Household.objects.count()
    with pytest.raises(ApplicationError) as refused:
        household_move_in(unit=household.unit, moved_in_on=dt.date(2026, 11, 22), by=desk_user)
    assert "unit" in refused.value.fields
    assert Household.objects.count() == before
    household_move_out(household=household, moved_out_on=dt.date(2026, 11, 23), by=desk_user)
    fresh = household_move_in(unit=household.unit, moved_in_on=dt.date(2026, 11, 22), by=desk_user)
    assert fresh.file_number == "20261122-001"


def test_bad_phone_of_a_person_is_a_field_error(unit, desk_user):
    """A malformed phone is reported against that person's field and nothing is saved."""
    with pytest.raises(ApplicationError) as refused:
        household_move_in(
            unit=unit,
            moved_in_on=dt.date(2026, 11, 22),
            by=desk_user,
            persons=[{"name": "韩梅梅", "phone": "12345"}],
        )
    assert "persons[0].phone" in refused.value.fields
    assert not Household.objects.filter(unit=unit).exists()


def test_move_out_is_recorded_in_the_history(household, desk_user):
    """Moving out frees the unit and leaves a line in the household's history."""
    household_move_out(household=household, moved_out_on=dt.date(2026, 11, 23), by=desk_user)
    household.unit.refresh_from_db()
    assert household.unit.status == UnitStatus.VACANT
    line = ChangeRecord.objects.get(household=household)
    assert (line.action, line.actor) == ("moved_out", desk_user)
