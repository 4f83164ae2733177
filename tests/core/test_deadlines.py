"""Deadlines: due times from rules and calendars, and the sweep that enforces them."""

import datetime as dt
import threading
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail
from django.db import connection
from django.utils import translation

from frontdesk.core.deadlines import (
    deadline_cancel,
    deadline_list,
    deadline_meet,
    deadline_open,
    deadline_pause,
    deadline_reassign,
    deadline_resume,
    deadline_sweep,
    deadlines_of,
)
from frontdesk.core.errors import ApplicationError
from frontdesk.core.models import (
    CalendarDay,
    CalendarDayKind,
    Counting,
    Deadline,
    DeadlineEvent,
    DeadlineMode,
    DeadlinePolicy,
    DeadlineRule,
    Notification,
    StaffProfile,
)
from frontdesk.core.notifications import Topic, notification_unread_count
from frontdesk.core.roles import Role
from tests.factories import HouseholdFactory, ProjectFactory, UserFactory

SH = ZoneInfo("Asia/Shanghai")


def at(day: str, hm: str) -> dt.datetime:
    return dt.datetime.fromisoformat(f"{day}T{hm}").replace(tzinfo=SH)


def sweep_at(moment: dt.datetime):
    with time_machine.travel(moment, tick=False):
        return deadline_sweep()


TOPIC = {
    "Due soon": Topic.DEADLINE_DUE_SOON,
    "Overdue": Topic.DEADLINE_OVERDUE,
    "Escalated": Topic.DEADLINE_ESCALATED,
}


def notices(user, stage=""):
    """A user's notices of one stage ("Overdue", "Escalated", "Due soon") or all, oldest first."""
    qs = Notification.objects.filter(user=user).order_by("id")
    return list(qs.filter(topic=TOPIC[stage]) if stage else qs)


def stages(user):
    return [n.topic for n in notices(user)]


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    """Staff are created by the handful here; a slow password hash is not what is tested."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def manager(project):
    return UserFactory(role=Role.MANAGER, projects=[project], username="manager1")


@pytest.fixture
def staff(butler, supervisor, manager, desk_user):
    butler.email = "butler@example.com"
    butler.save()
    supervisor.email = "supervisor@example.com"
    supervisor.save()
    StaffProfile.objects.create(user=supervisor, language="en")
    return {"butler": butler, "supervisor": supervisor, "manager": manager, "desk": desk_user}


pytestmark = pytest.mark.django_db


# --- Due at the right minute -------------------------------------------------------------


def test_wall_clock_commitment_is_overdue_at_its_minute_not_before(project, household, staff):
    """A 30-minute commitment opened at 22:50 is overdue at 23:20, and not at 23:19."""
    d = deadline_open(
        subject=household,
        project=project,
        kind="commitment.general",
        start=at("2026-11-23", "22:50"),
        responsible=staff["desk"],
    )
    assert d.due_at == at("2026-11-23", "23:20")
    sweep_at(at("2026-11-23", "23:19"))
    d.refresh_from_db()
    assert d.marked_overdue_at is None
    assert not d.is_overdue(at("2026-11-23", "23:19"))
    sweep_at(at("2026-11-23", "23:20"))
    d.refresh_from_db()
    assert d.marked_overdue_at == at("2026-11-23", "23:20")
    assert d.is_overdue(at("2026-11-23", "23:20"))
    assert list(d.events.values_list("stage", flat=True)) == ["overdue"]


def test_overdue_notice_at_night_waits_for_working_time(project, household, staff):
    """The desk learns of a breach at 23:20 when work starts at 08:30, not at midnight."""
    deadline_open(
        subject=household,
        project=project,
        kind="commitment.general",
        start=at("2026-11-23", "22:50"),
        responsible=staff["desk"],
    )
    sweep_at(at("2026-11-23", "23:25"))
    assert notification_unread_count(user=staff["desk"], now=at("2026-11-24", "08:29")) == 0
    assert notification_unread_count(user=staff["desk"], now=at("2026-11-24", "08:30")) == 1


def test_emergency_notice_goes_out_at_night(project, household, staff):
    """An emergency commitment's breach is delivered at once, whatever the hour."""
    deadline_open(
        subject=household,
        project=project,
        kind="commitment.emergency",
        start=at("2026-11-23", "23:00"),
        responsible=staff["butler"],
    )
    sweep_at(at("2026-11-23", "23:15"))
    assert notification_unread_count(user=staff["butler"], now=at("2026-11-23", "23:15")) == 1


