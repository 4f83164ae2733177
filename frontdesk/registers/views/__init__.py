"""Pages of the registers, one module per register; the index lists them all."""

from importlib import import_module
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from frontdesk.core.open_items import ITEM_LIMIT, OpenItemSource
from frontdesk.core.scoping import projects_for

from .. import REGISTERS

# Open items shown per kind on the index; the register's own page has the rest.
SHOWN = 5


def _sources(register: str) -> tuple[OpenItemSource, ...]:
    module = import_module(f"frontdesk.registers.selectors.{register}")
    return tuple(getattr(module, "OPEN_ITEMS", ()))


@login_required
def index(request: HttpRequest) -> HttpResponse:
    """The registers, each with its links and what is open in it now (the same items the
    shift handover gathers), per project of the user: the desk's board of the registers.

    A fixed number of queries per project and kind of open item.
    """
    now = timezone.now()
    projects = list(projects_for(request.user))
    open_now: dict[str, list[dict[str, Any]]] = {}
    for register in REGISTERS:
        rows = []
        for source in _sources(register):
            for project in projects:
                items = source.gather(project, now)[:ITEM_LIMIT]
                if items:
                    rows.append(
                        {
                            "title": source.title,
                            "project": project if len(projects) > 1 else None,
                            "count": len(items),
                            "items": items[:SHOWN],
                        }
                    )
        open_now[register] = rows
    return render(request, "registers/index.html", {"open_now": open_now})
