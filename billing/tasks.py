"""Celery tasks of fees: thin adapters over `billing.services`, safe to run twice.

The beat entry (settings.CELERY_BEAT_SCHEDULE, "monthly-bill-run") runs on the
1st of each month and queues one run per active project for the month just
ended; a run repeated or made up later creates nothing new.
"""

from __future__ import annotations

import datetime as dt

from celery import shared_task
from django.utils import timezone

from frontdesk.core.models import Project
from frontdesk.core.queueing import enqueue

from . import services


@shared_task(acks_late=True, ignore_result=True)
def monthly_bill_runs() -> int:
    """Queue the bill run of last month for every active project."""
    last_month = timezone.localdate().replace(day=1) - dt.timedelta(days=1)
    ids = list(Project.objects.filter(is_active=True).values_list("pk", flat=True))
    for project_id in ids:
        if not enqueue("billing.tasks.bill_run", project_id, last_month.isoformat()):
            bill_run(project_id, last_month.isoformat())  # the broker is down: run it here
    return len(ids)


@shared_task(acks_late=True, ignore_result=True)
def bill_run(project_id: int, month: str) -> int:
    """Run the bills of one project's month (any day of it, ISO date); answers bills created."""
    project = Project.objects.get(pk=project_id)
    result = services.bill_run(project=project, month=dt.date.fromisoformat(month))
    return result.created
