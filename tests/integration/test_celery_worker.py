"""A real Celery worker and beat, against Redis and PostgreSQL, enforce deadlines."""

import datetime as dt

import pytest
from django.utils import timezone

from frontdesk.core.deadlines import deadline_open
from frontdesk.core.models import DeadlineEvent, Notification
from frontdesk.core.notifications import Topic

pytestmark = [pytest.mark.celery_worker, pytest.mark.postgres]


def test_worker_and_beat_act_on_a_breach_once(
    celery_processes, project, household, desk_user, supervisor
):
    """A deadline past due is marked overdue, its owner told and the supervisor escalated to."""
    deadline = deadline_open(
        subject=household,
        project=project,
        kind="commitment.emergency",
        start=timezone.now() - dt.timedelta(hours=3),
        responsible=desk_user,
    )
    celery_processes.start()

    def escalated() -> bool:
        return DeadlineEvent.objects.filter(deadline=deadline, stage="escalation-1").exists()

    assert celery_processes.wait_for(escalated, timeout=60), celery_processes.logs()
    # Beat keeps sending sweeps every second; each breach stays acted on once.
    celery_processes.keep_running(seconds=3)
    deadline.refresh_from_db()
    assert deadline.marked_overdue_at is not None
    assert DeadlineEvent.objects.filter(deadline=deadline, stage="overdue").count() == 1
    assert Notification.objects.filter(user=desk_user, topic=Topic.DEADLINE_OVERDUE).count() == 1
    assert Notification.objects.filter(user=supervisor, topic=Topic.DEADLINE_ESCALATED).count() == 1
    # Three hours late: both steps of the default chain (supervisor, then manager) are done.
    assert deadline.stage == 4 and deadline.next_action_at is None