def test_working_time_butler_reply_skips_the_lunch_break(project, household, staff):
    """4 working hours from 10:00 on Monday end at 15:30: overdue then, not at 14:00."""
    d = deadline_open(
        subject=household,
        project=project,
        kind="complaint.butler_reply",
        start=at("2026-11-23", "10:00"),
        responsible=staff["butler"],
    )
    assert d.due_at == at("2026-11-23", "15:30")
    sweep_at(at("2026-11-23", "15:29"))
    assert not notices(staff["butler"], "Overdue")
    sweep_at(at("2026-11-23", "15:30"))
    assert len(notices(staff["butler"], "Overdue")) == 1


def test_working_time_butler_reply_crosses_the_weekend(project, household, staff):
    """A complaint given to the butler on Friday at 16:00 is due on Monday at 11:00."""
    d = deadline_open(
        subject=household,
        project=project,
        kind="complaint.butler_reply",
        start=at("2026-11-27", "16:00"),
        responsible=staff["butler"],
    )
    assert d.due_at == at("2026-11-30", "11:00")
    sweep_at(at("2026-11-29", "12:00"))
    assert not DeadlineEvent.objects.filter(stage="overdue").exists()
    sweep_at(at("2026-11-30", "11:00"))
    assert DeadlineEvent.objects.filter(deadline=d, stage="overdue").count() == 1


def test_callback_after_hours_before_a_holiday_is_due_the_next_working_day(
    project, household, staff
):
    """Work finished on the evening before National Day is called back by the end of 2 October."""
    CalendarDay.objects.create(
        project=project, date=dt.date(2026, 10, 1), kind=CalendarDayKind.HOLIDAY
    )
    d = deadline_open(
        subject=household,
        project=project,
        kind="order.callback",
        start=at("2026-09-30", "19:00"),
        responsible_role=Role.DESK,
    )
    assert d.due_at == at("2026-10-02", "17:30")
    sweep_at(at("2026-10-01", "17:30"))
    assert not notices(staff["desk"], "Overdue")
    sweep_at(at("2026-10-02", "17:30"))
    assert len(notices(staff["desk"], "Overdue")) == 1


def test_free_order_finished_on_a_makeup_saturday_is_due_that_evening(project, household, staff):
    """On a make-up working Saturday (调休) a free order must be back by that day's end."""
    CalendarDay.objects.create(
        project=project, date=dt.date(2026, 11, 28), kind=CalendarDayKind.WORKDAY
    )
    d = deadline_open(
        subject=household,
        project=project,
        kind="order.return_free",
        start=at("2026-11-28", "09:00"),
        responsible=staff["desk"],
    )
    assert d.due_at == at("2026-11-28", "17:30")
    sweep_at(at("2026-11-28", "17:30"))
    d.refresh_from_db()
    assert d.marked_overdue_at == at("2026-11-28", "17:30")


def test_project_rule_replaces_the_default_duration(project, household, staff):
    """A project giving its butlers 2 wall-clock hours overrides the default 4 working hours."""
    DeadlineRule.objects.create(
        project=project,
        kind="complaint.butler_reply",
        mode=DeadlineMode.DURATION,
        minutes=120,
        counting=Counting.WALL,
    )
    d = deadline_open(
        subject=household,
        project=project,
        kind="complaint.butler_reply",
        start=at("2026-11-23", "11:00"),
        responsible=staff["butler"],
    )
    assert d.due_at == at("2026-11-23", "13:00")


def test_unknown_kind_is_refused(project, household, staff):
    """A kind with neither a default nor a project rule is a field error."""
    with pytest.raises(ApplicationError) as refused:
        deadline_open(
            subject=household, project=project, kind="no.such.kind", responsible=staff["desk"]
        )
    assert "kind" in refused.value.fields


# --- Warnings and escalation ---------------------------------------------------------------


def test_warning_then_breach_then_escalation_chain(project, household, staff):
    """Butler warned 30 min before and told at the breach; supervisor, then manager, after."""
    deadline_open(
        subject=household,
        project=project,
        kind="complaint.butler_reply",
        start=at("2026-11-23", "10:00"),
        responsible=staff["butler"],
    )
    sweep_at(at("2026-11-23", "15:00"))
    assert stages(staff["butler"]) == [Topic.DEADLINE_DUE_SOON]
    sweep_at(at("2026-11-23", "15:30"))
    sweep_at(at("2026-11-23", "16:29"))
    assert not notices(staff["supervisor"])
    sweep_at(at("2026-11-23", "16:30"))
    assert len(notices(staff["supervisor"], "Escalated")) == 1
    assert not notices(staff["manager"])
    sweep_at(at("2026-11-23", "17:30"))
    assert len(notices(staff["manager"], "Escalated")) == 1
    assert stages(staff["butler"]) == [Topic.DEADLINE_DUE_SOON, Topic.DEADLINE_OVERDUE]


