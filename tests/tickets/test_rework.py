"""One rework per order's callback outcome: a repeat is refused, under concurrency too."""

import threading

import pytest
from django.db import connection
from django.utils import timezone
from rest_framework.test import APIClient
from sequences import get_last_value

from tickets import services
from tickets.choices import TicketStatus
from tickets.models import Ticket

from .factories import register


def _visited(household, desk_user, engineer) -> Ticket:
    ticket = register(household=household, by=desk_user, matter="卫生间漏水")
    services.ticket_dispatch(ticket=ticket, by=desk_user, assignee=engineer)
    services.ticket_arrive(ticket=ticket, by=engineer)
    services.ticket_complete(ticket=ticket, by=engineer, result="已修")
    services.ticket_return(ticket=ticket, by=desk_user, late_reason="晚")
    services.ticket_callback(ticket=ticket, by=desk_user, satisfaction="not_satisfied")
    return ticket


def _client(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.mark.django_db
def test_a_second_rework_is_refused_until_the_first_is_voided(household, desk_user, engineer):
    """The order's rework is opened once; asking again answers 400 naming the rework and opens
    nothing; once that rework is voided as a mistake, another can be opened."""
    ticket = _visited(household, desk_user, engineer)
    url = f"/api/v1/tickets/{ticket.pk}/rework/"
    first = _client(desk_user).post(url, {"matter": "仍漏水"}, format="json")
    assert first.status_code == 201
    again = _client(desk_user).post(url, {"matter": "仍漏水"}, format="json")
    assert again.status_code == 400
    assert first.json()["serial"] in again.json()["rework"][0]
    assert Ticket.objects.filter(rework_of=ticket).count() == 1
    rework = Ticket.objects.get(rework_of=ticket)
    services.ticket_void(ticket=rework, reason="登记错误", by=desk_user)
    assert _client(desk_user).post(url, {}, format="json").status_code == 201
    assert Ticket.objects.filter(rework_of=ticket).exclude(status=TicketStatus.VOIDED).count() == 1


@pytest.mark.django_db
def test_a_callback_that_opened_the_rework_leaves_no_second_one(household, desk_user, engineer):
    """A callback "not satisfied, rework" opens the rework; the rework button then refuses."""
    ticket = register(household=household, by=desk_user)
    services.ticket_dispatch(ticket=ticket, by=desk_user, assignee=engineer)
    services.ticket_arrive(ticket=ticket, by=engineer)
    services.ticket_complete(ticket=ticket, by=engineer)
    services.ticket_return(ticket=ticket, by=desk_user, late_reason="晚")
    callback = services.ticket_callback(
        ticket=ticket, by=desk_user, satisfaction="not_satisfied", follow_up="rework"
    )
    response = _client(desk_user).post(f"/api/v1/tickets/{ticket.pk}/rework/", {}, format="json")
    assert response.status_code == 400
    assert callback.follow_up_ticket.serial in response.json()["rework"][0]
    assert Ticket.objects.filter(rework_of=ticket).count() == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_ten_simultaneous_reworks_open_one_and_use_one_serial(household, desk_user, engineer):
    """Ten rework requests at the same moment: exactly one rework order, one 201 and nine 400,
    and the serial counter moved by one (no number lost to a refused request)."""
    ticket = _visited(household, desk_user, engineer)
    key = f"ticket:{ticket.project_id}:{ticket.kind}:{timezone.localtime().year}"
    before = get_last_value(key)
    url = f"/api/v1/tickets/{ticket.pk}/rework/"
    start = threading.Barrier(10)
    codes: list[int] = []
    lock = threading.Lock()

    def ask() -> None:
        try:
            client = _client(desk_user)
            start.wait()
            code = client.post(url, {"matter": "仍漏水"}, format="json").status_code
            with lock:
                codes.append(code)
        finally:
            connection.close()

    threads = [threading.Thread(target=ask) for _ in range(10)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(codes) == [201] + [400] * 9
    assert Ticket.objects.filter(rework_of=ticket).count() == 1
    assert get_last_value(key) == before + 1


@pytest.mark.django_db
def test_the_database_refuses_a_second_standing_rework(household, desk_user, engineer):
    """Below the service, the database itself keeps one standing rework per order."""
    from django.db import IntegrityError, transaction

    from .factories import TicketFactory

    ticket = _visited(household, desk_user, engineer)
    TicketFactory(project=ticket.project, household=household, rework_of=ticket)
    with pytest.raises(IntegrityError), transaction.atomic():
        TicketFactory(project=ticket.project, household=household, rework_of=ticket)
    TicketFactory(
        project=ticket.project,
        household=household,
        rework_of=ticket,
        status=TicketStatus.VOIDED,
        voided_at=timezone.now(),
    )
    assert Ticket.objects.filter(rework_of=ticket).count() == 2
