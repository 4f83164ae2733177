"""A write submitted twice is done once: the API's Idempotency-Key and the forms' one-time token."""

import re
import threading

import pytest
from django.db import connection
from django.urls import reverse
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from frontdesk.core.models import Submission
from tickets.models import Ticket

pytestmark = pytest.mark.django_db

URL = "/api/v1/tickets/"


def order(household, matter="厨房水管漏水"):
    return {
        "kind": "repair",
        "household": household.pk,
        "matter": matter,
        "address_confirmed": True,
    }


def token_client(user) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=user).key}")
    return client


def test_a_retried_create_answers_the_first_order(household, desk_user):
    """The same key twice: one order, one serial; the retry gets the same body, marked replayed."""
    api = token_client(desk_user)
    first = api.post(URL, order(household), format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    again = api.post(URL, order(household), format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    assert first.status_code == again.status_code == 201
    assert again.json() == first.json()
    assert again["Idempotent-Replayed"] == "true"
    assert Ticket.objects.count() == 1
    other = api.post(URL, order(household), format="json", HTTP_IDEMPOTENCY_KEY="k-2")
    assert other.status_code == 201 and Ticket.objects.count() == 2


def test_the_same_key_with_another_body_is_refused(household, desk_user):
    """A key reused for a different order is a 422 naming the header; nothing more is written."""
    api = token_client(desk_user)
    api.post(URL, order(household), format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    response = api.post(
        URL, order(household, "楼道灯不亮"), format="json", HTTP_IDEMPOTENCY_KEY="k-1"
    )
    assert response.status_code == 422
    assert "Idempotency-Key" in response.json()
    assert Ticket.objects.count() == 1


def test_a_refused_create_is_not_kept(household, desk_user):
    """A 400 is not replayed: the client corrects the body and retries with the same key."""
    api = token_client(desk_user)
    bad = api.post(URL, {**order(household), "matter": ""}, format="json", HTTP_IDEMPOTENCY_KEY="k")
    assert bad.status_code == 400
    good = api.post(URL, order(household), format="json", HTTP_IDEMPOTENCY_KEY="k")
    assert good.status_code == 201
    assert Ticket.objects.count() == 1


def test_keys_belong_to_their_caller(household, desk_user, project):
    """Another user's request with the same key does its own work and never sees the first's."""
    from tests.factories import UserFactory

    other = UserFactory(role="desk", projects=[project], username="desk9")
    token_client(desk_user).post(URL, order(household), format="json", HTTP_IDEMPOTENCY_KEY="k")
    response = token_client(other).post(
        URL, order(household), format="json", HTTP_IDEMPOTENCY_KEY="k"
    )
    assert response.status_code == 201 and "Idempotent-Replayed" not in response
    assert Ticket.objects.count() == 2


def test_a_key_too_long_is_a_field_error(household, desk_user):
    """A key over 255 characters is a 400 naming the header, and nothing is registered."""
    response = token_client(desk_user).post(
        URL, order(household), format="json", HTTP_IDEMPOTENCY_KEY="x" * 256
    )
    assert response.status_code == 400 and "Idempotency-Key" in response.json()
    assert Ticket.objects.count() == 0


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_retries_create_one_order(household, desk_user):
    """Eight simultaneous requests with one key: one order, one serial; the others wait (409) or
    get the first's answer."""
    key = Token.objects.create(user=desk_user).key
    statuses, barrier = [], threading.Barrier(8)

    def send():
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
        barrier.wait()
        try:
            statuses.append(
                client.post(
                    URL, order(household), format="json", HTTP_IDEMPOTENCY_KEY="same"
                ).status_code
            )
        finally:
            connection.close()

    threads = [threading.Thread(target=send) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert len(statuses) == 8
    assert set(statuses) <= {201, 409} and 201 in statuses
    assert Ticket.objects.count() == 1
    assert Ticket.objects.get().serial.endswith("-000001")


def _token(page) -> str:
    return re.search(r'name="form_token" value="([0-9a-f]+)"', page.content.decode()).group(1)


def test_double_submit_of_the_register_form_registers_once(client, desk_user, household):
    """The same form posted twice (a double click) gives one order, and both land on its page."""
    client.force_login(desk_user)
    url = reverse("tickets:new") + f"?household={household.pk}&kind=repair"
    token = _token(client.get(url))
    data = {
        "kind": "repair",
        "household": household.pk,
        "matter": "厨房水龙头漏水",
        "source": "phone",
        "priority": "normal",
        "address_confirmed": "on",
        "form_token": token,
    }
    first = client.post(url, data)
    second = client.post(url, data)
    ticket = Ticket.objects.get()
    assert first.status_code == second.status_code == 302
    assert first["Location"] == second["Location"] == reverse("tickets:detail", args=[ticket.pk])


def test_a_form_with_errors_frees_its_token(client, desk_user, household):
    """A submit that came back with errors does not block the corrected submit of the same form."""
    client.force_login(desk_user)
    url = reverse("tickets:new") + f"?household={household.pk}&kind=repair"
    token = _token(client.get(url))
    data = {
        "kind": "repair",
        "household": household.pk,
        "matter": "",
        "source": "phone",
        "priority": "normal",
        "address_confirmed": "on",
        "form_token": token,
    }
    assert client.post(url, data).status_code == 200
    assert not Submission.objects.exists()
    response = client.post(url, {**data, "matter": "厨房水龙头漏水"})
    assert response.status_code == 302 and Ticket.objects.count() == 1


def test_remembered_writes_are_forgotten_after_their_time(household, desk_user, settings):
    """A key older than IDEMPOTENCY_HOURS is dropped by the daily job and may be used again."""
    import datetime as dt

    from django.utils import timezone

    from frontdesk.core.tasks import forget_submissions

    api = token_client(desk_user)
    api.post(URL, order(household), format="json", HTTP_IDEMPOTENCY_KEY="old")
    Submission.objects.update(created_at=timezone.now() - dt.timedelta(hours=25))
    api.post(URL, order(household), format="json", HTTP_IDEMPOTENCY_KEY="new")
    assert forget_submissions() == 1
    assert list(Submission.objects.values_list("key", flat=True)) == ["new"]
