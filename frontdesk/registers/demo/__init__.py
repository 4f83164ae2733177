"""Demo entries of every register, so that the pages show something on the first run."""

from importlib import import_module
from typing import Any

from django.db.models import F
from django.utils import timezone

from frontdesk.core.models import Notification

from .. import REGISTERS


def load(data: Any) -> None:
    now = timezone.now()
    for register in REGISTERS:
        module = import_module(f"{__name__}.{register}")
        if hasattr(module, "load"):
            module.load(data)
    # What the registers' past told people (a rectification order two days ago, a document
    # for the manager last week) was read at the time, as the rest of the demo's past is.
    Notification.objects.filter(created_at__lt=now, read_at__isnull=True).update(
        read_at=F("deliver_at")
    )
