"""The application the served benchmark runs under gunicorn: the product, plus its floors.

    gunicorn bench.wsgi:application

It is the product's own WSGI application (`frontdesk.wsgi`, production
settings), wrapped in two things the benchmark needs and the product does not
carry:

- every response says in `X-Bench-Queries` how many SQL queries the request
  made (counted by a database execute wrapper around the request);
- paths under `/__floor__/` answer from `bench.floors` (`bench/urls.py`
  becomes the URLconf): the same rows as a product request, fetched by one
  hand-written SQL query and rendered as plain JSON, CSV or a bare template, by
  a bare view behind the same middleware, in the same processes, so that the
  product's figure and its floor share the server, the network and the
  machine's load.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from django.conf import settings
from django.db import connection

from frontdesk.wsgi import application as product

from .served import QUERIES_HEADER

settings.ROOT_URLCONF = "bench.urls"


class _Counter:
    def __init__(self) -> None:
        self.count = 0

    def __call__(
        self, execute: Callable[..., Any], sql: str, params: Any, many: bool, context: Any
    ):
        self.count += 1
        return execute(sql, params, many, context)


def application(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
    counter = _Counter()

    def counted_start(status: str, headers: list[tuple[str, str]], *exc_info: Any) -> Any:
        # Django calls start_response once the view has answered: the count is complete
        # for every response but a streamed one, whose rows are read while it is sent.
        return start_response(status, [*headers, (QUERIES_HEADER, str(counter.count))], *exc_info)

    with connection.execute_wrapper(counter):
        return product(environ, counted_start)