def test_escalation_goes_to_the_roles_of_the_projects_chain_only(project, household, staff):
    """Escalation follows the project's own chain; another project's supervisor hears nothing."""
    other = ProjectFactory(code="north")
    stranger = UserFactory(role=Role.SUPERVISOR, projects=[other])
    DeadlinePolicy.objects.create(
        project=project, escalation_roles="manager", escalate_after_minutes=10
    )
    deadline_open(
        subject=household,
        project=project,
        kind="commitment.general",
        start=at("2026-11-23", "09:00"),
        responsible=staff["desk"],
    )
    sweep_at(at("2026-11-23", "09:40"))
    assert len(notices(staff["manager"], "Escalated")) == 1
    assert not notices(staff["supervisor"]) and not notices(stranger)


def test_roles_decide_who_is_emailed(project, household, staff, settings):
    """The butler's breach and the supervisor's escalation are e-mailed; nothing else is."""
    deadline_open(
        subject=household,
        project=project,
        kind="complaint.butler_reply",
        start=at("2026-11-23", "10:00"),
        responsible=staff["butler"],
    )
    with time_machine.travel(at("2026-11-23", "16:40"), tick=False):
        from frontdesk.core.tasks import sweep_deadlines

        sweep_deadlines()
    assert sorted(m.to[0] for m in mail.outbox) == ["butler@example.com", "supervisor@example.com"]
    # Each in their own language: the supervisor reads English.
    assert next(m.subject for m in mail.outbox if m.to == ["supervisor@example.com"]).startswith(
        "Escalated: Butler's reply to the desk"
    )


# --- Exactly once ----------------------------------------------------------------------------


def test_sweeping_again_acts_on_nothing_twice(project, household, staff):
    """A sweep run three times after a breach leaves one breach notice and one escalation."""
    deadline_open(
        subject=household,
        project=project,
        kind="commitment.general",
        start=at("2026-11-23", "09:00"),
        responsible=staff["desk"],
    )
    for _ in range(3):
        sweep_at(at("2026-11-23", "10:40"))
    assert len(notices(staff["desk"], "Overdue")) == 1
    assert len(notices(staff["supervisor"], "Escalated")) == 1
    assert DeadlineEvent.objects.count() == 2


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_sweeps_at_once_act_on_each_breach_once(project, staff):
    """Two sweeps started together on PostgreSQL notify once and escalate once per breach."""
    households = [
        HouseholdFactory(unit__building__project=project, project=project) for _ in range(40)
    ]
    for household in households:
        deadline_open(
            subject=household,
            project=project,
            kind="commitment.general",
            start=at("2026-11-23", "09:00"),
            responsible=staff["desk"],
        )
    barrier = threading.Barrier(2)
    errors: list[BaseException] = []

    def run():
        try:
            barrier.wait()
            deadline_sweep(now=at("2026-11-23", "10:40"), batch=7)
        except BaseException as error:  # reported by the assertion below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert len(notices(staff["desk"], "Overdue")) == 40
    assert len(notices(staff["supervisor"], "Escalated")) == 40
    assert DeadlineEvent.objects.filter(stage="overdue").count() == 40


# --- Met, paused, cancelled ---------------------------------------------------------------------


def test_nothing_happens_after_the_deadline_is_met(project, household, staff):
    """A reply given in time closes the deadline at once: no warning, breach or escalation later."""
    d = deadline_open(
        subject=household,
        project=project,
        kind="complaint.butler_reply",
        start=at("2026-11-23", "10:00"),
        responsible=staff["butler"],
    )
    deadline_meet(
        subject=household,
        kind="complaint.butler_reply",
        by=staff["butler"],
        at=at("2026-11-23", "11:00"),
    )
    sweep_at(at("2026-11-24", "17:00"))
    d.refresh_from_db()
    assert d.met_at == at("2026-11-23", "11:00") and not d.is_overdue(at("2026-11-24", "17:00"))
    assert not Notification.objects.exists()
    assert deadline_meet(subject=household, kind="complaint.butler_reply") is None


def test_met_late_counts_as_overdue(project, household, staff):
    """A reply given after the due time is recorded met, and late."""
    d = deadline_open(
        subject=household,
        project=project,
        kind="commitment.general",
        start=at("2026-11-23", "09:00"),
        responsible=staff["desk"],
    )
    deadline_meet(subject=household, kind="commitment.general", at=at("2026-11-23", "09:45"))
    d.refresh_from_db()
    assert d.is_overdue(at("2026-11-23", "10:00"))


