"""`manage.py sweep_deadlines`: a sweep now, or a dry run as of a moment that acts on nothing."""

import datetime as dt
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import translation

from frontdesk.core.deadlines import deadline_open
from frontdesk.core.models import DeadlineEvent, Notification
from frontdesk.core.roles import Role
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

SH = ZoneInfo("Asia/Shanghai")


def at(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text).replace(tzinfo=SH)


@pytest.fixture
def breach(project, household, desk_user):
    """A butler's 4-hour reply opened at 09:00 on a working Monday, due within the afternoon."""
    UserFactory(role=Role.SUPERVISOR, projects=[project], username="sup1")
    UserFactory(role=Role.MANAGER, projects=[project], username="man1")
    return deadline_open(
        subject=household,
        project=project,
        kind="complaint.butler_reply",
        start=at("2026-11-23T09:00"),
        responsible=desk_user,
    )


def run(*args: str) -> str:
    """The command's output, in English (the words asserted below)."""
    out = StringIO()
    with translation.override("en"):
        call_command("sweep_deadlines", *args, stdout=out)
    return out.getvalue()


def test_dry_run_lists_the_breach_and_changes_nothing(breach, project):
    """A dry run after the due time names the breach, writes no event and notifies nobody."""
    output = run("--dry-run", "--at", "2026-11-23 17:00", "--project", project.code)
    lines = output.splitlines()
    assert f"{len(lines) - 1} stages would be acted on" in lines[0]
    # The warning is skipped once the deadline has passed, as the sweep skips it.
    assert [line.split("\t")[2] for line in lines[1:]][:1] == ["overdue"]
    assert all(line.split("\t")[1] == project.code for line in lines[1:])
    assert breach.subject_label in lines[1]
    assert DeadlineEvent.objects.count() == 0
    assert Notification.objects.count() == 0
    breach.refresh_from_db()
    assert breach.stage == 0 and breach.marked_overdue_at is None


def test_dry_run_before_the_due_time_lists_nothing(breach):
    """Before the due time only the warning is listed, never the breach."""
    output = run("--dry-run", "--at", "2026-11-23 10:00")
    assert output.splitlines()[1:] == []
    output = run("--dry-run", "--at", breach.warn_at.astimezone(SH).strftime("%Y-%m-%d %H:%M"))
    assert [line.split("\t")[2] for line in output.splitlines()[1:]] == ["warning"]


def test_dry_run_then_real_sweep_act_on_the_same_stages(breach):
    """What the dry run lists at a moment is exactly what the sweep then acts on."""
    moment = at("2026-11-25T09:00")
    listed = run("--dry-run", "--at", "2026-11-25 09:00").splitlines()[1:]
    planned = [line.split("\t")[2] for line in listed]
    with time_machine.travel(moment, tick=False):
        output = run()
    acted = list(DeadlineEvent.objects.order_by("id").values_list("stage", flat=True))
    assert planned == acted and "overdue" in acted
    assert f"{len(acted)} stages acted on" in output
    assert run("--dry-run", "--at", "2026-11-25 09:00").splitlines()[1:] == []


def test_at_without_dry_run_is_refused(breach):
    """A real sweep acts as of now only: --at without --dry-run is an error, nothing done."""
    with pytest.raises(CommandError):
        run("--at", "2026-11-25 09:00")
    with pytest.raises(CommandError):
        run("--dry-run", "--at", "not a time")
    with pytest.raises(CommandError):
        run("--dry-run", "--project", "nope")
    assert DeadlineEvent.objects.count() == 0
