"""The audit of personal data read in full: writes and the supervisor's list.

An ID number is masked on every page and in every answer; showing one in full
is its own action, and each showing is one row here. Call `id_number_read`
inside the showing's transaction: the row exists if and only if the number
was shown.
"""

from typing import Any

from django.db.models import QuerySet

from .models import IdNumberRead
from .scoping import scope


def id_number_read(
    *,
    user: Any,
    project_id: int,
    person_id: int,
    person_name: str,
    channel: str,
    source: str,
) -> IdNumberRead:
    """Record that `user` was shown a person's ID number in full, from `source`."""
    return IdNumberRead.objects.create(
        user=user,
        project_id=project_id,
        person_id=person_id,
        person_name=person_name[:100],
        channel=channel,
        source=source[:300],
    )


def id_number_reads(*, user: Any) -> QuerySet[IdNumberRead]:
    """The reads of the user's projects, newest first, with who read and the project."""
    return scope(IdNumberRead.objects.select_related("user", "project"), user).order_by("-id")
