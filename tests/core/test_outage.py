"""Faults: the database or Redis unreachable for a moment.

The desk answers a clean 503 (a page, or the API's JSON) while PostgreSQL is
cut off, saves nothing half-way, consumes no serial number, and works again
as soon as the database is back, without a restart. An unreachable Redis cache
is a miss, not an error. The outage is real: the connections go through a TCP
forwarder (tests/tcp_proxy.py) that the test cuts and restores.
"""

import pytest
from django.db import connections
from django.test import Client
from rest_framework.test import APIClient

from frontdesk.core.outage import TolerantRedisCache
from tests.tcp_proxy import TcpProxy
from tickets.models import Ticket

ORDER = {
    "kind": "repair",
    "matter": "厨房水管漏水",
    "address_confirmed": True,
}


@pytest.fixture
def database_behind_proxy():
    """The test database reached through a forwarder the test can cut."""
    conn = connections["default"]
    saved = dict(conn.settings_dict)
    with TcpProxy(int(saved.get("PORT") or 5432), saved.get("HOST") or "127.0.0.1") as proxy:
        conn.close()
        conn.settings_dict["HOST"], conn.settings_dict["PORT"] = "127.0.0.1", proxy.port
        try:
            yield proxy
        finally:
            proxy.restore()
            conn.close()
            conn.settings_dict["HOST"], conn.settings_dict["PORT"] = saved["HOST"], saved["PORT"]


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_database_outage_is_a_503_and_the_desk_recovers(
    database_behind_proxy, household, desk_user
):
    """Cut off: the API answers 503 JSON with Retry-After, a page 503 HTML, and nothing is
    written; back: the same order registers with the first serial, no number lost."""
    api = APIClient()
    api.force_authenticate(desk_user)
    page = Client(raise_request_exception=False)
    page.force_login(desk_user)
    body = {**ORDER, "household": household.pk}

    database_behind_proxy.cut()
    response = api.post("/api/v1/tickets/", body, format="json")
    assert response.status_code == 503
    assert response["Retry-After"] == "10"
    assert "数据库" in response.json()["non_field_errors"][0]
    response = page.get("/tickets/")
    assert response.status_code == 503
    assert response["Content-Type"].startswith("text/html")
    assert "<form" not in response.content.decode()

    database_behind_proxy.restore()
    assert Ticket.objects.count() == 0
    response = api.post("/api/v1/tickets/", body, format="json")
    assert response.status_code == 201, response.content
    assert response.json()["serial"].endswith("-000001")
    assert page.get("/tickets/").status_code == 200


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_outage_in_the_middle_of_a_write_leaves_nothing(
    database_behind_proxy, household, desk_user
):
    """The connection dropped after the order's first insert: the whole registration is rolled
    back, and the next one takes the serial the failed one would have had."""
    from django.db.backends.signals import connection_created  # noqa: F401
    from django.db.models.signals import post_save

    api = APIClient()
    api.force_authenticate(desk_user)

    def cut_after_the_order_row(sender, instance, created, **kwargs):
        if created:
            database_behind_proxy.cut()

    post_save.connect(cut_after_the_order_row, sender=Ticket)
    try:
        response = api.post("/api/v1/tickets/", {**ORDER, "household": household.pk}, format="json")
    finally:
        post_save.disconnect(cut_after_the_order_row, sender=Ticket)
    assert response.status_code == 503
    database_behind_proxy.restore()
    assert Ticket.objects.count() == 0
    response = api.post("/api/v1/tickets/", {**ORDER, "household": household.pk}, format="json")
    assert response.status_code == 201
    assert response.json()["serial"].endswith("-000001")


def test_unreachable_redis_cache_is_a_miss_not_an_error(caplog):
    """A cache on a port where nothing listens answers defaults and drops writes, logging once."""
    cache = TolerantRedisCache(
        "redis://127.0.0.1:1/0", {"OPTIONS": {"socket_connect_timeout": 0.2}}
    )
    assert cache.get("k", "fallback") == "fallback"
    cache.set("k", "v")
    assert cache.add("k", "v") is False
    assert cache.get_many(["a", "b"]) == {}
    assert cache.incr("hits", 1) == 1
    warnings = [r for r in caplog.records if "Redis cache unreachable" in r.getMessage()]
    assert len(warnings) <= 1


@pytest.fixture
def redis_behind_proxy(monkeypatch, settings):
    """Redis, as the broker and as the cache, reached through a forwarder the test can cut."""
    from django.core.cache import caches

    from frontdesk.celery import app as celery_app
    from frontdesk.core import queueing

    with TcpProxy(6379) as proxy:
        url = f"redis://127.0.0.1:{proxy.port}"
        monkeypatch.setitem(celery_app.conf, "broker_url", f"{url}/14")
        monkeypatch.setitem(celery_app.conf, "task_always_eager", False)
        monkeypatch.setitem(celery_app.conf, "broker_connection_max_retries", 0)
        monkeypatch.setitem(
            celery_app.conf, "broker_transport_options", {"socket_connect_timeout": 1}
        )
        monkeypatch.setattr(celery_app, "_pool", None)
        monkeypatch.setattr(celery_app.amqp, "_producer_pool", None)
        monkeypatch.setattr(queueing, "_broker_down", False)
        settings.CACHES = {
            "default": {
                "BACKEND": "frontdesk.core.outage.TolerantRedisCache",
                "LOCATION": f"{url}/14",
                "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
            }
        }
        caches.close_all()
        yield proxy
        caches.close_all()


@pytest.mark.django_db(transaction=True)
def test_redis_outage_the_desk_keeps_working_and_catches_up(
    redis_behind_proxy, client, household, desk_user, project
):
    """Redis cut off (broker and cache): orders still register with consecutive serials, a
    token is still issued, the complaint statistics are issued with their e-mails kept;
    when Redis is back the sweep sends those e-mails and queueing works again."""
    import datetime as dt
    from zoneinfo import ZoneInfo

    import time_machine
    from django.core import mail
    from django.urls import reverse

    from frontdesk.core import queueing
    from frontdesk.core.models import EmailState, Notification
    from frontdesk.core.notifications import notification_send_due
    from frontdesk.core.roles import Role
    from tests.factories import UserFactory

    UserFactory(role=Role.SUPERVISOR, projects=[project], username="sup-r", email="s@example.com")
    desk_user.set_password("a-long-desk-password")
    desk_user.save()
    api = APIClient()
    api.force_authenticate(desk_user)
    monday = dt.datetime(2026, 11, 30, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))

    redis_behind_proxy.cut()
    with time_machine.travel(monday, tick=True):
        serials = [
            api.post("/api/v1/tickets/", {**ORDER, "household": household.pk}, format="json")
            for _ in range(3)
        ]
        token = APIClient().post(
            "/api/v1/auth/token/",
            {"username": desk_user.username, "password": "a-long-desk-password"},
            format="json",
        )
        client.force_login(desk_user)
        issued = client.post(
            reverse("tickets:complaint-reports"), {"project": project.pk, "period": "2026-11"}
        )
    assert [r.status_code for r in serials] == [201, 201, 201]
    assert [r.json()["serial"][-6:] for r in serials] == ["000001", "000002", "000003"]
    assert token.status_code == 200 and token.json()["token"]
    assert issued.status_code == 302
    pending = Notification.objects.filter(email_state=EmailState.PENDING).count()
    assert pending >= 1 and mail.outbox == []

    redis_behind_proxy.restore()
    assert notification_send_due() == pending and len(mail.outbox) == pending
    assert queueing.enqueue("frontdesk.core.tasks.send_notifications") is True
