"""What the periodic jobs of the work orders do (`tickets.tasks` only calls these).

Each job reads its work from the database and is safe to run twice: a
contract visit is listed once (one row per contract and date), a notice of a
day or a week is sent once per project (`JobRun`, unique per job, project and
key, written in the notice's transaction), and the monthly report is issued
once per project and period.

- `contract_visits_list`: every day, the housekeeping and greening contract
  visits due today and tomorrow are put on the desk's list of visits to
  confirm, where the desk opens each visit's order once the customer has
  confirmed the time.
- `end_of_day_unreturned`: at the end of the day, the free orders not back at
  the desk are listed for the next shift, which records why (the desk is told).
- `weekly_summaries`: on Monday morning, the manager gets the summary of
  unfinished matters and the supervisors the complaints open for over a week.
- `complaint_reports`: the monthly complaint statistics of every complete
  period still missing (the 27th, and any 27th that beat missed).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Count, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override

from frontdesk.core.errors import ApplicationError
from frontdesk.core.models import Project
from frontdesk.core.notifications import Topic, notify, users_with_role
from frontdesk.core.roles import Role
from frontdesk.core.scoping import scope

from . import selectors, statistics
from .choices import OPEN_STATUSES, UNRETURNED_STATUSES, TicketKind
from .models import ContractVisit, JobRun, MonthlyContract, Ticket
from .services.common import _event, _lock, _required_text, _sync

TOPIC_UNRETURNED = "orders.unreturned"
WEEK_OLD = dt.timedelta(days=7)
VISIT_DAYS_AHEAD = 1
VISIT_DAYS_BACK = 6


# --- Monthly contract visits -------------------------------------------------------------


def contract_visits_list(*, day: dt.date, days_ahead: int = VISIT_DAYS_AHEAD) -> int:
    """List the contract visits due from `day` to `days_ahead` days later; returns how many
    were added. A visit already listed (or already opened) is never listed again."""
    last = day + dt.timedelta(days=days_ahead)
    contracts = (
        MonthlyContract.objects.filter(project__is_active=True, starts_on__lte=last)
        .exclude(ends_on__lt=day)
        .only("id", "schedule_type", "schedule_days", "starts_on", "ends_on")
    )
    days = [day + dt.timedelta(days=n) for n in range(days_ahead + 1)]
    months = sorted({(d.year, d.month) for d in days})
    wanted: set[tuple[int, dt.date]] = set()
    for contract in contracts:
        due = {d for year, month in months for d in contract.due_dates(year, month)}
        wanted |= {(contract.pk, d) for d in days if d in due}
    if not wanted:
        return 0
    have = set(
        ContractVisit.objects.filter(
            contract_id__in={c for c, _d in wanted}, date__gte=day, date__lte=last
        ).values_list("contract_id", "date")
    )
    missing = sorted(wanted - have)
    # ignore_conflicts: a second job listing at the same moment adds nothing twice.
    ContractVisit.objects.bulk_create(
        [ContractVisit(contract_id=c, date=d) for c, d in missing], ignore_conflicts=True
    )
    return len(missing)


def visits_to_confirm(*, user: Any, day: dt.date | None = None) -> QuerySet[ContractVisit]:
    """Listed visits whose order is not open yet, from a week back to tomorrow, by date."""
    day = day or timezone.localdate()
    return (
        scope(ContractVisit.objects.all(), user, "contract__project")
        .filter(
            ticket__isnull=True,
            date__gte=day - dt.timedelta(days=VISIT_DAYS_BACK),
            date__lte=day + dt.timedelta(days=VISIT_DAYS_AHEAD),
        )
        .select_related("contract__household__unit", "contract__project")
        .order_by("date", "id")
    )


# --- Once per project and key ------------------------------------------------------------


def _once(job: str, project: Project, key: str, now: dt.datetime, result: dict[str, Any]) -> bool:
    """Record that `job` ran for `project` and `key`; False if it already had.

    Call inside the transaction of what the job sends: a rollback forgets the run.
    """
    try:
        with transaction.atomic():
            JobRun.objects.create(job=job, project=project, key=key, ran_at=now, result=result)
    except IntegrityError:
        return False
    return True


def _tell(
    users: Any, *, topic: str, title: str, body: str, url: str, project: Project, now: dt.datetime
) -> int:
    sent = 0
    for user in users:
        sent += (
            notify(
                user=user,
                topic=topic,
                title=title[:200],
                body=body,
                url=url,
                project=project.pk,
                named=True,
                now=now,
            )
            is not None
        )
    return sent


# --- End of day ---------------------------------------------------------------------------


def unreturned_free_orders(*, user: Any, day: dt.date | None = None) -> QuerySet[Ticket]:
    """Free orders not back at the desk whose return time fell on or before `day`, oldest
    first (a complaint is answered, not returned: it is left out)."""
    day = day or timezone.localdate()
    end = selectors.local_midnight(day + dt.timedelta(days=1))
    return (
        selectors.ticket_list(user=user)
        .filter(paid=False, status__in=UNRETURNED_STATUSES, due_at__lt=end)
        .exclude(kind=TicketKind.COMPLAINT)
        .order_by("due_at", "id")
    )


def _unreturned(project: Project, day: dt.date) -> list[Ticket]:
    end = selectors.local_midnight(day + dt.timedelta(days=1))
    return list(
        Ticket.objects.filter(
            project=project, paid=False, status__in=UNRETURNED_STATUSES, due_at__lt=end
        )
        .exclude(kind=TicketKind.COMPLAINT)
        .order_by("due_at", "id")
        .only("id", "serial", "matter")
    )


def end_of_day_unreturned(*, day: dt.date, now: dt.datetime | None = None) -> int:
    """Tell each project's desk, once for `day`, which free orders are not back and ask why.

    Returns the number of notifications sent.
    """
    now = now or timezone.now()
    sent = 0
    url = reverse("tickets:unreturned")
    for project in Project.objects.filter(is_active=True).order_by("id"):
        with transaction.atomic():
            orders = _unreturned(project, day)
            if not _once("end_of_day", project, day.isoformat(), now, {"orders": len(orders)}):
                continue
            if not orders:
                continue
            for user in users_with_role(project=project, role=Role.DESK):
                with override(_language(user)):
                    title = _(
                        "%(n)d free orders are not back at the desk (%(day)s): record why"
                    ) % {"n": len(orders), "day": day.isoformat()}
                    body = "\n".join(f"{t.serial} {t.matter}" for t in orders[:50])
                sent += _tell(
                    [user],
                    topic=TOPIC_UNRETURNED,
                    title=title,
                    body=body,
                    url=url,
                    project=project,
                    now=now,
                )
    return sent


def _language(user: Any) -> str:
    from django.conf import settings

    profile = getattr(user, "staff_profile", None)
    return (
        (getattr(profile, "language", "") or settings.LANGUAGE_CODE)
        if profile
        else (settings.LANGUAGE_CODE)
    )


@transaction.atomic
def ticket_late_reason(*, ticket: Ticket, reason: str, by: Any) -> Ticket:
    """Record why an order is not back at the desk in time (asked of the next shift)."""
    locked = _lock(ticket)
    if locked.status not in UNRETURNED_STATUSES:
        raise ApplicationError(_("This order is already back at the desk."))
    text = _required_text(reason, "return_late_reason", max_length=200)
    locked.return_late_reason = text
    locked.save(update_fields=["return_late_reason", "updated_at"])
    _event(locked, action="late_reason", by=by, note=text)
    return _sync(ticket, locked)


# --- Weekly ---------------------------------------------------------------------------------


def week_key(day: dt.date) -> str:
    year, week, _weekday = day.isocalendar()
    return f"{year}-W{week:02d}"


def unfinished_matters(*, user: Any) -> QuerySet[Ticket]:
    """Every order not yet closed or voided, oldest first (the manager's weekly summary)."""
    return selectors.ticket_list(user=user, filters={"status__in": OPEN_STATUSES}).order_by(
        "created_at", "id"
    )


def complaints_open_over_a_week(*, user: Any, now: dt.datetime | None = None) -> QuerySet[Ticket]:
    """Complaints registered more than a week ago and not yet closed, oldest first."""
    now = now or timezone.now()
    return selectors.ticket_list(
        user=user,
        filters={
            "kind": TicketKind.COMPLAINT,
            "status__in": OPEN_STATUSES,
            "created_at__lt": now - WEEK_OLD,
        },
    ).order_by("created_at", "id")


def weekly_summaries(*, day: dt.date, now: dt.datetime | None = None) -> int:
    """Once per project and week: the manager's summary of unfinished matters and the
    supervisors' list of complaints open for over a week. Returns notifications sent."""
    now = now or timezone.now()
    key = week_key(day)
    sent = 0
    for project in Project.objects.filter(is_active=True).order_by("id"):
        with transaction.atomic():
            open_orders = Ticket.objects.filter(project=project, status__in=OPEN_STATUSES)
            by_kind = Counter(
                dict(open_orders.values("kind").annotate(n=Count("id")).values_list("kind", "n"))
            )
            overdue = open_orders.filter(selectors.overdue_q(now)).count()
            old = list(
                open_orders.filter(kind=TicketKind.COMPLAINT, created_at__lt=now - WEEK_OLD)
                .order_by("created_at", "id")
                .only("id", "serial", "matter", "created_at")
            )
            total = sum(by_kind.values())
            result = {"unfinished": total, "overdue": overdue, "old_complaints": len(old)}
            if not _once("weekly", project, key, now, result):
                continue
            url = reverse("tickets:weekly")
            for user in users_with_role(project=project, role=Role.MANAGER):
                with override(_language(user)):
                    title = _("Week %(week)s: %(n)d unfinished matters, %(late)d overdue") % {
                        "week": key,
                        "n": total,
                        "late": overdue,
                    }
                    body = "\n".join(
                        f"{TicketKind(kind).label}: {n}" for kind, n in sorted(by_kind.items())
                    )
                sent += _tell(
                    [user],
                    topic=Topic.SUMMARY,
                    title=title,
                    body=body,
                    url=url,
                    project=project,
                    now=now,
                )
            if old:
                for user in users_with_role(project=project, role=Role.SUPERVISOR):
                    with override(_language(user)):
                        title = _("%(n)d complaints open for over a week") % {"n": len(old)}
                        body = "\n".join(
                            f"{t.serial} {timezone.localtime(t.created_at):%Y-%m-%d} {t.matter}"
                            for t in old[:50]
                        )
                    sent += _tell(
                        [user],
                        topic=Topic.SUMMARY,
                        title=title,
                        body=body,
                        url=f"{url}#complaints",
                        project=project,
                        now=now,
                    )
    return sent


# --- Monthly ----------------------------------------------------------------------------------


def complaint_reports(*, now: dt.datetime | None = None) -> list[str]:
    """Issue the complaint statistics of every complete period still missing."""
    issued = statistics.complaint_reports_catch_up(now=now)
    return [f"{r.project_id}:{r.period}" for r in issued]
