"""The floors of the served benchmark: each product request's rows, fetched the plainest way.

A floor is a bare Django view: one hand-written SQL query through the database
driver, rendered as plain JSON, CSV or a bare template (no base page, no
menus, no permission checks, no ORM), served by the same gunicorn and through
the same middleware as the product (`bench/wsgi.py`, `bench/urls.py`, under
`/__floor__/<name>`). It is what the same rows cost on this stack with nothing
of the product's own work around them: the product's figure is read as a ratio
to it.

Each floor takes its inputs from the query string: `project`, and what the
product request filters by.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from collections.abc import Callable, Iterable
from typing import Any

from django.db import connection
from django.http import Http404, HttpRequest, HttpResponse
from django.template import Context, Engine

PAGE = 50
OPEN = ("new", "dispatched", "accepted", "arrived", "paused", "done", "returned")

_ENGINE = Engine()
_TABLE = _ENGINE.from_string(
    "<!doctype html><title>floor</title><table>{% for row in rows %}<tr>"
    "{% for cell in row %}<td>{{ cell }}</td>{% endfor %}</tr>{% endfor %}</table>"
)

# The columns a list of orders shows: serial, kind, status, priority, matter, where
# (unit code or public place), registered, due, assignee.
_LIST_COLUMNS = """
    t.id, t.serial, t.kind, t.status, t.priority, t.matter, coalesce(u.code, t.place),
    t.created_at, t.due_at, a.first_name
"""
_LIST_FROM = """
    FROM tickets_ticket t
    LEFT JOIN residents_household h ON h.id = t.household_id
    LEFT JOIN residents_unit u ON u.id = h.unit_id
    LEFT JOIN auth_user a ON a.id = t.assignee_id
"""


def _one(params: dict[str, str], name: str) -> str:
    return params.get(name, "")


def _rows(sql: str, args: list[Any]) -> list[tuple[Any, ...]]:
    with connection.cursor() as cursor:
        cursor.execute(sql, args)
        return cursor.fetchall()


def _json(rows: Iterable[Any]) -> tuple[str, bytes]:
    return "application/json", json.dumps(list(rows), default=str, ensure_ascii=False).encode()


def _page(rows: Iterable[Any]) -> tuple[str, bytes]:
    return "text/html; charset=utf-8", _TABLE.render(Context({"rows": rows})).encode()


def _list_where(params: dict[str, str]) -> tuple[str, list[Any]]:
    where, args = ["t.project_id = %s"], [int(params["project"])]
    if kind := _one(params, "kind"):
        where.append("t.kind = %s")
        args.append(kind)
    if status := _one(params, "status"):
        where.append("t.status = %s")
        args.append(status)
    if _one(params, "overdue"):
        where.append("t.status = ANY(%s) AND t.due_at < now()")
        args.append(list(OPEN))
    if serial := _one(params, "serial"):
        where.append("t.serial = %s")
        args.append(serial)
    if unit := _one(params, "unit"):
        where.append("u.code = %s")
        args.append(unit)
    if phone := _one(params, "phone"):
        where.append("t.reporter_phone = %s")
        args.append(phone)
    if household := _one(params, "household"):
        where.append("t.household_id = %s")
        args.append(int(household))
    if before := _one(params, "before"):
        where.append("t.id < %s")
        args.append(int(before))
    return " AND ".join(where), args


def order_list(params: dict[str, str], render: Callable[..., tuple[str, bytes]]) -> Any:
    where, args = _list_where(params)
    offset = int(_one(params, "offset") or 0)
    sql = (
        f"SELECT {_LIST_COLUMNS} {_LIST_FROM} WHERE {where} "
        f"ORDER BY t.id DESC LIMIT {PAGE} OFFSET {offset}"
    )
    return render(_rows(sql, args))


def order(params: dict[str, str], render: Callable[..., tuple[str, bytes]]) -> Any:
    """An order with its timeline, deadlines and callbacks, as one row of JSON."""
    sql = """
        SELECT row_to_json(t)::text,
          (SELECT json_agg(e ORDER BY e.at) FROM tickets_ticketevent e
            WHERE e.ticket_id = t.id)::text,
          (SELECT json_agg(c ORDER BY c.at) FROM tickets_callback c
            WHERE c.ticket_id = t.id)::text,
          u.code
        FROM tickets_ticket t
        LEFT JOIN residents_household h ON h.id = t.household_id
        LEFT JOIN residents_unit u ON u.id = h.unit_id
        WHERE t.id = %s
    """
    return render(_rows(sql, [int(params["id"])]))


def callbacks(params: dict[str, str], render: Callable[..., tuple[str, bytes]]) -> Any:
    """Returned orders not yet called back, oldest return first, with their failed calls."""
    sql = f"""
        SELECT {_LIST_COLUMNS}, t.returned_at,
          (SELECT count(*) FROM tickets_callback c WHERE c.ticket_id = t.id AND NOT c.reached)
        {_LIST_FROM}
        WHERE t.project_id = %s AND t.status = 'returned'
        ORDER BY t.returned_at, t.id LIMIT {PAGE}
    """
    return render(_rows(sql, [int(params["project"])]))


def household(params: dict[str, str], render: Callable[..., tuple[str, bytes]]) -> Any:
    """A household's file: the household, its people and its orders."""
    sql = f"""
        SELECT h.id, h.file_number, u.code,
          (SELECT json_agg(p) FROM residents_person p WHERE p.household_id = h.id)::text,
          (SELECT json_agg(o) FROM (
             SELECT t.id, t.serial, t.kind, t.status, t.matter, t.created_at
             FROM tickets_ticket t WHERE t.household_id = h.id ORDER BY t.id DESC LIMIT {PAGE}
          ) o)::text
        FROM residents_household h JOIN residents_unit u ON u.id = h.unit_id
        WHERE h.id = %s
    """
    return render(_rows(sql, [int(params["id"])]))


