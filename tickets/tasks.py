"""Celery tasks of the work orders: thin adapters over `tickets.jobs`, safe to run twice.

Their beat entries are in settings.CELERY_BEAT_SCHEDULE (crontab in the
project's time zone, Asia/Shanghai). Each job reads what is due from the
database, so a tick beat missed is made up by the next one, and a tick sent
twice (two beats, a redelivered message) does the work once.
"""

from __future__ import annotations

from typing import Any

from celery import shared_task
from django.utils import timezone

from . import jobs


# acks_late on all of them: each is idempotent, so a task lost with a crashed
# worker is better run again than dropped.
@shared_task(acks_late=True, ignore_result=True)
def list_contract_visits() -> int:
    """Put today's and tomorrow's monthly-contract visits on the desk's list."""
    return jobs.contract_visits_list(day=timezone.localdate())


@shared_task(acks_late=True, ignore_result=True)
def end_of_day_unreturned() -> int:
    """Tell the desk which free orders are not back today, for the next shift."""
    return jobs.end_of_day_unreturned(day=timezone.localdate(), now=timezone.now())


@shared_task(acks_late=True, ignore_result=True)
def weekly_summaries() -> int:
    """The manager's weekly summary and the supervisors' week-old complaints."""
    return jobs.weekly_summaries(day=timezone.localdate(), now=timezone.now())


@shared_task(acks_late=True, ignore_result=True)
def complaint_reports() -> list[Any]:
    """Issue the monthly complaint statistics of every complete period still missing."""
    return jobs.complaint_reports(now=timezone.now())
