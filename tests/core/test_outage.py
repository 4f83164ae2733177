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
