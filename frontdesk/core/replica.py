"""The reports' reads on a PostgreSQL read replica, when the deployment has one.

With `REPORTS_DATABASE_URL` set (a streaming replica of the primary), the
settings add the database alias `reports` and `ReplicaRouter`. A selector
decorated with `reads_from_replica` then runs its queries there: the
aggregates of a month or a year (the complaint statistics so far, the
collection rates and their trend, arrears, the income statement) stay off the
primary that the desk writes to. Without it, everything reads the one
database, as before.

Only for reads that tolerate a replica's lag (a second or so): figures of
ended periods, or of the running month "so far". Writes never go there, and a
call inside a transaction of the primary reads the primary (a service's
figures must see its own rows). Pages and API views call these selectors
outside any transaction.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, transaction

REPORTS = "reports"

_on_replica: ContextVar[bool] = ContextVar("reads_on_reports_replica", default=False)


def reports_database() -> str:
    """The alias the reports read from: the replica if there is one, else the primary."""
    return REPORTS if REPORTS in settings.DATABASES else DEFAULT_DB_ALIAS


@contextmanager
def replica_reads() -> Iterator[None]:
    """Inside, reads go to the replica (when there is one and no transaction is open)."""
    if reports_database() == DEFAULT_DB_ALIAS or transaction.get_connection().in_atomic_block:
        yield
        return
    token = _on_replica.set(True)
    try:
        yield
    finally:
        _on_replica.reset(token)


def reads_from_replica[**P, R](function: Callable[P, R]) -> Callable[P, R]:
    """Run a selector's queries on the replica. It must return evaluated results (a list,
    figures), not a lazy QuerySet, which would run later on the primary."""

    @functools.wraps(function)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        with replica_reads():
            return function(*args, **kwargs)

    return wrapper


class ReplicaRouter:
    """Reads inside `replica_reads()` to the `reports` alias; everything else as usual."""

    def db_for_read(self, model: type[Any], **hints: Any) -> str | None:
        return REPORTS if _on_replica.get() else None

    def db_for_write(self, model: type[Any], **hints: Any) -> str | None:
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1: Any, obj2: Any, **hints: Any) -> bool | None:
        # The replica holds the primary's rows: a row read there may point at one read here.
        return {obj1._state.db, obj2._state.db} <= {DEFAULT_DB_ALIAS, REPORTS} or None

    def allow_migrate(self, db: str, app_label: str, **hints: Any) -> bool | None:
        return False if db == REPORTS else None