def _month(params: dict[str, str]) -> tuple[dt.datetime, dt.datetime]:
    year, month = (int(x) for x in params["month"].split("-"))
    start = dt.datetime(year, month, 1, tzinfo=dt.UTC)
    end = dt.datetime(year + month // 12, month % 12 + 1, 1, tzinfo=dt.UTC)
    return start, end


def month_page(params: dict[str, str], render: Callable[..., tuple[str, bytes]]) -> Any:
    """A page of a month's orders and the month's counts by kind and status."""
    start, end = _month(params)
    sql = f"""
        WITH month AS (
          SELECT t.id FROM tickets_ticket t
          WHERE t.project_id = %s AND t.created_at >= %s AND t.created_at < %s
        )
        SELECT {_LIST_COLUMNS}, (SELECT count(*) FROM month)
        {_LIST_FROM} WHERE t.id IN (SELECT id FROM month)
        ORDER BY t.id LIMIT {PAGE}
    """
    return render(_rows(sql, [int(params["project"]), start, end]))


def month_csv(params: dict[str, str], render: Callable[..., tuple[str, bytes]]) -> Any:
    """Every order of a month as CSV."""
    start, end = _month(params)
    sql = f"""
        SELECT {_LIST_COLUMNS}, t.closed_at, t.fee_charged
        {_LIST_FROM}
        WHERE t.project_id = %s AND t.created_at >= %s AND t.created_at < %s
        ORDER BY t.id
    """
    out = io.StringIO()
    csv.writer(out).writerows(_rows(sql, [int(params["project"]), start, end]))
    return "text/csv; charset=utf-8", out.getvalue().encode()


def complaint_statistics(params: dict[str, str], render: Callable[..., tuple[str, bytes]]) -> Any:
    """A month's complaints of a project counted by status and category."""
    start, end = _month(params)
    sql = """
        SELECT t.status, d.category, count(*)
        FROM tickets_ticket t LEFT JOIN tickets_complaintdetail d ON d.ticket_id = t.id
        WHERE t.project_id = %s AND t.kind = 'complaint'
          AND t.created_at >= %s AND t.created_at < %s
        GROUP BY 1, 2 ORDER BY 1, 2
    """
    return render(_rows(sql, [int(params["project"]), start, end]))


FLOORS: dict[str, Callable[[dict[str, str]], tuple[str, bytes]]] = {
    "orders.json": lambda p: order_list(p, _json),
    "orders.html": lambda p: order_list(p, _page),
    "order.json": lambda p: order(p, _json),
    "order.html": lambda p: order(p, _page),
    "callbacks.html": lambda p: callbacks(p, _page),
    "household.html": lambda p: household(p, _page),
    "month.html": lambda p: month_page(p, _page),
    "month.csv": lambda p: month_csv(p, _page),
    "complaints.html": lambda p: complaint_statistics(p, _page),
}


def floor_view(request: HttpRequest, name: str) -> HttpResponse:
    floor = FLOORS.get(name)
    if floor is None:
        raise Http404(name)
    content_type, body = floor(request.GET.dict())
    return HttpResponse(body, content_type=content_type)