def test_pause_and_resume_push_the_due_time_by_the_paused_time(project, household, staff):
    """Paused 26 hours, a wall-clock deadline is due 26 hours later, and not overdue meanwhile."""
    d = deadline_open(
        subject=household,
        project=project,
        kind="complaint.answer",
        start=at("2026-11-23", "10:00"),
        responsible=staff["desk"],
    )
    assert d.due_at == at("2026-11-26", "10:00")
    deadline_pause(
        subject=household,
        kind="complaint.answer",
        reason="等业主回电",
        at=at("2026-11-25", "10:00"),
    )
    sweep_at(at("2026-11-26", "12:00"))
    assert not DeadlineEvent.objects.exists()
    deadline_resume(subject=household, kind="complaint.answer", at=at("2026-11-26", "12:00"))
    d.refresh_from_db()
    assert d.due_at == at("2026-11-27", "12:00")
    assert d.pauses.get().reason == "等业主回电"
    sweep_at(at("2026-11-27", "11:59"))
    assert not DeadlineEvent.objects.filter(stage="overdue").exists()
    sweep_at(at("2026-11-27", "12:00"))
    assert DeadlineEvent.objects.filter(stage="overdue").count() == 1


def test_working_time_pause_over_the_weekend_keeps_the_remaining_working_time(
    project, household, staff
):
    """Paused Friday 16:00 with 1.5 working hours left, resumed Monday 10:00: due Monday 11:30."""
    deadline_open(
        subject=household,
        project=project,
        kind="complaint.butler_reply",
        start=at("2026-11-27", "13:30"),
        responsible=staff["butler"],
    )
    deadline_pause(
        subject=household,
        kind="complaint.butler_reply",
        reason="等配件",
        at=at("2026-11-27", "16:00"),
    )
    d = deadline_resume(
        subject=household, kind="complaint.butler_reply", at=at("2026-11-30", "10:00")
    )
    assert d.due_at == at("2026-11-30", "11:30")


def test_pause_needs_a_reason(project, household, staff):
    """A pause without a reason is refused and the clock keeps running."""
    deadline_open(
        subject=household, project=project, kind="complaint.answer", responsible=staff["desk"]
    )
    with pytest.raises(ApplicationError):
        deadline_pause(subject=household, kind="complaint.answer", reason=" ")
    assert Deadline.objects.get().paused_at is None


def test_cancelled_deadline_is_never_acted_on(project, household, staff):
    """A voided order's deadline is cancelled with its reason and the sweep leaves it alone."""
    deadline_open(
        subject=household,
        project=project,
        kind="commitment.general",
        start=at("2026-11-23", "09:00"),
        responsible=staff["desk"],
    )
    deadline_cancel(
        subject=household,
        kind="commitment.general",
        reason="工单作废",
        at=at("2026-11-23", "09:10"),
    )
    sweep_at(at("2026-11-23", "12:00"))
    assert not DeadlineEvent.objects.exists()
    assert Deadline.objects.get().cancel_reason == "工单作废"


def test_opening_twice_keeps_one_open_deadline(project, household, staff):
    """A caller that runs twice opens one deadline, with the first due time."""
    first = deadline_open(
        subject=household,
        project=project,
        kind="complaint.answer",
        start=at("2026-11-23", "10:00"),
        responsible=staff["desk"],
    )
    second = deadline_open(
        subject=household,
        project=project,
        kind="complaint.answer",
        start=at("2026-11-23", "11:00"),
        responsible=staff["desk"],
    )
    assert first.pk == second.pk and deadlines_of(household).count() == 1


def test_warranty_report_recurs_every_working_day(project, household, staff):
    """Meeting Friday's warranty progress report makes Monday's due; cancelling ends the chain."""
    deadline_open(
        subject=household,
        project=project,
        kind="warranty.progress_report",
        start=at("2026-11-27", "09:00"),
        responsible=staff["desk"],
    )
    deadline_meet(subject=household, kind="warranty.progress_report", at=at("2026-11-27", "16:00"))
    assert [d.due_at for d in deadlines_of(household)] == [
        at("2026-11-27", "17:30"),
        at("2026-11-30", "17:30"),
    ]
    deadline_cancel(subject=household, kind="warranty.progress_report", reason="返修完成")
    assert not deadlines_of(household).filter(state="open").exists()


# --- Catch-up and cost ---------------------------------------------------------------------------


