"""What is still open in a project: the registry the shift handover gathers from.

Each app registers a gatherer for one kind of open item (desk promises
pending, orders to dispatch, overdue deadlines, callbacks due, ...), usually
from its `AppConfig.ready`:

    register_open_items("tickets.to_dispatch", _("Orders to dispatch"), gather_fn)

A gatherer takes the project and the moment, and returns `OpenItem`s. The
handover (`frontdesk.desk`) calls every registered gatherer and freezes what
they return, so a new kind of open item appears in the handover without
touching the handover's code. This module is in the shared core so that any
app may register without importing the desk. A gatherer should cost a fixed
number of queries and return a short list (it is read at the end of a shift).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.utils import timezone
from django.utils.functional import Promise

from .deadlines import kind_label
from .models import Deadline, DeadlineState, Project


@dataclass(frozen=True)
class OpenItem:
    text: str
    url: str = ""
    due_at: dt.datetime | None = None


Gatherer = Callable[[Project, dt.datetime], list[OpenItem]]


@dataclass(frozen=True)
class OpenItemSource:
    key: str
    title: str | Promise
    gather: Gatherer


OPEN_ITEM_SOURCES: dict[str, OpenItemSource] = {}

# Enough to read at a shift change; the rest is on the lists the links lead to.
ITEM_LIMIT = 50


def register_open_items(key: str, title: str | Promise, gather: Gatherer) -> None:
    """Add (or replace, by key) a kind of open item the handover gathers."""
    OPEN_ITEM_SOURCES[key] = OpenItemSource(key, title, gather)


def unregister_open_items(key: str) -> None:
    OPEN_ITEM_SOURCES.pop(key, None)


def gather_open_items(*, project: Project, now: dt.datetime | None = None) -> list[dict[str, Any]]:
    """Every registered kind of open item of `project` at `now`, as JSON-ready sections.

    Sections come in registration order; a kind with nothing open is kept with
    an empty list, so the handover says "none" rather than leaving it out.
    """
    now = now or timezone.now()
    sections = []
    for source in OPEN_ITEM_SOURCES.values():
        items = source.gather(project, now)[:ITEM_LIMIT]
        sections.append(
            {
                "key": source.key,
                "title": str(source.title),
                "items": [
                    {
                        "text": item.text,
                        "url": item.url,
                        "due_at": item.due_at.isoformat() if item.due_at else None,
                        # As the clerk read it, in the project's time zone (it is frozen).
                        "due": (
                            f"{timezone.localtime(item.due_at):%Y-%m-%d %H:%M}"
                            if item.due_at
                            else ""
                        ),
                    }
                    for item in items
                ],
            }
        )
    return sections


def overdue_deadlines(project: Project, now: dt.datetime) -> list[OpenItem]:
    """Promises of any kind past their due time and not kept (the core's own gatherer)."""
    rows = Deadline.objects.filter(
        project=project, state=DeadlineState.OPEN, paused_at__isnull=True, due_at__lte=now
    ).order_by("due_at", "id")[:ITEM_LIMIT]
    return [OpenItem(f"{kind_label(d.kind)}: {d.subject_label}", d.url, d.due_at) for d in rows]
