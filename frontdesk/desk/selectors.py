"""Reads of the desk's records, always narrowed to the user's projects."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Case, Count, F, IntegerField, Q, QuerySet, Value, When
from django.urls import reverse
from django.utils import timezone

from frontdesk.core.models import Deadline, Project
from frontdesk.core.open_items import ITEM_LIMIT, OpenItem
from frontdesk.core.scoping import project_ids_for, scope
from residents.models import Household
from residents.selectors import household_list
from tickets.choices import TicketKind, TicketStatus
from tickets.models import Callback, Ticket

from .choices import EntryKind, EntryStatus, HandoverStatus, ReviewKind
from .models import (
    DutyLogEntry,
    Exchange,
    Handover,
    Incident,
    PostRecord,
    Review,
    Ring,
    Shift,
    Tracking,
)


def local_midnight(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def day_bounds(day: dt.date) -> tuple[dt.datetime, dt.datetime]:
    return local_midnight(day), local_midnight(day + dt.timedelta(days=1))


# --- Duty log --------------------------------------------------------------------------


def entry_list(*, user: Any) -> QuerySet[DutyLogEntry]:
    """Duty-log entries of the user's projects, newest first, with what a list row shows."""
    return (
        scope(DutyLogEntry.objects.all(), user)
        .select_related(
            "project", "household__unit", "taken_by", "assigned_to", "promise_by", "ticket"
        )
        .order_by("-at", "-id")
    )


def emergencies_first(qs: QuerySet[DutyLogEntry]) -> QuerySet[DutyLogEntry]:
    """Emergencies still owed an answer on top, then the rest, newest first."""
    return qs.annotate(
        urgent=Case(
            When(kind=EntryKind.EMERGENCY, status=EntryStatus.PENDING, then=Value(0)),
            When(kind=EntryKind.EMERGENCY, then=Value(1)),
            default=Value(2),
            output_field=IntegerField(),
        )
    ).order_by("urgent", "-at", "-id")


def entry_detail(*, user: Any, entry_id: int) -> DutyLogEntry:
    return (
        entry_list(user=user)
        .select_related("corrects", "corrected_by")
        .prefetch_related("follow_ups__by")
        .get(pk=entry_id)
    )


def callbacks_of_day(*, user: Any, project_id: int, day: dt.date) -> QuerySet[Callback]:
    """The callbacks made on `day` (read from the orders, never typed twice in the log)."""
    start, end = day_bounds(day)
    return (
        scope(Callback.objects.all(), user, "ticket__project")
        .filter(ticket__project_id=project_id, at__gte=start, at__lt=end)
        .select_related("ticket__household__unit", "by")
        .order_by("at", "id")
    )


def pending_promises(project: Project, now: dt.datetime) -> list[OpenItem]:
    """Duty-log entries still owed an answer, earliest promise first (a handover gatherer)."""
    rows = (
        DutyLogEntry.objects.filter(project=project, status=EntryStatus.PENDING)
        .select_related("household__unit")
        .order_by("promise_due_at", "at", "id")[:ITEM_LIMIT]
    )
    return [
        OpenItem(_entry_text(e), reverse("desk:entry", args=[e.pk]), e.promise_due_at) for e in rows
    ]


def open_emergencies(project: Project, now: dt.datetime) -> list[OpenItem]:
    """Emergencies of the duty log not yet answered, and emergency orders still open."""
    entries = (
        DutyLogEntry.objects.filter(
            project=project, status=EntryStatus.PENDING, kind=EntryKind.EMERGENCY
        )
        .select_related("household__unit")
        .order_by("at", "id")[:ITEM_LIMIT]
    )
    orders = (
        Ticket.objects.filter(project=project, priority="emergency")
        .exclude(status__in=[TicketStatus.CLOSED, TicketStatus.VOIDED])
        .select_related("household__unit")
        .order_by("created_at", "id")[:ITEM_LIMIT]
    )
    items = [OpenItem(_entry_text(e), reverse("desk:entry", args=[e.pk]), e.at) for e in entries]
    items += [
        OpenItem(f"{t.serial} {t.matter}", reverse("tickets:detail", args=[t.pk]), t.due_at)
        for t in orders
    ]
    return items


