"""A broker outage never turns a committed write into an error; the sweep does the work later."""

import datetime as dt
import logging
import socket
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail
from django.db import transaction
from django.urls import reverse

from frontdesk.celery import app as celery_app
from frontdesk.core import queueing
from frontdesk.core.models import EmailState, Notification
from frontdesk.core.notifications import notification_send_due
from frontdesk.core.roles import Role
from tests.factories import UserFactory
from tickets.models import ComplaintReport

SH = ZoneInfo("Asia/Shanghai")
# A Monday in working time, after the period 2026-11 ended (on the 27th).
MONDAY_10 = dt.datetime(2026, 11, 30, 10, 0, tzinfo=SH)


def _closed_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def broker_down(monkeypatch):
    """The Celery broker is a closed port on this machine, and tasks are really published."""
    url = f"redis://127.0.0.1:{_closed_port()}/0"
    monkeypatch.setenv("CELERY_BROKER_URL", url)
    monkeypatch.setitem(celery_app.conf, "broker_url", url)
    monkeypatch.setitem(celery_app.conf, "task_always_eager", False)
    monkeypatch.setitem(celery_app.conf, "broker_connection_max_retries", 0)
    # Forget the connections made to the real broker so that the next publish dials the new URL.
    monkeypatch.setattr(celery_app, "_pool", None)
    monkeypatch.setattr(celery_app.amqp, "_producer_pool", None)
    monkeypatch.setattr(queueing, "_broker_down", False)
    return url


@pytest.mark.django_db(transaction=True)
def test_report_issued_while_the_broker_is_down_answers_success(
    client, project, broker_down, caplog
):
    """With the broker unreachable, issuing the complaint statistics redirects to the report,
    keeps it and its e-mail notices, logs the outage once, and the sweep e-mails them later."""
    desk = UserFactory(role=Role.DESK, projects=[project], username="desk-q")
    supervisor = UserFactory(
        role=Role.SUPERVISOR, projects=[project], username="sup-q", email="sup@example.com"
    )
    manager = UserFactory(
        role=Role.MANAGER, projects=[project], username="mgr-q", email="mgr@example.com"
    )
    client.force_login(desk)
    url = reverse("tickets:complaint-reports")
    with time_machine.travel(MONDAY_10, tick=True), caplog.at_level(logging.DEBUG):
        response = client.post(url, {"project": project.pk, "period": "2026-11"})
        again = client.post(url, {"project": project.pk, "period": "2026-10"})
    assert response.status_code == 302 and again.status_code == 302
    assert set(ComplaintReport.objects.values_list("period", flat=True)) == {"2026-11", "2026-10"}
    pending = Notification.objects.filter(email_state=EmailState.PENDING)
    assert {n.user for n in pending} == {supervisor, manager}
    logged = [r for r in caplog.records if r.name == "frontdesk.core.queueing"]
    warnings = [r for r in logged if r.levelname == "WARNING"]
    assert len(warnings) == 1 and "send_notifications" in warnings[0].getMessage()
    # The broker is not needed for the e-mails: the sweep sends what is still pending.
    assert notification_send_due() == pending.count() == 4
    assert sorted(m.to[0] for m in mail.outbox) == [
        "mgr@example.com",
        "mgr@example.com",
        "sup@example.com",
        "sup@example.com",
    ]


@pytest.mark.django_db(transaction=True)
def test_queued_once_per_transaction_and_never_after_a_rollback(monkeypatch):
    """A transaction that writes many notices queues the e-mail job once; one rolled back
    queues nothing."""
    sent = []
    monkeypatch.setattr(queueing, "enqueue", lambda name, *a, **k: sent.append(name) or True)
    with transaction.atomic():
        for _ in range(3):
            queueing.enqueue_on_commit("frontdesk.core.tasks.send_notifications")
        assert sent == []
    assert sent == ["frontdesk.core.tasks.send_notifications"]
    with pytest.raises(RuntimeError), transaction.atomic():
        queueing.enqueue_on_commit("frontdesk.core.tasks.send_notifications")
        raise RuntimeError
    assert sent == ["frontdesk.core.tasks.send_notifications"]


def test_no_service_publishes_to_the_broker_directly():
    """Every task is queued through frontdesk.core.queueing, never with .delay/.apply_async."""
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    offenders = []
    for app in ("frontdesk", "residents", "tickets", "billing"):
        for path in (root / app).rglob("*.py"):
            if path.name == "queueing.py":
                continue
            text = path.read_text()
            for call in (".delay(", ".delay_on_commit(", ".apply_async(", ".send_task("):
                if call in text:
                    offenders.append(f"{path.relative_to(root)}: {call}")
    assert offenders == []


@pytest.mark.django_db(transaction=True)
def test_orders_are_registered_while_the_broker_is_down(
    api_client, desk_user, household, broker_down
):
    """With the broker unreachable the desk still registers orders: 201 and the order kept."""
    from tickets.models import Ticket

    api_client.force_authenticate(desk_user)
    with time_machine.travel(MONDAY_10, tick=True):
        response = api_client.post(
            "/api/v1/tickets/",
            {"kind": "repair", "household": household.pk, "matter": "厨房水龙头漏水"},
            format="json",
        )
    assert response.status_code == 201, response.content
    assert Ticket.objects.get().serial == response.json()["serial"]
