"""Reads of patrols and inspections: checklists, runs, and the day's schedule.

Whether a walk was missed is computed when it is read, from the checklist's times
and the runs recorded: no job marks anything, so a run recorded late (on paper,
typed in afterwards with its real start) still counts for its slot.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Prefetch, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from frontdesk.core.models import Project
from frontdesk.core.open_items import ITEM_LIMIT, OpenItem, OpenItemSource
from frontdesk.core.scoping import project_ids_for, scope

from ..models import Checklist, ChecklistItem, InspectionResult, InspectionRun

DONE = "done"
DUE = "due"
MISSED = "missed"
LATER = "later"


def checklist_list(*, user: Any) -> QuerySet[Checklist]:
    """Checklists of the user's projects, in use first, with their items (two queries)."""
    return (
        scope(Checklist.objects.all(), user)
        .select_related("project")
        .prefetch_related(
            Prefetch("items", queryset=ChecklistItem.objects.order_by("position", "id"))
        )
        .order_by("-is_active", "project__name", "kind", "name", "id")
    )


def checklist_detail(*, user: Any, checklist_id: int) -> Checklist:
    return checklist_list(user=user).get(pk=checklist_id)


def run_list(*, user: Any) -> QuerySet[InspectionRun]:
    """Runs of the user's projects, newest first, with what a list row shows."""
    return (
        scope(InspectionRun.objects.all(), user)
        .select_related("project", "checklist", "walked_by")
        .order_by("-started_at", "-id")
    )


def run_detail(*, user: Any, run_id: int) -> InspectionRun:
    """One run with its results in the checklist's order and their rectification orders."""
    return (
        run_list(user=user)
        .prefetch_related(
            Prefetch(
                "results",
                queryset=InspectionResult.objects.select_related("item", "ticket").order_by(
                    "item__position", "id"
                ),
            )
        )
        .get(pk=run_id)
    )


# --- The day's schedule -------------------------------------------------------------------


@dataclass(frozen=True)
class Slot:
    """One time of day a checklist is due, and how it stands at `now`."""

    checklist: Checklist
    due_at: dt.datetime
    deadline: dt.datetime
    state: str
    run: InspectionRun | None

    @property
    def state_label(self) -> str:
        return {
            DONE: _("Done"),
            DUE: _("Due now"),
            MISSED: _("Missed"),
            LATER: _("Later today"),
        }[self.state]


def _local(day: dt.date, hhmm: str) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.fromisoformat(hhmm)))


def checklist_slots(
    checklist: Checklist, runs: list[InspectionRun], day: dt.date, now: dt.datetime
) -> list[Slot]:
    """The checklist's slots on `day`. A run counts for the first slot whose window holds
    its start: from the previous slot's deadline (the day's start for the first) to this
    slot's time plus the grace. A slot past its deadline without a run is missed."""
    grace = dt.timedelta(minutes=checklist.grace_minutes)
    ordered = sorted(runs, key=lambda r: r.started_at)
    slots = []
    opens = timezone.make_aware(dt.datetime.combine(day, dt.time.min))
    for hhmm in checklist.times:
        due_at = _local(day, hhmm)
        deadline = due_at + grace
        run = next((r for r in ordered if opens <= r.started_at <= deadline), None)
        if run is not None:
            state = DONE
        elif now > deadline:
            state = MISSED
        elif now >= due_at:
            state = DUE
        else:
            state = LATER
        slots.append(Slot(checklist, due_at, deadline, state, run))
        opens = deadline + dt.timedelta(microseconds=1)
    return slots


def schedule(*, project_ids: list[int], day: dt.date, now: dt.datetime) -> list[Slot]:
    """Every slot of the day of the checklists in use in these projects (two queries)."""
    start = timezone.make_aware(dt.datetime.combine(day, dt.time.min))
    end = start + dt.timedelta(days=1)
    checklists = list(
        Checklist.objects.filter(project_id__in=project_ids, is_active=True)
        .select_related("project")
        .exclude(times=[])
        .order_by("project__name", "kind", "name", "id")
    )
    runs: dict[int, list[InspectionRun]] = {}
    for run in InspectionRun.objects.filter(
        checklist__in=[c.pk for c in checklists], started_at__gte=start, started_at__lt=end
    ).select_related("walked_by"):
        runs.setdefault(run.checklist_id, []).append(run)
    slots = [s for c in checklists for s in checklist_slots(c, runs.get(c.pk, []), day, now)]
    return sorted(slots, key=lambda s: (s.due_at, s.checklist.name))


def schedule_for(*, user: Any, day: dt.date, now: dt.datetime | None = None) -> list[Slot]:
    """The day's slots of the user's projects."""
    return schedule(project_ids=project_ids_for(user), day=day, now=now or timezone.now())


# --- Open items for the handover ------------------------------------------------------------


def walks_missed(project: Project, now: dt.datetime) -> list[OpenItem]:
    """Today's walks not done by their time plus the grace (a handover gatherer)."""
    day = timezone.localdate(now)
    return [
        OpenItem(
            _("%(checklist)s due %(time)s not done")
            % {"checklist": s.checklist.name, "time": f"{timezone.localtime(s.due_at):%H:%M}"},
            reverse("registers:inspections-today"),
            s.deadline,
        )
        for s in schedule(project_ids=[project.pk], day=day, now=now)
        if s.state == MISSED
    ][:ITEM_LIMIT]


def failed_without_order(project: Project, now: dt.datetime) -> list[OpenItem]:
    """Failed items still waiting for their rectification order (a handover gatherer)."""
    rows = (
        InspectionResult.objects.filter(run__project=project, ok=False, ticket__isnull=True)
        .select_related("item", "run__checklist")
        .order_by("run__started_at", "id")[:ITEM_LIMIT]
    )
    return [
        OpenItem(
            f"{r.run.checklist.name}: {r.item.name} · {r.note}",
            reverse("registers:inspection", args=[r.run_id]),
            r.run.finished_at,
        )
        for r in rows
    ]


# The open items this register adds to the shift handover (key "registers.<name>").
OPEN_ITEMS: tuple[OpenItemSource, ...] = (
    OpenItemSource(
        key="registers.inspections.missed",
        title=gettext_lazy("Patrols and inspections missed today"),
        gather=walks_missed,
    ),
    OpenItemSource(
        key="registers.inspections.rectify",
        title=gettext_lazy("Failed inspection items without a rectification order"),
        gather=failed_without_order,
    ),
)
