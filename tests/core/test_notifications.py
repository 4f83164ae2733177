"""Notifications: who is sent what, when, and the bell, list and API that show them."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail
from django.urls import reverse

from frontdesk.celery import app as celery_app
from frontdesk.core.models import EmailState, Notification
from frontdesk.core.notifications import (
    Topic,
    channels_for,
    notification_send_due,
    notify,
)
from frontdesk.core.roles import Role
from tests.factories import UserFactory

SH = ZoneInfo("Asia/Shanghai")
MONDAY_10 = dt.datetime(2026, 11, 23, 10, 0, tzinfo=SH)
MONDAY_NIGHT = dt.datetime(2026, 11, 23, 23, 0, tzinfo=SH)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    """Staff are created by the handful here; a slow password hash is not what is tested."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def _notice(user, title="Overdue: callback", *, when=MONDAY_10, **kwargs):
    return notify(
        user=user, topic=Topic.DEADLINE_OVERDUE, title=title, now=when, named=True, **kwargs
    )


# --- Who gets what --------------------------------------------------------------------------


def test_role_table_decides_channels():
    """Supervisors are e-mailed escalations, the desk sees them in the app, a cashier not at all."""
    assert channels_for(roles={Role.SUPERVISOR}, topic=Topic.DEADLINE_ESCALATED) == {"app", "email"}
    assert channels_for(roles={Role.DESK}, topic=Topic.DEADLINE_ESCALATED) == {"app"}
    assert channels_for(roles={Role.CASHIER}, topic=Topic.DEADLINE_ESCALATED) == set()
    assert channels_for(roles={Role.CASHIER}, topic=Topic.DEADLINE_OVERDUE, named=True) == {"app"}


def test_user_without_the_topic_gets_nothing(project):
    """A cashier who is not named on the matter is not told of an escalation at all."""
    cashier = UserFactory(role=Role.CASHIER, projects=[project])
    assert notify(user=cashier, topic=Topic.DEADLINE_ESCALATED, title="x", now=MONDAY_10) is None
    assert not Notification.objects.exists()


def test_night_notice_waits_for_working_time_but_an_emergency_does_not(project, butler):
    """At 23:00 a routine notice is delivered at 08:30 next working day; an emergency at once."""
    routine = _notice(butler, when=MONDAY_NIGHT, project=project)
    urgent = _notice(butler, when=MONDAY_NIGHT, project=project, is_emergency=True)
    assert routine.deliver_at == dt.datetime(2026, 11, 24, 8, 30, tzinfo=SH)
    assert urgent.deliver_at == MONDAY_NIGHT


# --- E-mail ------------------------------------------------------------------------------------


def test_email_is_sent_once_after_commit(
    project, butler, django_capture_on_commit_callbacks, monkeypatch
):
    """A notice deliverable now is e-mailed by the task queued after the commit, and only once."""
    butler.email = "butler@example.com"
    butler.save()
    monkeypatch.setitem(celery_app.conf, "task_always_eager", True)
    with time_machine.travel(MONDAY_10, tick=False):
        with django_capture_on_commit_callbacks(execute=True) as callbacks:
            _notice(butler, project=project)
            assert mail.outbox == []
        assert len(callbacks) == 1
        assert [m.to for m in mail.outbox] == [["butler@example.com"]]
        assert notification_send_due() == 0
    assert len(mail.outbox) == 1
    assert Notification.objects.get().email_state == EmailState.SENT


def test_email_waits_until_its_delivery_time(project, butler):
    """A notice made at night is e-mailed by the first sweep after 08:30, not before."""
    butler.email = "butler@example.com"
    butler.save()
    _notice(butler, when=MONDAY_NIGHT, project=project)
    assert notification_send_due(now=dt.datetime(2026, 11, 24, 8, 29, tzinfo=SH)) == 0
    assert notification_send_due(now=dt.datetime(2026, 11, 24, 8, 31, tzinfo=SH)) == 1
    assert len(mail.outbox) == 1


def test_mail_server_failure_is_recorded_and_the_notice_stays(project, butler, settings):
    """When the mail server refuses, the notice is marked failed and still shown in the app."""
    butler.email = "butler@example.com"
    butler.save()
    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"port": 1},
        }
    }
    _notice(butler, project=project)
    assert notification_send_due(now=MONDAY_10 + dt.timedelta(minutes=1)) == 0
    assert Notification.objects.get().email_state == EmailState.FAILED


# --- The bell and the list -----------------------------------------------------------------------


