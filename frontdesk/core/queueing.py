"""Queueing background work without letting a broker outage undo the desk's answer.

Every service that hands work to the Celery worker goes through `enqueue_on_commit`
(or `enqueue`). The work queued this way is only ever a head start: the periodic
sweep finds the same work in the database (what is due, what is pending) and does
it anyway. So when the broker cannot be reached, a write that committed still
answers success; the failure is logged once per outage, not shown to the user.

Tasks are named by their dotted path (the name shared_task gives them), so a
service does not import the tasks module that imports it back.
"""

from __future__ import annotations

import importlib
import logging
import threading
from typing import Any

from celery import current_app
from django.db import transaction
from kombu.exceptions import KombuError

logger = logging.getLogger(__name__)

# What a publish raises when the broker is down or refuses the connection.
BROKER_ERRORS: tuple[type[BaseException], ...] = (KombuError, OSError)

_state = threading.Lock()
_broker_down = False


def enqueue(task_name: str, *args: Any, **kwargs: Any) -> bool:
    """Send `task_name` to the worker now; False (logged, not raised) if the broker is down.

    Only for work the sweep also does: nothing is lost if this returns False.
    """
    global _broker_down
    if task_name not in current_app.tasks:
        # A task's name is its dotted path: importing its module registers it (at
        # call time, so the service that names it does not import it).
        importlib.import_module(task_name.rsplit(".", 1)[0])
    try:
        current_app.tasks[task_name].apply_async(args=args, kwargs=kwargs)
    except BROKER_ERRORS as error:
        with _state:
            first, _broker_down = not _broker_down, True
        if first:
            logger.warning(
                "Celery broker unreachable: %s not queued; the periodic sweep will do the "
                "work when the broker is back (%s)",
                task_name,
                error,
            )
        else:
            logger.debug("Celery broker still unreachable: %s not queued", task_name)
        return False
    with _state:
        recovered, _broker_down = _broker_down, False
    if recovered:
        logger.info("Celery broker reachable again")
    return True


def enqueue_on_commit(task_name: str, *args: Any, **kwargs: Any) -> None:
    """Send `task_name` after the current transaction commits (nothing if it rolls back).

    The same task with the same arguments is queued once per transaction, however
    many rows of it the transaction writes.
    """
    key = (task_name, args, tuple(sorted(kwargs.items())))
    connection = transaction.get_connection()
    if connection.in_atomic_block:
        for _savepoints, callback, _robust in connection.run_on_commit:
            if getattr(callback, "queued_task", None) == key:
                return

    def send() -> None:
        enqueue(task_name, *args, **kwargs)

    send.queued_task = key  # type: ignore[attr-defined]
    transaction.on_commit(send)
