"""The monthly complaint statistics (每月27日投诉统计): computed, then frozen as a report.

Periods. The report of period "2026-11" covers from 27 October 00:00 to
27 November 00:00, local time (the end not included), so consecutive periods
cover every day exactly once. A period is complete at its end; the report of
a complete period is issued by the job on the 27th, or by its catch-up on
any later day.

Figures of a period (the complaints registered in it, voided ones left out):
- counts per complaint category;
- found valid: complaints the supervisor marked valid, over all the period's
  complaints (one not yet marked counts as not found valid);
- resolved to satisfaction: complaints whose last callback that reached the
  resident found them satisfied or basically satisfied, over all of them;
- handled on time (处理及时率): complaints whose answer deadline (the three-day
  promise, moved by its pauses) was met at or before its due time, over all;
- the trend over the last 12 periods, callbacks per department and per
  butler, and the early warning: categories and households whose complaints
  are rising (at least 2 in the period and more than in the period before).

The project chooses which of the two first rates carries the name 投诉有效率
(`ReportSettings.effectiveness_basis`); both are printed with their definitions.
An issued report keeps its figures (`ComplaintReport.figures`) whatever later
happens to the orders; regenerating on purpose replaces them.
"""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import (
    BooleanField,
    Case,
    Count,
    F,
    IntegerField,
    Min,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from frontdesk.core.errors import ApplicationError
from frontdesk.core.models import Deadline, DeadlineState, Project
from frontdesk.core.notifications import Topic, notify, users_with_role
from frontdesk.core.replica import reads_from_replica
from frontdesk.core.roles import Role, has_role
from frontdesk.core.scoping import scope

from .choices import ComplaintCategory, Department, Satisfaction, TicketKind, TicketStatus
from .models import Callback, ComplaintReport, EffectivenessBasis, ReportSettings, Ticket

PERIOD_DAY = 27
TREND_PERIODS = 12
RISING_AT_LEAST = 2
SATISFIED = (Satisfaction.SATISFIED, Satisfaction.BASICALLY_SATISFIED)

DEFINITIONS = {
    "valid": gettext_lazy(
        "Found valid: complaints the supervisor marked valid, divided by all complaints "
        "registered in the period (a complaint not yet marked counts as not valid)."
    ),
    "satisfied": gettext_lazy(
        "Resolved to satisfaction: complaints whose last callback that reached the resident "
        "found them satisfied or basically satisfied, divided by all complaints registered "
        "in the period."
    ),
    "on_time": gettext_lazy(
        "On-time handling rate: complaints whose answer to the resident was given by its "
        "due time (three days after registration, moved by recorded pauses), divided by all "
        "complaints registered in the period."
    ),
    "period": gettext_lazy(
        "The period runs from the 27th of the previous month 00:00 to the 27th of this month "
        "00:00 (not included), local time; consecutive periods cover every day once."
    ),
    "rising": gettext_lazy(
        "Rising: at least 2 complaints in this period and more than in the period before."
    ),
}


# --- Periods ----------------------------------------------------------------------------


def _midnight(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time()))


def _shift(year: int, month: int, by: int) -> tuple[int, int]:
    index = year * 12 + (month - 1) + by
    return index // 12, index % 12 + 1


def parse_period(text: str) -> tuple[int, int]:
    """(year, month) of "YYYY-MM", or ApplicationError."""
    try:
        year_text, month_text = str(text).split("-")
        year, month = int(year_text), int(month_text)
    except ValueError:
        raise ApplicationError(fields={"period": [_("Write the period as YYYY-MM.")]}) from None
    if not (2000 <= year <= 2999 and 1 <= month <= 12) or len(str(text)) != 7:
        raise ApplicationError(fields={"period": [_("Write the period as YYYY-MM.")]})
    return year, month


def period_name(year: int, month: int) -> str:
    return f"{year:04d}-{month:02d}"