def _entry_text(entry: DutyLogEntry) -> str:
    where = entry.household.unit.code if entry.household else entry.get_place_display()
    return f"{timezone.localtime(entry.at):%m-%d %H:%M} {where} {entry.matter[:80]}"


# --- Shifts and handovers ----------------------------------------------------------------


def shift_list(*, user: Any) -> QuerySet[Shift]:
    return (
        scope(Shift.objects.all(), user)
        .select_related("project", "clerk")
        .order_by("-starts_at", "-id")
    )


def handover_list(*, user: Any) -> QuerySet[Handover]:
    return (
        scope(Handover.objects.all(), user)
        .select_related(
            "project", "shift__clerk", "next_shift__clerk", "closed_by", "acknowledged_by"
        )
        .order_by("-closed_at", "-id")
    )


def handovers_to_acknowledge(*, user: Any) -> QuerySet[Handover]:
    """The handovers waiting for this user's acknowledgement (the page banner leads to them)."""
    return handover_list(user=user).filter(
        status=HandoverStatus.AWAITING, next_shift__clerk_id=user.pk
    )


def current_shift(*, user: Any, now: dt.datetime | None = None) -> Shift | None:
    """The user's own shift still open: the one running now, else the earliest not closed."""
    now = now or timezone.now()
    return (
        shift_list(user=user)
        .filter(clerk_id=user.pk, status="planned", starts_at__lte=now)
        .order_by("starts_at", "id")
        .first()
    )


# --- Reviews ---------------------------------------------------------------------------


def review_list(*, user: Any) -> QuerySet[Review]:
    return (
        scope(Review.objects.all(), user)
        .select_related("project", "signed_by")
        .order_by("-starts_on", "kind", "-id")
    )


def review_period(kind: str, day: dt.date) -> tuple[dt.date, dt.date]:
    """The days a review covers: the day itself, or the week (Monday to Sunday) holding it."""
    if kind == ReviewKind.WEEKLY:
        monday = day - dt.timedelta(days=day.weekday())
        return monday, monday + dt.timedelta(days=6)
    return day, day


def review_of(*, project_id: int, kind: str, day: dt.date, department: str = "") -> Review:
    """The review of a period: the saved one, or a new unsaved one (nothing signed yet)."""
    starts_on, ends_on = review_period(kind, day)
    found = Review.objects.filter(
        project_id=project_id, kind=kind, department=department, starts_on=starts_on
    ).first()
    return found or Review(
        project_id=project_id,
        kind=kind,
        department=department,
        starts_on=starts_on,
        ends_on=ends_on,
    )


