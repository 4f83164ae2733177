"""Celery tasks of the desk's records: thin adapters over the services, safe to run twice.

Their beat entries are in settings.CELERY_BEAT_SCHEDULE.
"""

from __future__ import annotations

import datetime as dt

from celery import shared_task
from django.utils import timezone

from . import services


@shared_task(acks_late=True, ignore_result=True)
def announce_unsigned_days() -> int:
    """Tell the supervisors which projects' yesterday is still unsigned."""
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    return services.reviews_announce_unsigned(day=yesterday, now=timezone.now())
