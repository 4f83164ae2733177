"""Working time of a project: its weekly windows, holidays and make-up working days.

`calendar_for(project)` loads a project's calendar (three small queries) into
a `WorkingCalendar`, whose arithmetic is pure Python: add working time to a
moment, find the end of the working day, the next working moment, whether a
moment is working time. Every moment taken or returned is timezone-aware;
windows are local times of settings.TIME_ZONE.

A project without windows works the default week: Monday to Friday,
08:30–12:00 and 13:30–17:30. Its holidays and make-up days still apply.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _

from .errors import ApplicationError
from .models import CalendarDay, CalendarDayKind, DeadlinePolicy, Project, WorkingWindow

Window = tuple[dt.time, dt.time]

_MORNING: Window = (dt.time(8, 30), dt.time(12, 0))
_AFTERNOON: Window = (dt.time(13, 30), dt.time(17, 30))
DEFAULT_WEEK: dict[int, tuple[Window, ...]] = dict.fromkeys(range(5), (_MORNING, _AFTERNOON))

# How far ahead the arithmetic looks for working time before giving up: a
# calendar with no working day in two years is a configuration error.
_HORIZON_DAYS = 731


def local_zone() -> ZoneInfo:
    return ZoneInfo(settings.TIME_ZONE)


@dataclass(frozen=True)
class WorkingCalendar:
    """The working time of one project. Build it with `calendar_for`."""

    week: Mapping[int, tuple[Window, ...]] = field(default_factory=lambda: DEFAULT_WEEK)
    holidays: frozenset[dt.date] = frozenset()
    makeup_days: Mapping[dt.date, int] = field(default_factory=dict)
    workday_ends_at: dt.time | None = None
    zone: ZoneInfo = field(default_factory=local_zone)

    # --- Days ----------------------------------------------------------------------

    def windows_on(self, day: dt.date) -> tuple[Window, ...]:
        """The working windows of a date (none on a holiday)."""
        if day in self.makeup_days:
            windows = self.week.get(self.makeup_days[day], ())
            if not windows:
                # A make-up day "working like Sunday" in a calendar where Sunday is off
                # still works: it gets the first working weekday's hours.
                windows = next((w for _d, w in sorted(self.week.items()) if w), ())
            return windows
        if day in self.holidays:
            return ()
        return self.week.get(day.weekday(), ())

    def is_working_day(self, day: dt.date) -> bool:
        return bool(self.windows_on(day))

    def intervals_on(self, day: dt.date) -> list[tuple[dt.datetime, dt.datetime]]:
        """The working windows of a date as aware (start, end) moments, in order."""
        return [
            (
                dt.datetime.combine(day, start, tzinfo=self.zone),
                dt.datetime.combine(day, end, tzinfo=self.zone),
            )
            for start, end in sorted(self.windows_on(day))
        ]

    def day_end(self, day: dt.date) -> dt.datetime:
        """When the working day of `day` ends: the project's set time, or its last window's end."""
        if self.workday_ends_at is not None:
            return dt.datetime.combine(day, self.workday_ends_at, tzinfo=self.zone)
        return self.intervals_on(day)[-1][1]

    def _days_from(self, day: dt.date) -> Iterator[dt.date]:
        for offset in range(_HORIZON_DAYS):
            yield day + dt.timedelta(days=offset)
        raise ApplicationError(
            _("The working-time calendar has no working day in the next two years.")
        )

    def _intervals_from(self, moment: dt.datetime) -> Iterator[tuple[dt.datetime, dt.datetime]]:
        """Working intervals from `moment` on, the first one cut to start at `moment`."""
        moment = _aware(moment)
        for day in self._days_from(moment.astimezone(self.zone).date()):
            for start, end in self.intervals_on(day):
                if end <= moment:
                    continue
                yield max(start, moment), end

    # --- Moments -------------------------------------------------------------------

    def is_working_time(self, moment: dt.datetime) -> bool:
        local = _aware(moment).astimezone(self.zone)
        return any(start <= local < end for start, end in self.intervals_on(local.date()))

    def next_working_moment(self, moment: dt.datetime) -> dt.datetime:
        """`moment` itself if it is working time, else the start of the next working window."""
        start, _end = next(self._intervals_from(moment))
        return start

    def add_working(self, moment: dt.datetime, duration: dt.timedelta) -> dt.datetime:
        """The moment `duration` of working time after `moment`.

        A duration that runs out exactly at a window's end gives that end (12:00),
        not the next window's start: a promise due "by noon" is due at noon.
        """
        moment = _aware(moment)
        if duration <= dt.timedelta(0):
            return moment
        remaining = duration
        for start, end in self._intervals_from(moment):
            available = end - start
            if remaining <= available:
                return start + remaining
            remaining -= available
        raise AssertionError("unreachable: _intervals_from raises past its horizon")

    def working_between(self, start: dt.datetime, end: dt.datetime) -> dt.timedelta:
        """The working time between two moments (zero if `end` is not after `start`)."""
        start, end = _aware(start), _aware(end)
        total = dt.timedelta(0)
        if end <= start:
            return total
        for window_start, window_end in self._intervals_from(start):
            if window_start >= end:
                break
            total += min(window_end, end) - window_start
        return total

    def end_of_working_day(self, moment: dt.datetime, *, days: int = 0) -> dt.datetime:
        """The end of the working day `moment` falls in, `days` working days later.

        A moment after the day's end, or on a day off, belongs to the next
        working day: work finished at 19:00 on Friday is due at the end of Monday.
        """
        moment = _aware(moment)
        day_iter = self._days_from(moment.astimezone(self.zone).date())
        day = next(d for d in day_iter if self.is_working_day(d) and moment < self.day_end(d))
        for _step in range(days):
            day = next(
                d for d in self._days_from(day + dt.timedelta(days=1)) if self.is_working_day(d)
            )
        return self.day_end(day)


def _aware(moment: dt.datetime) -> dt.datetime:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError("the calendar works on timezone-aware datetimes only")
    return moment


def _merge(windows: list[Window]) -> tuple[Window, ...]:
    """Sorted windows with overlapping or touching ones joined, so no minute counts twice."""
    merged: list[Window] = []
    for start, end in sorted(windows):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return tuple(merged)


def calendar_for(project: Project | int) -> WorkingCalendar:
    """The working-time calendar of a project (defaults where it has none)."""
    project_id = project if isinstance(project, int) else project.pk
    return calendars_for([project_id])[project_id]


def calendars_for(project_ids: Iterable[int]) -> dict[int, WorkingCalendar]:
    """The calendars of many projects in three queries, whatever their number (the sweep
    reads the calendars of every project with a deadline due at once)."""
    ids = sorted(set(project_ids))
    week: dict[int, dict[int, list[Window]]] = {pk: {} for pk in ids}
    for project_id, weekday, start, end in WorkingWindow.objects.filter(
        project_id__in=ids
    ).values_list("project_id", "weekday", "starts_at", "ends_at"):
        week[project_id].setdefault(weekday, []).append((start, end))
    holidays: dict[int, set[dt.date]] = {pk: set() for pk in ids}
    makeup: dict[int, dict[dt.date, int]] = {pk: {} for pk in ids}
    for project_id, day, kind, works_as in CalendarDay.objects.filter(
        project_id__in=ids
    ).values_list("project_id", "date", "kind", "works_as"):
        if kind == CalendarDayKind.HOLIDAY:
            holidays[project_id].add(day)
        else:
            makeup[project_id][day] = works_as
    ends_at = dict(
        DeadlinePolicy.objects.filter(project_id__in=ids).values_list(
            "project_id", "workday_ends_at"
        )
    )
    return {
        pk: WorkingCalendar(
            week={d: _merge(w) for d, w in week[pk].items()} if week[pk] else DEFAULT_WEEK,
            holidays=frozenset(holidays[pk]),
            makeup_days=makeup[pk],
            workday_ends_at=ends_at.get(pk),
        )
        for pk in ids
    }


# --- Entering a year's holidays ---------------------------------------------------------


@transaction.atomic
def calendar_year_set(
    *,
    project: Project,
    year: int,
    holidays: Mapping[dt.date, str],
    workdays: Mapping[dt.date, str] | None = None,
) -> int:
    """Replace a project's holidays and make-up working days of one year (as published each year).

    `holidays` and `workdays` map dates to names (国庆节, 国庆调休). A make-up
    day works the hours of a Monday. Returns how many dates were set.
    """
    workdays = workdays or {}
    errors: dict[str, list[str]] = {}
    for day in [*holidays, *workdays]:
        if day.year != year:
            errors.setdefault("dates", []).append(
                _("%(day)s is not in %(year)s.") % {"day": day.isoformat(), "year": year}
            )
    both = sorted(set(holidays) & set(workdays))
    if both:
        errors.setdefault("dates", []).append(
            _("A date cannot be both a holiday and a working day: %(days)s.")
            % {"days": ", ".join(d.isoformat() for d in both)}
        )
    if errors:
        raise ApplicationError(fields=errors)
    CalendarDay.objects.filter(project=project, date__year=year).delete()
    rows = [
        CalendarDay(project=project, date=day, kind=CalendarDayKind.HOLIDAY, name=name[:60])
        for day, name in holidays.items()
    ] + [
        CalendarDay(project=project, date=day, kind=CalendarDayKind.WORKDAY, name=name[:60])
        for day, name in workdays.items()
    ]
    CalendarDay.objects.bulk_create(rows)
    return len(rows)