def test_bell_shows_the_unread_count(client, project, butler, django_assert_num_queries):
    """The bell fragment counts the user's delivered unread notices."""
    _notice(butler, project=project)
    _notice(butler, project=project)
    _notice(butler, when=dt.datetime(2099, 1, 1, tzinfo=SH), project=project)
    client.force_login(butler)
    with django_assert_num_queries(3):  # session, user, count
        response = client.get(reverse("notification-bell"))
    assert '<span class="bell-count">2</span>' in response.text


def test_list_shows_own_notices_and_marks_them_read(
    client, project, butler, desk_user, django_assert_num_queries
):
    """The list shows the user's notices only; reading one lowers the unread count."""
    mine = _notice(butler, "Overdue: reply to 3-1502", project=project, url="/tickets/1/")
    _notice(butler, "Overdue: callback 5-101", project=project)
    _notice(desk_user, "Overdue: someone else's", project=project)
    client.force_login(butler)
    with django_assert_num_queries(7):
        response = client.get(reverse("notifications"))
    assert "reply to 3-1502" in response.text and "someone else" not in response.text
    response = client.post(reverse("notification-read", args=[mine.pk]), {"open": "1"})
    assert response.status_code == 302 and response["Location"] == "/tickets/1/"
    assert Notification.objects.filter(user=butler, read_at__isnull=True).count() == 1
    response = client.get(reverse("notifications"), {"unread": "true"})
    assert "callback 5-101" in response.text and "reply to 3-1502" not in response.text
    client.post(reverse("notification-read-all"))
    assert not Notification.objects.filter(user=butler, read_at__isnull=True).exists()


def test_someone_elses_notice_cannot_be_marked(client, project, butler, desk_user):
    """Marking another user's notice answers 404 and leaves it unread."""
    theirs = _notice(desk_user, project=project)
    client.force_login(butler)
    assert client.post(reverse("notification-read", args=[theirs.pk])).status_code == 404
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_bell_in_the_top_bar(client, project, butler):
    """Every page's top bar loads the bell."""
    client.force_login(butler)
    response = client.get(reverse("notifications"))
    assert reverse("notification-bell") in response.text


# --- API ------------------------------------------------------------------------------------


def test_api_lists_the_current_users_notices(
    api_client, project, butler, desk_user, django_assert_num_queries
):
    """GET /api/v1/notifications/ returns the user's own, newest first; ?unread=true filters."""
    first = _notice(butler, "Overdue: first", project=project)
    _notice(butler, "Overdue: second", when=MONDAY_10 + dt.timedelta(minutes=5), project=project)
    _notice(desk_user, "Overdue: not mine", project=project)
    first.read_at = MONDAY_10
    first.save()
    api_client.force_authenticate(butler)
    with django_assert_num_queries(1):
        response = api_client.get("/api/v1/notifications/")
    assert [n["title"] for n in response.json()["results"]] == ["Overdue: second", "Overdue: first"]
    response = api_client.get("/api/v1/notifications/", {"unread": "true"})
    assert [n["title"] for n in response.json()["results"]] == ["Overdue: second"]


def test_api_marks_read(api_client, project, butler, desk_user):
    """POST read marks one's own notice, another user's is a 404; read-all marks the rest."""
    mine = _notice(butler, project=project)
    _notice(butler, project=project)
    theirs = _notice(desk_user, project=project)
    api_client.force_authenticate(butler)
    response = api_client.post(f"/api/v1/notifications/{mine.pk}/read/")
    assert response.status_code == 200 and response.json()["unread"] is False
    assert api_client.post(f"/api/v1/notifications/{theirs.pk}/read/").status_code == 404
    assert api_client.post("/api/v1/notifications/read-all/").json() == {"marked": 1}
    assert api_client.get("/api/v1/notifications/", {"unread": "true"}).json()["results"] == []


def test_notices_of_a_project_the_user_has_left_are_hidden(client, api_client, project, butler):
    """After leaving a project, its notices leave the bell, the list and the API (404 to read)."""
    old = _notice(butler, "Overdue: old project", project=project)
    _notice(butler, "Overdue: no project")
    butler.memberships.filter(project=project).delete()
    client.force_login(butler)
    page = client.get(reverse("notifications")).content.decode()
    assert "Overdue: no project" in page and "Overdue: old project" not in page
    api_client.force_authenticate(butler)
    listed = api_client.get("/api/v1/notifications/").json()["results"]
    assert [n["title"] for n in listed] == ["Overdue: no project"]
    assert api_client.post(f"/api/v1/notifications/{old.pk}/read/").status_code == 404
    assert api_client.post("/api/v1/notifications/read-all/").json() == {"marked": 1}
    old.refresh_from_db()
    assert old.read_at is None


def test_api_needs_a_login(api_client):
    """Anonymous clients get nothing."""
    assert api_client.get("/api/v1/notifications/").status_code in (401, 403)
