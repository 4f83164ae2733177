"""Working-time arithmetic of a project's calendar."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from frontdesk.core.calendar import WorkingCalendar, calendar_for, calendar_year_set
from frontdesk.core.errors import ApplicationError
from frontdesk.core.models import CalendarDay, CalendarDayKind, DeadlinePolicy, WorkingWindow

SH = ZoneInfo("Asia/Shanghai")


def at(day: str, hm: str) -> dt.datetime:
    return dt.datetime.fromisoformat(f"{day}T{hm}").replace(tzinfo=SH)


# 2026-11-23 is a Monday. The default week: Mon–Fri 08:30–12:00, 13:30–17:30.
DEFAULT = WorkingCalendar()


def test_working_time_skips_the_lunch_break():
    """Two working hours from 11:00 end at 14:30: the lunch break does not count."""
    assert DEFAULT.add_working(at("2026-11-23", "11:00"), dt.timedelta(hours=2)) == at(
        "2026-11-23", "14:30"
    )


def test_working_time_running_out_at_noon_is_due_at_noon():
    """A duration that runs out exactly at a window's end is due then, not after lunch."""
    assert DEFAULT.add_working(at("2026-11-23", "11:00"), dt.timedelta(hours=1)) == at(
        "2026-11-23", "12:00"
    )


def test_working_time_crosses_the_weekend():
    """Four working hours from Friday 16:00 end on Monday at 11:00."""
    assert DEFAULT.add_working(at("2026-11-27", "16:00"), dt.timedelta(hours=4)) == at(
        "2026-11-30", "11:00"
    )


def test_working_time_started_at_night_starts_next_morning():
    """Work counted from 22:00 starts at 08:30 the next working day."""
    assert DEFAULT.add_working(at("2026-11-23", "22:00"), dt.timedelta(minutes=30)) == at(
        "2026-11-24", "09:00"
    )


def test_moments_are_compared_in_any_zone():
    """A UTC moment is read in Shanghai time: 01:00 UTC is 09:00 in Shanghai, working time."""
    assert DEFAULT.is_working_time(dt.datetime(2026, 11, 23, 1, 0, tzinfo=dt.UTC))
    assert not DEFAULT.is_working_time(dt.datetime(2026, 11, 23, 4, 30, tzinfo=dt.UTC))


def test_naive_moments_are_refused():
    """The calendar never guesses a time zone."""
    with pytest.raises(ValueError):
        DEFAULT.next_working_moment(dt.datetime(2026, 11, 23, 9, 0))  # noqa: DTZ001


def test_end_of_working_day_after_hours_is_the_next_working_day():
    """Work finished on Friday evening is due at the end of Monday; during the day, that day."""
    assert DEFAULT.end_of_working_day(at("2026-11-27", "19:00")) == at("2026-11-30", "17:30")
    assert DEFAULT.end_of_working_day(at("2026-11-27", "10:00")) == at("2026-11-27", "17:30")
    assert DEFAULT.end_of_working_day(at("2026-11-27", "10:00"), days=1) == at(
        "2026-11-30", "17:30"
    )


def test_working_between_counts_only_windows():
    """From Friday 17:00 to Monday 09:00 there is one working hour."""
    assert DEFAULT.working_between(
        at("2026-11-27", "17:00"), at("2026-11-30", "09:00")
    ) == dt.timedelta(hours=1)