def period_bounds(period: str) -> tuple[dt.datetime, dt.datetime]:
    """The first moment of a period and the first moment after it (aware, local midnights)."""
    year, month = parse_period(period)
    before_year, before_month = _shift(year, month, -1)
    return (
        _midnight(dt.date(before_year, before_month, PERIOD_DAY)),
        _midnight(dt.date(year, month, PERIOD_DAY)),
    )


def period_of(moment: dt.datetime) -> str:
    """The period a moment falls in."""
    day = timezone.localdate(moment)
    if day.day >= PERIOD_DAY:
        return period_name(*_shift(day.year, day.month, 1))
    return period_name(day.year, day.month)


def period_before(period: str, by: int = 1) -> str:
    return period_name(*_shift(*parse_period(period), -by))


def last_complete_period(now: dt.datetime | None = None) -> str:
    """The latest period that has ended by `now`."""
    return period_before(period_of(now or timezone.now()))


# --- Computation ------------------------------------------------------------------------


def _rate(part: int, whole: int) -> str | None:
    """A percentage with one decimal ("66.7"), or None when there is nothing to divide by."""
    if not whole:
        return None
    value = (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.1"), ROUND_HALF_UP)
    return str(value)


def _last_satisfaction() -> Subquery:
    return Subquery(
        Callback.objects.filter(ticket=OuterRef("pk"), reached=True)
        .order_by("-at", "-id")
        .values("satisfaction")[:1]
    )


def _answered_on_time() -> Subquery:
    """The id of the complaint's answer deadline met by its due time, or NULL.

    A scalar subquery, looked up per complaint through the deadlines' subject index; as an
    EXISTS the planner hashes it over every project's met answers (a scan of the whole
    deadline table) to test a few thousand complaints."""
    return Subquery(
        Deadline.objects.filter(
            subject_type=ContentType.objects.get_for_model(Ticket, for_concrete_model=False),
            subject_id=OuterRef("pk"),
            kind="complaint.answer",
            state=DeadlineState.MET,
            met_at__lte=F("due_at"),
        )
        .order_by()
        .values("id")[:1]
    )


def _bucket(periods: list[str], field: str = "created_at") -> Case:
    """Which of `periods` (by index) a row's `field` falls in, -1 for none."""
    whens = []
    for index, period in enumerate(periods):
        start, end = period_bounds(period)
        whens.append(When(**{f"{field}__gte": start, f"{field}__lt": end}, then=Value(index)))
    return Case(*whens, default=Value(-1), output_field=IntegerField())


def _span(periods: list[str]) -> tuple[dt.datetime, dt.datetime]:
    bounds = [period_bounds(p) for p in periods]
    return min(b[0] for b in bounds), max(b[1] for b in bounds)


def _complaints_of(project_id: int, periods: list[str]) -> QuerySet[Ticket]:
    """The complaints of several periods (voided ones left out), each row with its period's
    index as `bucket`: one scan of the partial index tickets_complaints_created."""
    start, end = _span(periods)
    return (
        Ticket.objects.filter(
            project_id=project_id,
            kind=TicketKind.COMPLAINT,
            created_at__gte=start,
            created_at__lt=end,
        )
        .exclude(status=TicketStatus.VOIDED)
        .annotate(bucket=_bucket(periods))
    )


def _summary_of(period: str, totals: dict[str, int]) -> dict[str, Any]:
    total = totals["total"]
    return {
        "period": period,
        "total": total,
        "valid": totals["valid"],
        "invalid": totals["invalid"],
        "unmarked": total - totals["valid"] - totals["invalid"],
        "called_back": totals["called_back"],
        "satisfied": totals["satisfied"],
        "on_time": totals["answered_on_time"],
        "valid_rate": _rate(totals["valid"], total),
        "satisfied_rate": _rate(totals["satisfied"], total),
        "on_time_rate": _rate(totals["answered_on_time"], total),
    }


def period_summaries(project_id: int, periods: list[str]) -> dict[str, dict[str, Any]]:
    """The headline figures of several periods in one query (one pass over their
    complaints, each counted in its own period's columns)."""
    if not periods:
        return {}
    qs = _complaints_of(project_id, periods).annotate(
        last_satisfaction=_last_satisfaction(),
        answer_met=_answered_on_time(),
        on_time=Case(
            When(Q(answer_met__isnull=False), then=Value(1)),
            default=Value(0),
            output_field=IntegerField(),
        ),
    )
    rows = (
        qs.values("bucket")
        .annotate(
            total=Count("id"),
            valid=Count("id", filter=Q(complaint__valid=True)),
            invalid=Count("id", filter=Q(complaint__valid=False)),
            called_back=Count("id", filter=Q(last_satisfaction__isnull=False)),
            satisfied=Count("id", filter=Q(last_satisfaction__in=SATISFIED)),
            answered_on_time=Coalesce(Sum("on_time"), 0),
        )
        .order_by()
    )
    keys = ("total", "valid", "invalid", "called_back", "satisfied", "answered_on_time")
    found = {row["bucket"]: row for row in rows}
    empty = dict.fromkeys(keys, 0)
    return {
        period: _summary_of(period, {k: found.get(index, empty)[k] for k in keys})
        for index, period in enumerate(periods)
    }


def period_summary(project_id: int, period: str) -> dict[str, Any]:
    """The headline figures of one period (one query)."""
    return period_summaries(project_id, [period])[period]


def _category_counts(project_id: int, periods: list[str]) -> list[dict[str, int]]:
    """Complaints per category of each period, in one query."""
    found: list[dict[str, int]] = [{} for _p in periods]
    rows = (
        _complaints_of(project_id, periods)
        .values("bucket", "complaint__category")
        .annotate(n=Count("id"))
        .values_list("bucket", "complaint__category", "n")
    )
    for bucket, category, n in rows:
        if bucket >= 0 and category:
            found[bucket][category] = n
    return found


def _household_counts(project_id: int, periods: list[str]) -> list[dict[int, tuple[str, int]]]:
    """Complaints per household of each period, with the household's unit, in one query."""
    found: list[dict[int, tuple[str, int]]] = [{} for _p in periods]
    rows = (
        _complaints_of(project_id, periods)
        .filter(household__isnull=False)
        .values("bucket", "household_id", "household__unit__code")
        .annotate(n=Count("id"))
        .values_list("bucket", "household_id", "household__unit__code", "n")
    )
    for bucket, household, code, n in rows:
        if bucket >= 0:
            found[bucket][household] = (code, n)
    return found


Rows = list[dict[str, Any]]


def _callback_item(returned: int, called_back: int, satisfied: int) -> dict[str, Any]:
    return {
        "returned": returned,
        "called_back": called_back,
        "satisfied": satisfied,
        "callback_rate": _rate(called_back, returned),
        "satisfied_rate": _rate(satisfied, called_back),
    }


def _callbacks_by(
    project_id: int, period: str
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Orders returned to the desk in the period, with their callbacks: per department (not
    complaints) and per butler (complaints with one), in one pass over the period's returns."""
    start, end = period_bounds(period)
    rows = (
        Ticket.objects.filter(project_id=project_id, returned_at__gte=start, returned_at__lt=end)
        .exclude(status=TicketStatus.VOIDED)
        .annotate(last_satisfaction=_last_satisfaction())
        .values(
            "department",
            "complaint__butler_id",
            "complaint__butler__username",
            is_complaint=Case(
                When(kind=TicketKind.COMPLAINT, then=Value(True)),
                default=Value(False),
                output_field=BooleanField(),
            ),
        )
        .annotate(
            returned=Count("id"),
            called_back=Count("id", filter=Q(last_satisfaction__isnull=False)),
            satisfied=Count("id", filter=Q(last_satisfaction__in=SATISFIED)),
        )
        .order_by()
    )
    departments: dict[str | None, list[int]] = {}
    butlers: dict[tuple[int, str], list[int]] = {}
    for row in rows:
        counts = (row["returned"], row["called_back"], row["satisfied"])
        if not row["is_complaint"]:
            target = departments.setdefault(row["department"], [0, 0, 0])
        elif row["complaint__butler_id"] is not None:
            key = (row["complaint__butler_id"], row["complaint__butler__username"])
            target = butlers.setdefault(key, [0, 0, 0])
        else:
            continue
        for i, n in enumerate(counts):
            target[i] += n
    # Ordered as the database orders them: departments by code, no department last.
    by_department = [
        {**_callback_item(*departments[d]), "department": d}
        for d in sorted(departments, key=lambda d: (d is None, d or ""))
    ]
    by_butler = [{**_callback_item(*butlers[key]), "butler": key[1]} for key in sorted(butlers)]
    return by_department, by_butler


def _trend(
    project_id: int, period: str, summaries: dict[str, dict[str, Any]]
) -> list[dict[str, Any]]:
    """The last 12 periods, oldest first: earlier ones from their issued reports when there
    are, so the trend agrees with what was issued."""
    earlier = _earlier(period)
    trend = [_trend_point(summaries[name]) for name in earlier]
    trend.append(_trend_point(summaries[period]))
    return trend


def _earlier(period: str) -> list[str]:
    return [period_before(period, n) for n in range(TREND_PERIODS - 1, 0, -1)]


def _trend_point(summary: dict[str, Any]) -> dict[str, Any]:
    keys = ("period", "total", "valid_rate", "satisfied_rate", "on_time_rate")
    return {k: summary.get(k) for k in keys}


def compute_figures(*, project_id: int, period: str) -> dict[str, Any]:
    """Every figure of the period's report, as plain JSON (codes, not labels).

    A fixed six queries whatever the number of orders: the issued reports of the trend's
    periods, the summaries of every period still to compute (one pass), the categories and
    the households of this period and the one before (one pass each), the callbacks per
    department and per butler (one pass), and the project's settings.
    """
    start, end = period_bounds(period)
    previous = period_before(period)
    earlier = _earlier(period)
    issued = {
        r.period: r.figures.get("summary")
        for r in ComplaintReport.objects.filter(project_id=project_id, period__in=earlier)
    }
    wanted = [name for name in earlier if not issued.get(name)] + [period]
    summaries = {name: figures for name, figures in issued.items() if figures}
    summaries.update(period_summaries(project_id, wanted))
    summary = summaries[period]
    categories, before = _category_counts(project_id, [period, previous])
    households, households_before = _household_counts(project_id, [period, previous])
    by_department, by_butler = _callbacks_by(project_id, period)
    settings = ReportSettings.for_project(project_id)
    return {
        "period": period,
        "starts_at": start.isoformat(),
        "ends_at": end.isoformat(),
        "effectiveness_basis": settings.effectiveness_basis,
        "summary": summary,
        "categories": [
            {"category": code, "count": categories.get(code, 0)}
            for code in ComplaintCategory.values
        ],
        "rising_categories": [
            {"category": code, "count": categories.get(code, 0), "previous": before.get(code, 0)}
            for code in ComplaintCategory.values
            if categories.get(code, 0) >= RISING_AT_LEAST
            and categories.get(code, 0) > before.get(code, 0)
        ],
        "rising_households": sorted(
            (
                {
                    "household": household,
                    "unit": code,
                    "count": n,
                    "previous": households_before.get(household, ("", 0))[1],
                }
                for household, (code, n) in households.items()
                if n >= RISING_AT_LEAST and n > households_before.get(household, ("", 0))[1]
            ),
            key=lambda row: (-row["count"], row["unit"]),
        ),
        "callbacks_by_department": by_department,
        "callbacks_by_butler": by_butler,
        "trend": _trend(project_id, period, summaries),
    }


# --- The frozen report ------------------------------------------------------------------


@transaction.atomic
def complaint_report_issue(
    *,
    project: Project,
    period: str,
    by: Any = None,
    replace: bool = False,
    now: dt.datetime | None = None,
    announce: bool = True,
) -> ComplaintReport:
    """Issue the period's report: compute its figures and freeze them.

    An issued period is returned unchanged unless `replace` asks to regenerate
    it, which overwrites its figures in the same row (never a second report).
    A period that has not ended yet is refused. With `announce`, a new report
    is notified to the project's supervisors and manager.
    """
    now = now or timezone.now()
    parse_period(period)
    start, end = period_bounds(period)
    if end > now:
        raise ApplicationError(
            fields={
                "period": [
                    _("The period %(period)s ends on %(end)s: it is not over yet.")
                    % {"period": period, "end": f"{timezone.localtime(end):%Y-%m-%d %H:%M}"}
                ]
            }
        )
    existing = (
        ComplaintReport.objects.select_for_update().filter(project=project, period=period).first()
    )
    if existing is not None and not replace:
        return existing
    figures = compute_figures(project_id=project.pk, period=period)
    if existing is not None:
        existing.figures = figures
        existing.starts_at, existing.ends_at = start, end
        existing.generated_at = now
        existing.generated_by = by if getattr(by, "pk", None) else None
        existing.save()
        return existing
    report = ComplaintReport(
        project=project,
        period=period,
        starts_at=start,
        ends_at=end,
        figures=figures,
        generated_at=now,
        generated_by=by if getattr(by, "pk", None) else None,
    )
    try:
        with transaction.atomic():
            report.save()
    except IntegrityError:
        # Issued by a concurrent job between our read and our insert: theirs stands.
        return ComplaintReport.objects.get(project=project, period=period)
    if announce:
        _announce(report, now=now)
    return report


@reads_from_replica
def complaint_report_preview(
    *, project: Project, now: dt.datetime | None = None
) -> ComplaintReport:
    """The running period's figures so far, computed now: a report that is never saved
    (not final, never frozen), to read beside the issued ones."""
    now = now or timezone.now()
    period = period_of(now)
    start, end = period_bounds(period)
    return ComplaintReport(
        project=project,
        period=period,
        starts_at=start,
        ends_at=end,
        figures=compute_figures(project_id=project.pk, period=period),
        generated_at=now,
    )


def _announce(report: ComplaintReport, *, now: dt.datetime) -> None:
    """Tell the supervisors and the manager that a report is out. Call inside its transaction."""
    from django.urls import reverse

    url = reverse("tickets:complaint-report", kwargs={"period": report.period})
    url = f"{url}?project={report.project_id}"
    for role in (Role.SUPERVISOR, Role.MANAGER):
        for user in users_with_role(project=report.project_id, role=role):
            notify(
                user=user,
                topic=Topic.REPORT_READY,
                title=_("Complaint statistics %(period)s are out") % {"period": report.period},
                body=str(DEFINITIONS["period"]),
                url=url,
                project=report.project_id,
                now=now,
            )


def first_period(project: Project) -> str:
    """The first period of a project: that of its creation or of its earliest complaint."""
    earliest = Ticket.objects.filter(project=project, kind=TicketKind.COMPLAINT).aggregate(
        first=Min("created_at")
    )["first"]
    moments = [m for m in (project.created_at, earliest) if m is not None]
    return period_of(min(moments)) if moments else period_of(timezone.now())


def complaint_reports_catch_up(*, now: dt.datetime | None = None) -> list[ComplaintReport]:
    """Issue every complete period still missing, for every active project.

    What beat missed (a worker down on the 27th) is produced on the next run;
    a period already issued is left as it is. Returns the reports issued now.
    The periods start with the project's first (its creation or its earliest
    complaint).
    """
    now = now or timezone.now()
    last = last_complete_period(now)
    issued: list[ComplaintReport] = []
    for project in Project.objects.filter(is_active=True).order_by("id"):
        have = set(ComplaintReport.objects.filter(project=project).values_list("period", flat=True))
        period = first_period(project)
        if period > last:
            continue
        periods = []
        while period <= last:
            periods.append(period)
            period = period_before(period, -1)
        for name in periods:
            if name not in have:
                # Only the latest period is announced: a project catching up on many
                # months gets one notice, not one per month.
                issued.append(
                    complaint_report_issue(
                        project=project, period=name, now=now, announce=name == last
                    )
                )
    return issued


# --- The project's choice ----------------------------------------------------------------


@transaction.atomic
def report_settings_update(
    *,
    project: Project,
    by: Any,
    effectiveness_basis: str,
    callback_attempts: int,
    callback_retry_minutes: int,
) -> ReportSettings:
    """A supervisor or the manager sets which rate carries the name 投诉有效率 and how the
    desk retries callbacks. Reports already issued keep the basis they were issued with."""
    if not has_role(by, Role.SUPERVISOR, Role.MANAGER):
        raise PermissionDenied(_("Only a supervisor or the manager may change these settings."))
    errors: dict[str, list[str]] = {}
    if effectiveness_basis not in EffectivenessBasis.values:
        errors["effectiveness_basis"] = [_("Choose one of the two rates.")]
    if not (isinstance(callback_attempts, int) and 1 <= callback_attempts <= 10):
        errors["callback_attempts"] = [_("Between 1 and 10 attempts.")]
    if not (isinstance(callback_retry_minutes, int) and 5 <= callback_retry_minutes <= 24 * 60):
        errors["callback_retry_minutes"] = [_("Between 5 minutes and a day.")]
    if errors:
        raise ApplicationError(fields=errors)
    row, _created = ReportSettings.objects.select_for_update().get_or_create(project=project)
    row.effectiveness_basis = effectiveness_basis
    row.callback_attempts = callback_attempts
    row.callback_retry_minutes = callback_retry_minutes
    row.save()
    return row


# --- Reads ------------------------------------------------------------------------------


def complaint_report_get(*, user: Any, project_id: int, period: str) -> ComplaintReport:
    """The issued report of a project and period, scoped to the user's projects.

    Raises ComplaintReport.DoesNotExist for another project's or a missing one.
    """
    parse_period(period)
    return (
        scope(ComplaintReport.objects.all(), user)
        .select_related("project", "generated_by")
        .get(project_id=project_id, period=period)
    )


def complaint_report_list(*, user: Any, project_id: int | None = None) -> QuerySet[ComplaintReport]:
    qs = scope(ComplaintReport.objects.all(), user).select_related("project")
    if project_id is not None:
        qs = qs.filter(project_id=project_id)
    return qs.order_by("-period", "project_id")


def _label(choices: Any, code: str) -> str:
    try:
        return str(choices(code).label)
    except ValueError:
        return code


def report_view(report: ComplaintReport) -> dict[str, Any]:
    """The frozen figures with labels in the active language, for the page, PDF and CSV."""
    f = report.figures
    summary = f["summary"]
    basis = f.get("effectiveness_basis", EffectivenessBasis.VALID)
    effectiveness = (
        summary["valid_rate"] if basis == EffectivenessBasis.VALID else (summary["satisfied_rate"])
    )
    return {
        "report": report,
        "period": report.period,
        "starts": timezone.localtime(report.starts_at),
        "ends": timezone.localtime(report.ends_at),
        "summary": summary,
        "basis": basis,
        "basis_label": _label(EffectivenessBasis, basis),
        "effectiveness_rate": effectiveness,
        "categories": [
            {**row, "label": _label(ComplaintCategory, row["category"])} for row in f["categories"]
        ],
        "rising_categories": [
            {**row, "label": _label(ComplaintCategory, row["category"])}
            for row in f["rising_categories"]
        ],
        "rising_households": f["rising_households"],
        "callbacks_by_department": [
            {**row, "label": _label(Department, row["department"]) if row["department"] else "—"}
            for row in f["callbacks_by_department"]
        ],
        "callbacks_by_butler": f["callbacks_by_butler"],
        "trend": f["trend"],
        "definitions": {k: str(v) for k, v in DEFINITIONS.items()},
    }
