"""The supervisor keeps each project's working calendar and deadline rules in the admin."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from frontdesk.core.deadlines import deadline_open, rule_for
from frontdesk.core.models import CalendarDay, DeadlinePolicy, DeadlineRule
from frontdesk.core.roles import Role
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
SH = ZoneInfo("Asia/Shanghai")


@pytest.fixture
def admin_supervisor(project):
    return UserFactory(username="sup", role=Role.SUPERVISOR, projects=[project], is_staff=True)


def test_supervisor_changes_a_rule_and_new_deadlines_follow_it(
    client, admin_supervisor, project, household, desk_user
):
    """A 2-hour butler reply entered in the admin is what the next complaint is given."""
    client.force_login(admin_supervisor)
    response = client.post(
        reverse("admin:core_deadlinerule_add"),
        {
            "project": project.pk,
            "kind": "complaint.butler_reply",
            "mode": "duration",
            "minutes": 120,
            "days": 0,
            "counting": "wall",
        },
    )
    assert response.status_code == 302, response.content.decode()[-2000:]
    assert rule_for(project, "complaint.butler_reply").minutes == 120
    start = dt.datetime(2026, 11, 23, 9, 0, tzinfo=SH)
    deadline = deadline_open(
        subject=household,
        project=project,
        kind="complaint.butler_reply",
        start=start,
        responsible=desk_user,
    )
    assert deadline.due_at == start + dt.timedelta(hours=2)


def test_supervisor_enters_a_holiday_and_the_escalation_chain(client, admin_supervisor, project):
    """A holiday and a policy escalating to the manager only are saved as entered."""
    client.force_login(admin_supervisor)
    response = client.post(
        reverse("admin:core_calendarday_add"),
        {"project": project.pk, "date": "2027-01-01", "kind": "holiday", "name": "元旦",
         "works_as": 0},
    )  # fmt: skip
    assert response.status_code == 302
    assert CalendarDay.objects.get().name == "元旦"
    response = client.post(
        reverse("admin:core_deadlinepolicy_add"),
        {"project": project.pk, "warn_before_minutes": 15, "escalation_roles": ["manager"],
         "escalate_after_minutes": 30},
    )  # fmt: skip
    assert response.status_code == 302
    assert DeadlinePolicy.objects.get().escalation_roles == "manager"


def test_rules_of_another_project_are_out_of_reach(client, admin_supervisor, other_project):
    """A supervisor sees no rule of a project they do not work in and cannot add one there."""
    rule = DeadlineRule.objects.create(project=other_project, kind="order.callback", minutes=60)
    client.force_login(admin_supervisor)
    listing = client.get(reverse("admin:core_deadlinerule_changelist"))
    assert listing.status_code == 200
    assert f"/{rule.pk}/change/" not in listing.content.decode()
    assert client.get(reverse("admin:core_deadlinerule_change", args=[rule.pk])).status_code in (
        302,
        404,
    )
    response = client.post(
        reverse("admin:core_deadlinerule_add"),
        {"project": other_project.pk, "kind": "order.callback", "mode": "duration",
         "minutes": 10, "days": 0, "counting": "wall"},
    )  # fmt: skip
    assert response.status_code == 200  # the form comes back: not a choice
    assert DeadlineRule.objects.count() == 1


def test_desk_clerk_cannot_open_the_rules(client, project):
    """The rules are the supervisor's: a desk clerk with admin access is refused."""
    clerk = UserFactory(username="clerk", role=Role.DESK, projects=[project], is_staff=True)
    client.force_login(clerk)
    assert client.get(reverse("admin:core_deadlinerule_changelist")).status_code == 403