def test_sweep_after_an_outage_catches_up_once(project, household, staff):
    """After two days without sweeps, breach and both escalations are acted on once, no warning."""
    deadline_open(
        subject=household,
        project=project,
        kind="complaint.butler_reply",
        start=at("2026-11-23", "10:00"),
        responsible=staff["butler"],
    )
    sweep_at(at("2026-11-25", "09:00"))
    sweep_at(at("2026-11-25", "09:01"))
    assert stages(staff["butler"]) == [Topic.DEADLINE_OVERDUE]
    assert len(notices(staff["supervisor"], "Escalated")) == 1
    assert len(notices(staff["manager"], "Escalated")) == 1


def test_sweep_reads_only_what_is_due(project, staff, django_assert_max_num_queries):
    """Deadlines not yet due cost the sweep nothing: the same queries with 0 or 60 of them."""
    for _ in range(60):
        deadline_open(
            subject=HouseholdFactory(unit__building__project=project, project=project),
            project=project,
            kind="complaint.answer",
            start=at("2026-11-23", "10:00"),
            responsible=staff["desk"],
        )
    with django_assert_max_num_queries(3):
        result = deadline_sweep(now=at("2026-11-23", "12:00"))
    assert result.deadlines == 0


def test_sweep_cost_per_due_deadline_is_fixed(project, staff, django_assert_max_num_queries):
    """Who to tell is read once per sweep: 30 breached promises of one project cost the sweep
    at most five queries each (a savepoint and its release, the notice, the event, the
    deadline), plus a
    fixed few for the run, and each still notifies its clerk."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def breach(n: int) -> int:
        for _ in range(n):
            deadline_open(
                subject=HouseholdFactory(unit__building__project=project, project=project),
                project=project,
                kind="commitment.general",
                start=at("2026-11-23", "09:00"),
                responsible=staff["desk"],
            )
        with CaptureQueriesContext(connection) as queries:
            # Half an hour after the promise broke: the overdue stage of each, no escalation.
            result = deadline_sweep(now=at("2026-11-23", "10:00"))
        assert result.deadlines == n and result.notifications >= n
        return len(queries)

    ten, forty = breach(10), breach(30)
    assert (forty - ten) / 20 <= 5, (ten, forty)
    assert ten <= 10 * 5 + 12, ten


def test_overdue_list_shows_only_the_users_projects(
    project, other_project, household, staff, other_desk_user
):
    """A desk user's overdue list holds their project's broken promises, not another's."""
    deadline_open(
        subject=household,
        project=project,
        kind="commitment.general",
        start=at("2026-11-23", "09:00"),
        responsible=staff["desk"],
    )
    now = at("2026-11-23", "10:00")
    assert deadline_list(user=staff["desk"], overdue=True, now=now).count() == 1
    assert deadline_list(user=staff["desk"], overdue=False, now=now).count() == 0
    assert deadline_list(user=other_desk_user, overdue=True, now=now).count() == 0


def test_api_shape_of_a_deadline(project, household, staff):
    """An order's deadline reads in the API with its due and met times and whether it is overdue."""
    from frontdesk.core.api.deadlines import DeadlineSerializer

    with time_machine.travel(at("2026-11-23", "10:00"), tick=False):
        d = deadline_open(
            subject=household, project=project, kind="commitment.general", responsible=staff["desk"]
        )
    with time_machine.travel(at("2026-11-23", "10:31"), tick=False), translation.override("en"):
        data = DeadlineSerializer(d).data
    assert data["due_at"].startswith("2026-11-23T10:30")
    assert data["met_at"] is None and data["overdue"] is True
    assert data["label"] == "Commitment to the resident (general matter)"


def test_reassigned_deadline_keeps_its_time_and_is_not_notified_twice(project, household, staff):
    """A breached order handed to another worker keeps its due time and is not notified again."""
    d = deadline_open(
        subject=household,
        project=project,
        kind="order.return_paid",
        start=at("2026-11-23", "09:00"),
        responsible=staff["desk"],
    )
    sweep_at(at("2026-11-23", "11:00"))
    deadline_reassign(subject=household, kind="order.return_paid", responsible=staff["butler"])
    sweep_at(at("2026-11-23", "11:01"))
    assert Deadline.objects.get(pk=d.pk).due_at == d.due_at
    assert len(notices(staff["desk"], "Overdue")) == 1
    assert notices(staff["butler"], "Overdue") == []
    assert len(notices(staff["supervisor"], "Escalated")) == 0
    sweep_at(at("2026-11-23", "13:30"))
    assert len(notices(staff["supervisor"], "Escalated")) == 1