def review_figures(
    *, project_id: int, starts_on: dt.date, ends_on: dt.date, department: str = ""
) -> dict[str, Any]:
    """The counts a review shows for a project's days (each a fixed number of queries).

    A department's review counts only that department's orders.
    """
    start, end = local_midnight(starts_on), local_midnight(ends_on + dt.timedelta(days=1))
    entries = DutyLogEntry.objects.filter(project_id=project_id, at__gte=start, at__lt=end)
    by_kind = dict(
        entries.exclude(status=EntryStatus.CORRECTED)
        .values_list("kind")
        .annotate(n=Count("id"))
        .values_list("kind", "n")
    )
    orders = Ticket.objects.filter(project_id=project_id, created_at__gte=start, created_at__lt=end)
    if department:
        orders = orders.filter(department=department)
    orders_by_kind = dict(
        orders.values_list("kind").annotate(n=Count("id")).values_list("kind", "n")
    )
    callbacks = Callback.objects.filter(
        ticket__project_id=project_id, at__gte=start, at__lt=end
    ).aggregate(made=Count("id"), reached=Count("id", filter=Q(reached=True)))
    broken = Deadline.objects.filter(
        project_id=project_id, marked_overdue_at__gte=start, marked_overdue_at__lt=end
    ).count()
    return {
        "entries": sum(by_kind.values()),
        "entries_by_kind": {k: by_kind.get(k, 0) for k in EntryKind.values},
        "pending": entries.filter(status=EntryStatus.PENDING).count(),
        "orders": sum(orders_by_kind.values()),
        "orders_by_kind": {k: orders_by_kind.get(k, 0) for k in TicketKind.values},
        "complaints": orders_by_kind.get(TicketKind.COMPLAINT, 0),
        "callbacks_made": callbacks["made"],
        "callbacks_reached": callbacks["reached"],
        "callbacks_due": Ticket.objects.filter(
            project_id=project_id, status=TicketStatus.RETURNED
        ).count(),
        "deadlines_broken": broken,
        "incidents": Incident.objects.filter(
            project_id=project_id, occurred_at__gte=start, occurred_at__lt=end
        ).count(),
        **answer_times(project_id=project_id, start=start, end=end),
    }


def review_entries(*, review: Review) -> QuerySet[DutyLogEntry]:
    start = local_midnight(review.starts_on)
    end = local_midnight(review.ends_on + dt.timedelta(days=1))
    return emergencies_first(
        DutyLogEntry.objects.filter(project_id=review.project_id, at__gte=start, at__lt=end)
        .select_related("household__unit", "taken_by", "ticket")
        .prefetch_related("follow_ups")
    )


def review_orders(*, review: Review) -> QuerySet[Ticket]:
    """A department's orders registered in the review's period, with whether their copies
    came back to the desk (returned_at), for the head's next-morning review."""
    start = local_midnight(review.starts_on)
    end = local_midnight(review.ends_on + dt.timedelta(days=1))
    return (
        Ticket.objects.filter(
            project_id=review.project_id,
            department=review.department,
            created_at__gte=start,
            created_at__lt=end,
        )
        .select_related("household__unit", "assignee")
        .order_by("created_at", "id")
    )


def review_complaints(*, review: Review) -> QuerySet[Ticket]:
    start = local_midnight(review.starts_on)
    end = local_midnight(review.ends_on + dt.timedelta(days=1))
    return (
        Ticket.objects.filter(
            project_id=review.project_id,
            kind=TicketKind.COMPLAINT,
            created_at__gte=start,
            created_at__lt=end,
        )
        .select_related("household__unit")
        .order_by("created_at", "id")
    )


# --- Incidents, key follow-ups, rings -----------------------------------------------------


def incident_list(*, user: Any) -> QuerySet[Incident]:
    return scope(Incident.objects.all(), user).select_related("project", "recorded_by")


def incident_detail(*, user: Any, incident_id: int) -> Incident:
    return (
        incident_list(user=user)
        .prefetch_related("steps__by", "entries", "tickets")
        .get(pk=incident_id)
    )


def tracking_list(*, user: Any) -> QuerySet[Tracking]:
    return scope(Tracking.objects.all(), user).select_related(
        "project", "owner", "household__unit", "instructed_by"
    )


def trackings_due(project: Project, now: dt.datetime) -> list[OpenItem]:
    """Key follow-ups whose check is due today or earlier (a handover gatherer)."""
    today = timezone.localdate(now)
    rows = (
        Tracking.objects.filter(project=project, status="open", next_check_on__lte=today)
        .select_related("owner")
        .order_by("next_check_on", "id")[:ITEM_LIMIT]
    )
    return [
        OpenItem(
            f"{t.matter} · {t.owner.get_full_name() or t.owner.get_username()}",
            reverse("desk:tracking", args=[t.pk]),
            local_midnight(t.next_check_on),
        )
        for t in rows
    ]


