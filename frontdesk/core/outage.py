"""What the desk answers when a part it depends on is down for a moment.

- The database unreachable: every request answers 503 (a short page, or the
  API's JSON error) instead of a server error, and the next request connects
  afresh, so the desk recovers by itself when the database is back. A write
  interrupted half-way is rolled back by its transaction: services are atomic.
- Redis unreachable as the cache: the cache answers "not cached" and writes
  nothing, so the desk goes on (slower) instead of failing on each page; the
  outage is logged once per process and minute, not per request.

`outage_middleware` handles failures raised by views; `server_error` (the
project's handler500) handles those raised earlier, in a middleware that
reads the session or the user.
"""

from __future__ import annotations

import logging
import sys
import time
from collections.abc import Callable
from typing import Any

from django.core.cache.backends.redis import RedisCache
from django.db import InterfaceError, OperationalError, connections
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template import loader
from django.utils.translation import gettext as _
from django.views.decorators.csrf import requires_csrf_token

logger = logging.getLogger(__name__)

DATABASE_ERRORS = (OperationalError, InterfaceError)
RETRY_AFTER_SECONDS = 10


def _is_api(request: HttpRequest) -> bool:
    return request.path.startswith("/api/")


def _forget_broken_connections() -> None:
    """Drop connections that failed, so that the next request opens a new one."""
    for conn in connections.all(initialized_only=True):
        try:
            conn.close()
        except DATABASE_ERRORS:
            conn.connection = None


def unavailable(request: HttpRequest) -> HttpResponse:
    """503: the database cannot be reached; nothing was saved by this request."""
    _forget_broken_connections()
    message = _(
        "The database cannot be reached just now; nothing was saved. Please try again in a moment."
    )
    if _is_api(request):
        # The API's one error shape (frontdesk.core.api.errors).
        response: HttpResponse = JsonResponse({"non_field_errors": [message]}, status=503)
    else:
        # No request context: the context processors would query the database.
        html = loader.render_to_string("503.html", {"message": message})
        response = HttpResponse(html, status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


def outage_middleware(
    get_response: Callable[[HttpRequest], HttpResponse],
) -> Callable[[HttpRequest], HttpResponse]:
    """Turn a database outage met in a view into a 503 (in DEBUG too)."""

    def middleware(request: HttpRequest) -> HttpResponse:
        return get_response(request)

    def process_exception(request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if isinstance(exception, DATABASE_ERRORS):
            logger.warning("Database unreachable during %s: %s", request.path, exception)
            return unavailable(request)
        return None

    middleware.process_exception = process_exception  # type: ignore[attr-defined]
    return middleware


@requires_csrf_token
def server_error(request: HttpRequest) -> HttpResponse:
    """handler500: a database outage is a 503; any other failure a 500 in the caller's format."""
    error = sys.exc_info()[1]
    if isinstance(error, DATABASE_ERRORS):
        return unavailable(request)
    message = _("Something went wrong on our side; it has been logged.")
    if _is_api(request):
        return JsonResponse({"non_field_errors": [message]}, status=500)
    return HttpResponse(loader.render_to_string("500.html", {"message": message}), status=500)


def not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """handler404: "not found" in the user's language, as JSON under /api/ (like every
    other answer of the API), as a page elsewhere. The model's name is not told."""
    message = _("Not found. It may have been removed, or belong to another project.")
    if _is_api(request):
        return JsonResponse({"detail": message}, status=404)
    return HttpResponse(loader.render_to_string("404.html", {"message": message}), status=404)


class TolerantRedisCache(RedisCache):
    """Redis as the cache, but an unreachable Redis is a miss, not an error.

    Reads answer the default, writes are dropped. Throttling and cached pages
    work again as soon as Redis does.
    """

    _last_logged = 0.0

    def _failed(self, error: Exception) -> None:
        now = time.monotonic()
        if now - TolerantRedisCache._last_logged > 60:
            TolerantRedisCache._last_logged = now
            logger.warning("Redis cache unreachable; going on without it: %s", error)


def _tolerant(name: str, fallback: Callable[..., Any]) -> Callable[..., Any]:
    def method(self: TolerantRedisCache, *args: Any, **kwargs: Any) -> Any:
        try:
            return getattr(RedisCache, name)(self, *args, **kwargs)
        except Exception as error:  # redis.ConnectionError, TimeoutError, ...
            import redis

            if not isinstance(error, redis.RedisError):
                raise
            self._failed(error)
            return fallback(*args, **kwargs)

    method.__name__ = name
    return method


for _name, _fallback in {
    "get": lambda key, default=None, version=None: default,
    "get_many": lambda keys, version=None: {},
    "has_key": lambda key, version=None: False,
    "add": lambda *args, **kwargs: False,
    "set": lambda *args, **kwargs: None,
    "set_many": lambda data, *args, **kwargs: list(data),
    "touch": lambda *args, **kwargs: False,
    "delete": lambda *args, **kwargs: False,
    "delete_many": lambda *args, **kwargs: None,
    "incr": lambda key, delta=1, version=None: delta,
    "clear": lambda: None,
}.items():
    setattr(TolerantRedisCache, _name, _tolerant(_name, _fallback))
