"""Reads of work orders, always narrowed to the user's projects.

Each list selector returns a queryset that costs a fixed number of queries
whatever its length: what a row shows is joined (`select_related`) and the
timeline, when asked for, is one prefetch.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ObjectDoesNotExist
from django.db.models import (
    BooleanField,
    Exists,
    F,
    Func,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
)
from django.db.models.aggregates import Count, Sum
from django.db.models.expressions import Value
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from frontdesk.core.deadlines import deadlines_of
from frontdesk.core.models import Deadline, DeadlineState, Project
from frontdesk.core.open_items import ITEM_LIMIT, OpenItem
from frontdesk.core.scoping import project_ids_for, scope
from residents.models import Household, Person
from residents.selectors import MASK_SHOWS_LAST, unit_code_normalize
from residents.validators import normalize_phone

from .choices import (
    COMMITMENT_KIND,
    OPEN_STATUSES,
    UNRETURNED_STATUSES,
    Priority,
    TicketKind,
    TicketStatus,
)
from .models import (
    Callback,
    ContractVisit,
    LiaisonForm,
    MonthlyContract,
    PromiseSlip,
    Ticket,
    TicketEvent,
    WarrantyReport,
)

# What a row of a list shows, joined in the one query of the list.
LIST_RELATED = (
    "project",
    "household__unit",
    "building",
    "assignee",
    "created_by",
    "complaint",
)


def local_midnight(day: dt.date) -> dt.datetime:
    """The start of a local day, as an aware datetime (keeps range filters on an index)."""
    return timezone.make_aware(dt.datetime.combine(day, dt.time()))


def deadline_passed(
    now: dt.datetime | None = None, *, project_ids: list[int] | None = None
) -> Exists:
    """Whether any open promise of the order (commitment, butler reply, investigation,
    answer, return, callback, warranty report) has passed its due time and is not paused.

    One EXISTS over the order's deadline rows (the subject index), usable as a filter and
    as an annotation on a list. Given the projects of the list, PostgreSQL reads only their
    open deadlines past due (`core_deadline_open_due`) when it gathers them once for a long
    list, not every project's.
    """
    subject_type = ContentType.objects.get_for_model(Ticket, for_concrete_model=False)
    deadlines = Deadline.objects.filter(
        subject_type=subject_type,
        subject_id=OuterRef("pk"),
        state=DeadlineState.OPEN,
        paused_at__isnull=True,
        due_at__lte=now or timezone.now(),
    )
    if project_ids is not None:
        deadlines = deadlines.filter(project_id__in=project_ids)
    return Exists(deadlines)


def overdue_q(now: dt.datetime | None = None, *, project_ids: list[int] | None = None) -> Q:
    """Overdue orders: an open promise past its due time, or not yet back at the desk (a
    complaint: not yet answered) past the order's own due time. `project_ids`, when the
    orders are of those projects only, narrows the promises read."""
    now = now or timezone.now()
    return Q(deadline_passed(now, project_ids=project_ids)) | Q(
        status__in=UNRETURNED_STATUSES, due_at__lt=now
    )


def with_overdue(qs: QuerySet[Ticket], now: dt.datetime | None = None) -> QuerySet[Ticket]:
    """The list with `is_overdue` on each row (the queue's marker), in the list's one query."""
    now = now or timezone.now()
    return qs.annotate(is_overdue=Exists(Ticket.objects.filter(overdue_q(now), pk=OuterRef("pk"))))


class AnyOf(Func):
    """`column = ANY(ARRAY(subquery))`: a filter on ids that a subquery finds, which
    PostgreSQL can read from the column's index even inside an OR (the subquery runs once,
    before the scan). `column IN (subquery)` inside an OR cannot use an index: the search
    box's "unit or words" then read every order of the project. Other databases get IN."""

    arg_joiner = " IN "
    template = "%(expressions)s"
    output_field = BooleanField()

    def as_postgresql(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        return self.as_sql(
            compiler, connection, arg_joiner=" = ANY(ARRAY(", template="%(expressions)s))", **extra
        )


def _of_households(households: QuerySet[Any]) -> Q:
    return Q(AnyOf(F("household_id"), Subquery(households.order_by().values("pk"))))


def ticket_search_q(q: str, *, full_phones: bool = True) -> Q:
    """The search box: a serial (whole, or its number part), a unit ("3-1502"), a phone
    (a household member's or a public-place reporter's) or words of the matter.

    A user who sees phones masked finds one only by the digits the mask shows at its end
    (as the household search does), so trying digits cannot recover the hidden ones.

    Each alternative is a condition on the order's own columns that an index serves (the
    serial's, the household's, the trigram indexes of matter, serial and reporter's phone),
    so PostgreSQL combines them (BitmapOr) instead of reading the project's every order.
    """
    q = q.strip()
    if not q:
        return Q()
    upper = q.upper()
    if len(upper) > 3 and upper[:2].isalpha() and upper[2] == "-":
        return Q(serial__startswith=upper)
    code = unit_code_normalize(q)
    if code is not None:
        return _of_households(Household.objects.filter(unit__code=code)) | Q(matter__contains=q)
    digits = normalize_phone(q)
    if digits.isdigit():
        found = Q(serial__endswith=digits.zfill(6)) | Q(matter__contains=q)
        if len(digits) >= 3 and (full_phones or len(digits) <= MASK_SHOWS_LAST):
            lookup = "phone__contains" if full_phones else "phone__endswith"
            people = Person.objects.filter(**{lookup: digits})
            reporter = "reporter_phone__contains" if full_phones else "reporter_phone__endswith"
            found |= Q(AnyOf(F("household_id"), Subquery(people.order_by().values("household_id"))))
            found |= Q(**{reporter: digits})
        return found
    return Q(matter__contains=q) | Q(reporter_name=q)


# --- The lists: the queue page and the API list ------------------------------------------

# The columns a row of the queue and of the API list reads, and nothing more: the order's
# short columns (not its description, work done, fees or reasons), the unit's code, the
# building's name, and for a complaint the two stages its status word reads. The project's
# name comes from the request's project names (`{% project_of %}`), the staff's names from
# one query of the page's people: each join more multiplies PostgreSQL's planning time (18 ms
# with the project and two users joined, under 1 ms without), and a page of 50 rows is a
# few kilobytes.
ROW_FIELDS = (
    "id",
    "project",
    "kind",
    "serial",
    "status",
    "household",
    "household__unit",
    "household__unit__code",
    "building",
    "building__number",
    "building__name",
    "place",
    "location",
    "reporter_name",
    "reporter_phone",
    "matter",
    "source",
    "priority",
    "appointment_at",
    "due_at",
    "department",
    "assignee",
    "created_by",
    "paid",
    "rework_of",
    "complaint_from",
    "created_at",
    "dispatched_at",
    "accepted_at",
    "arrived_at",
    "done_at",
    "returned_at",
    "visited_at",
    "closed_at",
    "voided_at",
    "follow_up_count",
    "complaint__id",
    "complaint__butler_replied_at",
    "complaint__answered_at",
)


def _staff(field: str) -> Prefetch[Any]:
    """The staff member a row names, by name only (one query for the page)."""
    users = get_user_model().objects.only("id", "username", "first_name", "last_name")
    return Prefetch(field, queryset=users)


def commitment_prefetch() -> Prefetch[Any]:
    """The events of a page's orders that gave a commitment (to `commitment_events`): one
    query for the page, however long the orders' timelines."""
    return Prefetch(
        "events",
        queryset=TicketEvent.objects.filter(data__has_key="commitment")
        .select_related("actor")
        .order_by("at", "id"),
        to_attr="commitment_events",
    )


def ticket_rows(
    *,
    user: Any,
    now: dt.datetime | None = None,
    with_handler: bool = False,
    with_commitment: bool = False,
) -> QuerySet[Ticket]:
    """Orders the user may see as a list row shows them (the queue page, the API list), newest
    first, each with `is_overdue` and its assignee (and, when asked, its handler and the
    events that gave a commitment).

    One query for the page, read from the index of the filter and the id, and one for each
    of the assignee, handler and commitments, whatever the page size and the size of the
    history. Filter it with `TicketFilterSet`; what a row does not show is on the order
    (`ticket_detail`).
    """
    qs = (
        scope(Ticket.objects.all(), user)
        .select_related("household__unit", "building", "complaint")
        .only(*ROW_FIELDS)
        .prefetch_related(_staff("assignee"))
    )
    if with_handler:
        qs = qs.prefetch_related(_staff("created_by"))
    if with_commitment:
        qs = qs.prefetch_related(commitment_prefetch())
    return with_overdue(qs, now).order_by("-id")


def open_emergencies(*, user: Any, limit: int = 10) -> list[Ticket]:
    """The open emergencies of the user's projects, oldest first: the strip over the queue.

    Read from the partial index of open emergencies (`tickets_open_emergencies`): a few rows,
    whatever the history. The statuses are written as the index's predicate is, so that
    PostgreSQL can prove the index covers the query.
    """
    return list(
        scope(Ticket.objects.all(), user)
        .filter(priority=Priority.EMERGENCY, status__in=sorted(OPEN_STATUSES))
        .select_related("household__unit", "building")
        .only(
            "id",
            "project",
            "serial",
            "household",
            "household__unit",
            "household__unit__code",
            "building",
            "building__number",
            "building__name",
            "place",
            "location",
            "matter",
        )
        .order_by("id")[:limit]
    )


# The queue's overdue badge counts this far and then says "99+": the desk needs to know
# there are many, not how many, and the count stops reading there.
OVERDUE_CAP = 99


def overdue_count(*, user: Any, now: dt.datetime | None = None, cap: int | None = None) -> int:
    """How many open orders of the user's projects are overdue, counted up to `cap + 1` (a
    result above `cap` means "more than cap").

    The orders not back past their own due time come first, from the index of status and
    due time: when they alone pass the cap, the count stops there without reading the
    projects' open promises (which the full condition gathers, thousands of rows).
    """
    now = now or timezone.now()
    cap = OVERDUE_CAP if cap is None else cap
    qs = scope(Ticket.objects.all(), user).order_by()
    late = qs.filter(status__in=sorted(UNRETURNED_STATUSES), due_at__lt=now)[: cap + 1].count()
    if late > cap:
        return late
    overdue = overdue_q(now, project_ids=project_ids_for(user))
    return qs.filter(status__in=sorted(OPEN_STATUSES)).filter(overdue)[: cap + 1].count()


# A timeline names each event's actor: their name, not their whole account row.
EVENT_FIELDS = (
    "ticket",
    "at",
    "actor",
    "action",
    "from_status",
    "to_status",
    "note",
    "data",
    "actor__username",
    "actor__first_name",
    "actor__last_name",
)


def timeline_prefetch() -> Prefetch[Any]:
    """The orders' timelines, oldest event first, with each actor's name (one query)."""
    events = TicketEvent.objects.select_related("actor").only(*EVENT_FIELDS)
    return Prefetch("events", queryset=events.order_by("at", "id"))


def ticket_list(
    *, user: Any, filters: dict[str, Any] | None = None, with_timeline: bool = False
) -> QuerySet[Ticket]:
    """Orders the user may see, with what a list row shows, newest first."""
    qs = scope(Ticket.objects.all(), user).select_related(*LIST_RELATED)
    if with_timeline:
        qs = qs.prefetch_related(timeline_prefetch())
    return qs.filter(**(filters or {})).order_by("-id")


def department_work(*, user: Any, departments: list[str], limit: int = 100) -> list[Ticket]:
    """The open orders of the user's departments, the user's own first, then emergencies
    and the oldest: what a worker opens the desk for."""
    from django.db.models import Case, IntegerField, Value, When

    return list(
        ticket_list(
            user=user,
            filters={"department__in": departments, "status__in": UNRETURNED_STATUSES},
        )
        .annotate(
            mine=Case(
                When(assignee_id=user.pk, then=Value(0)),
                default=Value(1),
                output_field=IntegerField(),
            ),
            urgency=Case(
                When(priority="emergency", then=Value(0)),
                When(priority="urgent", then=Value(1)),
                default=Value(2),
                output_field=IntegerField(),
            ),
        )
        .order_by("mine", "urgency", "created_at", "id")[:limit]
    )


def commitment_of(ticket: Ticket) -> dict[str, Any] | None:
    """The latest commitment given to the resident (the "commit" step, or a dispatch to a
    named worker at an agreed time): what, by when, by whom, given when and by whom.

    Reads the order's timeline, or only its events that gave a commitment when a list
    prefetched them (`commitment_prefetch`): prefetch either and this costs nothing.
    """
    found = None
    events = getattr(ticket, "commitment_events", None)
    for event in ticket.events.all() if events is None else events:
        if isinstance(event.data, dict) and isinstance(event.data.get("commitment"), dict):
            found = event
    if found is None:
        return None
    given = found.data["commitment"]
    by_when = parse_datetime(str(given.get("by_when") or ""))
    return {
        "what": given.get("what", ""),
        "by_when": by_when,
        "by_whom": given.get("by_whom", ""),
        "by_whom_user": given.get("by_whom_user"),
        "given_at": found.at,
        "given_by": found.actor,
        "action": found.action,
    }


def commitment_owed(ticket: Ticket) -> Deadline | None:
    """The order's commitment deadline still open (one query), None once it is given.

    Its kind says the matter's weight (`COMMITMENT_KIND`).
    """
    return (
        deadlines_of(ticket)
        .filter(state=DeadlineState.OPEN, kind__in=list(COMMITMENT_KIND.values()))
        .first()
    )


# The staff an order's page names, on the order and on its complaint and warranty: read in
# one query of users rather than ten joins of the user table (which cost PostgreSQL more to
# plan than the whole page's reads and Django more to build).
ORDER_STAFF = ("assignee", "created_by", "voided_by", "priced_by", "priced_with")
COMPLAINT_STAFF = ("butler", "decided_by", "marked_by")


def _attach_staff(ticket: Ticket) -> None:
    """Set the staff members the order names from one query (ids already on the rows)."""
    complaint = getattr(ticket, "complaint", None) if _joined(ticket, "complaint") else None
    warranty = getattr(ticket, "warranty", None) if _joined(ticket, "warranty") else None
    slots: list[tuple[Any, str]] = [(ticket, name) for name in ORDER_STAFF]
    if complaint is not None:
        slots += [(complaint, name) for name in COMPLAINT_STAFF]
    if warranty is not None:
        slots.append((warranty, "liaison"))
    ids = {getattr(row, f"{name}_id") for row, name in slots} - {None}
    people = get_user_model().objects.in_bulk(ids) if ids else {}
    for row, name in slots:
        person_id = getattr(row, f"{name}_id")
        if person_id is not None:
            setattr(row, name, people[person_id])


def _joined(ticket: Ticket, name: str) -> bool:
    """Whether a reverse one-to-one joined on the order exists (no query: it was joined)."""
    try:
        return getattr(ticket, name) is not None
    except ObjectDoesNotExist:
        return False


def ticket_detail(*, user: Any, ticket_id: int) -> Ticket:
    """One order with everything its page shows (a fixed number of queries).

    Raises Ticket.DoesNotExist for an order of another project.
    """
    ticket = (
        scope(Ticket.objects.all(), user)
        .select_related(
            "project",
            "household__unit__building",
            "building",
            "complaint",
            "warranty",
            "resident_rating",
            "contract_visit__contract",
        )
        # The orders it is a rework of or a complaint about are named by their serial.
        .annotate(
            rework_of_serial=F("rework_of__serial"),
            complaint_from_serial=F("complaint_from__serial"),
        )
        .prefetch_related(
            timeline_prefetch(),
            Prefetch(
                "callbacks", queryset=Callback.objects.select_related("by", "follow_up_ticket")
            ),
            Prefetch("promise_slips", queryset=PromiseSlip.objects.select_related("by")),
            Prefetch("warranty__reports", queryset=WarrantyReport.objects.select_related("by")),
            Prefetch(
                "reworks", queryset=Ticket.objects.only("id", "serial", "status", "rework_of")
            ),
            Prefetch("liaison_forms", queryset=LiaisonForm.objects.order_by("id")),
        )
        .get(pk=ticket_id)
    )
    _attach_staff(ticket)
    return ticket


# What a row of the household file's orders panel shows: the order's serial, kind, where it
# stands (its status word reads the stages, and a complaint's own two) and its matter.
FILE_ROW_FIELDS = (
    "id",
    "project",
    "household",
    "kind",
    "serial",
    "status",
    "priority",
    "matter",
    "created_at",
    "dispatched_at",
    "accepted_at",
    "arrived_at",
    "done_at",
    "returned_at",
    "visited_at",
    "closed_at",
    "complaint__id",
    "complaint__butler_replied_at",
    "complaint__answered_at",
)


def household_tickets(*, user: Any, household_id: int, limit: int = 100) -> list[Ticket]:
    """A household's orders for its file, newest first, with their callbacks: two queries,
    whatever the number of orders (read from the household's index), and only the columns
    the panel shows. Each order's timeline is read when it is opened (`ticket_timeline`)."""
    qs = (
        scope(Ticket.objects.all(), user)
        .filter(household_id=household_id)
        .select_related("complaint")
        .only(*FILE_ROW_FIELDS)
        .prefetch_related(Prefetch("callbacks", queryset=Callback.objects.order_by("at", "id")))
        .order_by("-id")
    )
    return list(qs[:limit])


def ticket_timeline(*, user: Any, ticket_id: int) -> Ticket:
    """An order with its timeline alone (two queries), for a list that opens it on demand.

    Raises Ticket.DoesNotExist for an order of another project.
    """
    return (
        scope(Ticket.objects.all(), user)
        .only("id", "project", "serial")
        .prefetch_related(timeline_prefetch())
        .get(pk=ticket_id)
    )


def callbacks_due(*, user: Any, project_id: int | None = None) -> QuerySet[Ticket]:
    """Orders returned to the desk and waiting for their callback, oldest return first."""
    qs = ticket_list(user=user, filters={"status": TicketStatus.RETURNED})
    if project_id is not None:
        qs = qs.filter(project_id=project_id)
    return qs.order_by("returned_at", "id")


def month_register(
    *, user: Any, project_id: int, year: int, month: int, paid_only: bool = False
) -> QuerySet[Ticket]:
    """The month's dispatch and paid-service orders, sorted by customer (月末核对、整理、存档),
    with the unit and building each row names (nothing else joined: the register is read
    a page, or a file, of thousands of rows at a time)."""
    start = local_midnight(dt.date(year, month, 1))
    end = local_midnight(dt.date(year + month // 12, month % 12 + 1, 1))
    qs = (
        scope(Ticket.objects.all(), user)
        .filter(project_id=project_id, created_at__gte=start, created_at__lt=end)
        .exclude(kind=TicketKind.COMPLAINT)
        .select_related("household__unit", "building")
    )
    if paid_only:
        qs = qs.filter(paid=True)
    return qs.order_by("household__unit__code", "place", "id")


def register_customer(ticket: Ticket) -> tuple[Any, ...]:
    """Who a register row is sorted and summed under: its household, or its public place."""
    if ticket.household_id is not None:
        return ("household", ticket.household_id)
    return ("place", ticket.building_id, ticket.place, ticket.location)


def month_register_totals(register: QuerySet[Ticket]) -> dict[str, Any]:
    """The register's number of orders and the fees charged (voided orders count, and charge
    nothing), in one query."""
    totals = register.order_by().aggregate(
        count=Count("id"),
        charged=Coalesce(
            Sum("fee_charged", filter=~Q(status=TicketStatus.VOIDED)), Value(Decimal(0))
        ),
    )
    return {"count": totals["count"], "charged": totals["charged"]}


def month_register_subtotals(
    register: QuerySet[Ticket], rows: list[Ticket] | None = None
) -> dict[tuple[Any, ...], Decimal]:
    """The fees charged over the whole month to each customer of `rows` (a page; None: every
    customer of the register), in one query: a customer whose orders run over two pages
    shows the same month's sum on both."""
    if rows is not None:
        households = {t.household_id for t in rows if t.household_id is not None}
        places = {t.place for t in rows if t.household_id is None}
        wanted = Q(household_id__in=households) if households else Q(pk__in=[])
        if places:
            wanted |= Q(household__isnull=True, place__in=places)
        register = register.filter(wanted)
    sums = (
        register.order_by()
        .values("household_id", "building_id", "place", "location")
        .annotate(charged=Sum("fee_charged", filter=~Q(status=TicketStatus.VOIDED)))
    )
    found: dict[tuple[Any, ...], Decimal] = {}
    for row in sums:
        if row["household_id"] is not None:
            key: tuple[Any, ...] = ("household", row["household_id"])
        else:
            key = ("place", row["building_id"], row["place"], row["location"])
        found[key] = found.get(key, Decimal(0)) + (row["charged"] or Decimal(0))
    return found


# An order registered within this many hours for the same household (or the same public place
# of the same building) and of the same kind, still open, is shown before registering another.
DUPLICATE_HOURS = 24


def likely_duplicates(
    *,
    project_id: int,
    kind: str,
    household_id: int | None = None,
    building_id: int | None = None,
    place: str = "",
    now: dt.datetime | None = None,
) -> QuerySet[Ticket]:
    """Open orders of the same kind for the same household, or the same place of the same
    building, registered in the last `DUPLICATE_HOURS` hours: likely the same matter
    reported twice. Newest first, a few."""
    since = (now or timezone.now()) - dt.timedelta(hours=DUPLICATE_HOURS)
    qs = Ticket.objects.filter(
        project_id=project_id, kind=kind, status__in=OPEN_STATUSES, created_at__gte=since
    )
    if household_id is not None:
        qs = qs.filter(household_id=household_id)
    elif building_id is not None and place:
        qs = qs.filter(household__isnull=True, building_id=building_id, place=place)
    else:
        return Ticket.objects.none()
    return qs.order_by("-id")[:5]


def complaints_open_for(
    *, user: Any, days: int = 7, now: dt.datetime | None = None
) -> QuerySet[Ticket]:
    """Complaints still open after `days` days, oldest first (the supervisor follows them)."""
    since = (now or timezone.now()) - dt.timedelta(days=days)
    return ticket_list(
        user=user,
        filters={
            "kind": TicketKind.COMPLAINT,
            "status__in": OPEN_STATUSES,
            "created_at__lt": since,
        },
    ).order_by("created_at", "id")


def paid_orders_charged(
    *, project_id: int, done_from: dt.datetime | None = None, done_before: dt.datetime | None = None
) -> QuerySet[Ticket]:
    """Finished paid orders with the fee charged, for the cashier (billing reads them here;
    a voided order is never among them)."""
    qs = Ticket.objects.filter(
        project_id=project_id,
        paid=True,
        fee_charged__isnull=False,
        done_at__isnull=False,
    ).exclude(status=TicketStatus.VOIDED)
    if done_from is not None:
        qs = qs.filter(done_at__gte=done_from)
    if done_before is not None:
        qs = qs.filter(done_at__lt=done_before)
    return qs.select_related("household__unit").order_by("done_at", "id")


# --- Liaison forms and contracts -------------------------------------------------------------


def liaison_list(*, user: Any, filters: dict[str, Any] | None = None) -> QuerySet[LiaisonForm]:
    return (
        scope(LiaisonForm.objects.all(), user)
        .select_related("ticket", "created_by", "replied_by")
        .filter(**(filters or {}))
        .order_by("-id")
    )


def contract_list(*, user: Any, filters: dict[str, Any] | None = None) -> QuerySet[MonthlyContract]:
    return (
        scope(MonthlyContract.objects.all(), user)
        .select_related("household__unit", "created_by")
        .filter(**(filters or {}))
        .order_by("-id")
    )


def contract_register(*, contract: MonthlyContract, year: int, month: int) -> list[dict[str, Any]]:
    """The monthly register of a contract: each due visit with the order opened for it."""
    visits = {
        v.date: v
        for v in ContractVisit.objects.filter(
            contract=contract, date__year=year, date__month=month
        ).select_related("ticket")
    }
    due = set(contract.due_dates(year, month))
    rows = []
    for day in sorted(due | set(visits)):
        visit = visits.get(day)
        ticket = visit.ticket if visit else None
        rows.append(
            {
                "date": day,
                "due": day in due,
                "ticket": ticket,
                "status": ticket.status if ticket else "",
            }
        )
    return rows


def is_open(ticket: Ticket) -> bool:
    return ticket.status in OPEN_STATUSES


# --- Open items for the shift handover (registered in TicketsConfig.ready) ---------------


def _open_item_text(ticket: Ticket) -> str:
    where = ticket.household.unit.code if ticket.household else ticket.get_place_display()
    return f"{ticket.serial} {where} {ticket.matter}"


def orders_to_dispatch(project: Project, now: dt.datetime) -> list[OpenItem]:
    """Orders registered and not yet dispatched, emergencies first, oldest first."""
    rows = (
        Ticket.objects.filter(project=project, status=TicketStatus.REGISTERED)
        .select_related("household__unit")
        .order_by("created_at", "id")[:ITEM_LIMIT]
    )
    return [
        OpenItem(_open_item_text(t), reverse("tickets:detail", args=[t.pk]), t.due_at) for t in rows
    ]


def callbacks_owed(project: Project, now: dt.datetime) -> list[OpenItem]:
    """Orders returned to the desk and waiting for their callback, oldest return first."""
    rows = (
        Ticket.objects.filter(project=project, status=TicketStatus.RETURNED)
        .select_related("household__unit")
        .order_by("returned_at", "id")[:ITEM_LIMIT]
    )
    return [
        OpenItem(_open_item_text(t), reverse("tickets:detail", args=[t.pk]), t.returned_at)
        for t in rows
    ]