def open_incidents(project: Project, now: dt.datetime) -> list[OpenItem]:
    """Incidents still being handled (a handover gatherer)."""
    rows = Incident.objects.filter(project=project, status="open").order_by("occurred_at", "id")[
        :ITEM_LIMIT
    ]
    return [
        OpenItem(f"{i.what} · {i.where}", reverse("desk:incident", args=[i.pk]), i.occurred_at)
        for i in rows
    ]


# A ring older than this is not shown as ringing any more.
RING_FRESH = dt.timedelta(minutes=2)


def rings_for(*, user: Any, now: dt.datetime | None = None) -> list[Ring]:
    """The calls ringing now on this user's extension, newest first (no one else's)."""
    now = now or timezone.now()
    return list(
        scope(Ring.objects.all(), user)
        .filter(clerk_id=user.pk, entry__isnull=True, rang_at__gte=now - RING_FRESH)
        .order_by("-rang_at", "-id")[:3]
    )


def households_with_phone(*, user: Any, project_id: int, number: str) -> list[Household]:
    """Households of the project with a person of this phone number (the caller's file)."""
    return list(
        household_list(user=user)
        .filter(project_id=project_id, persons__phone=number)
        .select_related("unit")
        .distinct()
        .order_by("unit__code")[:5]
    )


def answer_times(*, project_id: int, start: dt.datetime, end: dt.datetime) -> dict[str, int]:
    """Rings of a period and how many were answered within 15 seconds (by the third ring)."""
    rings = Ring.objects.filter(project_id=project_id, rang_at__gte=start, rang_at__lt=end)
    return rings.aggregate(
        rings=Count("id"),
        answered=Count("id", filter=Q(answered_at__isnull=False)),
        by_third_ring=Count(
            "id", filter=Q(answered_at__lte=F("rang_at") + dt.timedelta(seconds=15))
        ),
    )


# --- What needs this person now (the desk's home page) ------------------------------------

# The department whose open orders a worker's home shows.
ROLE_DEPARTMENT = {
    "engineering": "engineering",
    "cleaning": "cleaning",
    "greening": "greening",
    "security": "security",
}
SHORT = 5


