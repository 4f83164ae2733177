"""Celery tasks of the registers: thin adapters over the services, safe to run twice.

Their beat entries are in settings.CELERY_BEAT_SCHEDULE.
"""

from __future__ import annotations

from celery import shared_task
from django.utils import timezone

from .services.parcels import parcels_send_daily_lists


@shared_task(acks_late=True, ignore_result=True)
def send_parcel_daily_lists() -> list[str]:
    """Send each project's daily mail list to its area staff once its time has come today."""
    return parcels_send_daily_lists(now=timezone.now())