@pytest.mark.django_db
def test_project_calendar_with_its_own_windows_holiday_and_makeup_day(project):
    """A project's windows, a statutory holiday and a make-up Sunday change what counts."""
    for weekday in range(5):
        WorkingWindow.objects.create(
            project=project, weekday=weekday, starts_at=dt.time(9), ends_at=dt.time(12)
        )
        WorkingWindow.objects.create(
            project=project, weekday=weekday, starts_at=dt.time(14), ends_at=dt.time(18)
        )
    # Thursday 2026-10-01 is National Day; Sunday 2026-10-11 is worked as a Friday.
    CalendarDay.objects.create(
        project=project, date=dt.date(2026, 10, 1), kind=CalendarDayKind.HOLIDAY, name="国庆节"
    )
    CalendarDay.objects.create(
        project=project, date=dt.date(2026, 10, 11), kind=CalendarDayKind.WORKDAY, works_as=4
    )
    calendar = calendar_for(project)
    assert calendar.add_working(at("2026-09-30", "17:00"), dt.timedelta(hours=2)) == at(
        "2026-10-02", "10:00"
    )
    assert calendar.next_working_moment(at("2026-10-10", "12:00")) == at("2026-10-11", "09:00")
    assert calendar.is_working_time(at("2026-10-11", "15:00"))
    assert not calendar.is_working_time(at("2026-10-01", "10:00"))
    assert calendar.end_of_working_day(at("2026-10-01", "10:00")) == at("2026-10-02", "18:00")


@pytest.mark.django_db
def test_project_without_calendar_works_the_default_week_and_its_own_day_end(project):
    """No windows: Monday to Friday by default; the project's day-end time is the end of day."""
    DeadlinePolicy.objects.create(project=project, workday_ends_at=dt.time(17, 0))
    calendar = calendar_for(project)
    assert not calendar.is_working_time(at("2026-11-28", "10:00"))
    assert calendar.end_of_working_day(at("2026-11-23", "16:00")) == at("2026-11-23", "17:00")
    assert calendar.end_of_working_day(at("2026-11-23", "17:10")) == at("2026-11-24", "17:00")


@pytest.mark.django_db
def test_overlapping_windows_count_each_minute_once(project):
    """Windows entered twice or overlapping (08:00–12:00 and 11:00–13:00) count as 08:00–13:00."""
    WorkingWindow.objects.create(
        project=project, weekday=0, starts_at=dt.time(8), ends_at=dt.time(12)
    )
    WorkingWindow.objects.create(
        project=project, weekday=0, starts_at=dt.time(11), ends_at=dt.time(13)
    )
    calendar = calendar_for(project)
    assert calendar.working_between(
        at("2026-11-23", "00:00"), at("2026-11-24", "00:00")
    ) == dt.timedelta(hours=5)


@pytest.mark.django_db
def test_entering_a_years_holidays_replaces_that_year_only(project):
    """A year's published holidays replace that year's dates and leave other years alone."""
    CalendarDay.objects.create(
        project=project, date=dt.date(2025, 10, 1), kind=CalendarDayKind.HOLIDAY
    )
    CalendarDay.objects.create(
        project=project, date=dt.date(2026, 5, 1), kind=CalendarDayKind.HOLIDAY
    )
    calendar_year_set(
        project=project,
        year=2026,
        holidays={dt.date(2026, 10, 1): "国庆节", dt.date(2026, 10, 2): "国庆节"},
        workdays={dt.date(2026, 10, 10): "国庆调休"},
    )
    calendar = calendar_for(project)
    assert not calendar.is_working_day(dt.date(2026, 10, 2))
    assert calendar.is_working_day(dt.date(2026, 10, 10))
    assert calendar.is_working_day(dt.date(2026, 5, 1))
    assert not calendar.is_working_day(dt.date(2025, 10, 1))


@pytest.mark.django_db
def test_a_date_outside_the_year_is_refused(project):
    """Another year's date, or a date both holiday and working day, is refused; nothing changes."""
    with pytest.raises(ApplicationError) as refused:
        calendar_year_set(project=project, year=2026, holidays={dt.date(2027, 1, 1): "元旦"})
    assert "dates" in refused.value.fields
    with pytest.raises(ApplicationError):
        calendar_year_set(
            project=project,
            year=2026,
            holidays={dt.date(2026, 10, 1): "国庆节"},
            workdays={dt.date(2026, 10, 1): "调休"},
        )
    assert not CalendarDay.objects.exists()