def my_day(*, user: Any, roles: set[str], now: dt.datetime | None = None) -> dict[str, Any]:
    """Counts and short lists, earliest deadline first, of what waits for this person now.

    Each part is one count and one short list, so the cost does not grow with the data.
    """
    now = now or timezone.now()
    today = timezone.localdate(now)
    parts: dict[str, Any] = {}
    is_desk = bool(roles & {"desk", "supervisor", "manager"}) or getattr(
        user, "is_superuser", False
    )
    if is_desk:
        parts["handovers"] = list(handovers_to_acknowledge(user=user)[:SHORT])
        mine = (
            entry_list(user=user)
            .filter(status=EntryStatus.PENDING)
            .filter(Q(taken_by_id=user.pk) | Q(assigned_to_id=user.pk) | Q(promise_by_id=user.pk))
        )
        parts["answers"] = (mine.count(), list(mine.order_by("promise_due_at", "at")[:SHORT]))
        owed = scope(Deadline.objects.filter(state="open", paused_at__isnull=True), user)
        breaking = owed.filter(due_at__lte=now + dt.timedelta(hours=1)).order_by("due_at", "id")
        parts["deadlines"] = (breaking.count(), list(breaking[:SHORT]))
        orders = scope(Ticket.objects.all(), user)
        dispatch = orders.filter(status=TicketStatus.REGISTERED).select_related("household__unit")
        parts["dispatch"] = (dispatch.count(), list(dispatch.order_by("created_at", "id")[:SHORT]))
        callbacks = orders.filter(status=TicketStatus.RETURNED).select_related("household__unit")
        parts["callbacks"] = (
            callbacks.count(),
            list(callbacks.order_by("returned_at", "id")[:SHORT]),
        )
        returns = orders.filter(
            status__in=[
                TicketStatus.DISPATCHED,
                TicketStatus.ACCEPTED,
                TicketStatus.ARRIVED,
                TicketStatus.DONE,
            ],
            due_at__lt=local_midnight(today + dt.timedelta(days=1)),
        ).select_related("household__unit")
        parts["returns"] = (returns.count(), list(returns.order_by("due_at", "id")[:SHORT]))
        complaints = orders.filter(
            kind=TicketKind.COMPLAINT, status__in=[TicketStatus.DISPATCHED]
        ).select_related("household__unit")
        parts["complaints"] = (
            complaints.count(),
            list(complaints.order_by("created_at", "id")[:SHORT]),
        )
        emergencies = entry_list(user=user).filter(
            status=EntryStatus.PENDING, kind=EntryKind.EMERGENCY
        )
        parts["emergencies"] = (emergencies.count(), list(emergencies[:SHORT]))
    if roles & {"supervisor", "manager"} or getattr(user, "is_superuser", False):
        signed = set(
            scope(Review.objects.filter(kind="daily", status="signed"), user)
            .filter(starts_on=today - dt.timedelta(days=1))
            .values_list("project_id", flat=True)
        )
        parts["unsigned_yesterday"] = [
            p for p in Project.objects.filter(id__in=project_ids_for(user)) if p.pk not in signed
        ]
        parts["today"] = today
        parts["yesterday"] = today - dt.timedelta(days=1)
    if "manager" in roles:
        # The month so far, per project: what the manager reports upward.
        first = today.replace(day=1)
        parts["month"] = {
            "first": first,
            "projects": [
                (p, review_figures(project_id=p.pk, starts_on=first, ends_on=today))
                for p in Project.objects.filter(id__in=project_ids_for(user)).order_by("name")
            ],
        }
    departments = [ROLE_DEPARTMENT[r] for r in roles if r in ROLE_DEPARTMENT]
    if departments:
        work = (
            scope(Ticket.objects.all(), user)
            .filter(
                department__in=departments,
                status__in=[
                    TicketStatus.DISPATCHED,
                    TicketStatus.ACCEPTED,
                    TicketStatus.ARRIVED,
                    TicketStatus.PAUSED,
                ],
            )
            .select_related("household__unit")
        )
        parts["department"] = (work.count(), list(work.order_by("due_at", "id")[: SHORT * 2]))
    return parts


def household_entries(*, user: Any, household_id: int, limit: int = 20) -> list[DutyLogEntry]:
    """A household's latest duty-log entries, for its file (one query)."""
    return list(
        scope(DutyLogEntry.objects.filter(household_id=household_id), user)
        .select_related("taken_by", "ticket")
        .order_by("-at", "-id")[:limit]
    )


# --- The morning's start ------------------------------------------------------------------


def post_records_unread(project: Project, now: dt.datetime) -> list[OpenItem]:
    """Gate-post and monitoring-center records the desk has not read yet (a handover gatherer)."""
    rows = PostRecord.objects.filter(project=project, acknowledged_at__isnull=True).order_by(
        "day", "id"
    )[:ITEM_LIMIT]
    return [
        OpenItem(f"{r.get_post_display()} {r.day:%m-%d}: {r.text[:60]}", reverse("desk:morning"))
        for r in rows
    ]


def morning(*, user: Any, project_id: int, day: dt.date) -> dict[str, Any]:
    """The morning page: the records of the posts from the day before, and today's exchanges."""
    start, end = day_bounds(day)
    return {
        "records": list(
            scope(PostRecord.objects.all(), user)
            .filter(project_id=project_id)
            .filter(Q(acknowledged_at__isnull=True) | Q(day__gte=day - dt.timedelta(days=1)))
            .select_related("recorded_by", "acknowledged_by", "entry")
            .order_by("day", "post", "id")[:100]
        ),
        "exchanges": list(
            scope(Exchange.objects.all(), user)
            .filter(project_id=project_id, at__gte=start, at__lt=end)
            .select_related("butler", "clerk")
            .order_by("at", "id")
        ),
    }
