"""Celery tasks of the shared core: thin adapters over services, safe to run twice.

The deadline sweep runs from Celery beat every minute (settings.CELERY_BEAT_SCHEDULE,
"deadlines-sweep"). There must be exactly one beat process per deployment:
beat keeps no lock, so two beats each send every entry and the sweep runs
twice as often. The sweep survives that (each breach is acted on once,
whatever overlaps), but scheduled jobs that are not sweeps, such as a
report produced on a given day, would be asked for twice; and a beat that
was down simply skips the ticks it missed, which is why every job reads its
work from the database (what is due, what is missing) instead of trusting
that each tick arrived. Workers, on the other hand, may run as many
processes on as many machines as needed.

Nothing is ever scheduled per deadline with a countdown or an ETA: on Redis
a message delayed past the visibility timeout is delivered again and again.
Due times live in the database and the sweep reads them.
"""

from __future__ import annotations

from typing import Any

from celery import shared_task
from django.utils import timezone

from .deadlines import deadline_sweep
from .idempotency import submissions_forget
from .notifications import notification_send_due


# acks_late: the sweep is idempotent (stage rows are unique), so a task lost with
# a crashed worker is better run again than dropped.
@shared_task(acks_late=True, ignore_result=True)
def sweep_deadlines() -> dict[str, Any]:
    """Act on the deadlines due, then e-mail the notifications whose time has come."""
    now = timezone.now()
    result = deadline_sweep(now=now)
    sent = notification_send_due(now=now)
    return {
        "deadlines": result.deadlines,
        "events": result.events,
        "notifications": result.notifications,
        "emails": sent,
    }


# acks_late: each e-mail is sent under a row lock and marked sent in the same
# transaction; a rerun sends only what is still pending.
@shared_task(acks_late=True, ignore_result=True)
def send_notifications() -> int:
    """E-mail the notifications whose delivery time has come (queued after a commit)."""
    return notification_send_due(now=timezone.now())


@shared_task(ignore_result=True)
def forget_submissions() -> int:
    """Drop remembered API writes and form tokens past their time (daily)."""
    return submissions_forget()
