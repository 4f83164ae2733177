"""The desk's home page: what needs this person now, per role, in a fixed number of queries."""

import pytest
from django.urls import reverse

from frontdesk.desk import services
from tickets.services import ticket_dispatch, ticket_register

from .conftest import entry_data

pytestmark = pytest.mark.django_db


def test_the_home_page_loads_what_needs_the_clerk_now(client, desk_user, project, household):
    """The clerk's home shows the answers they owe and the orders to dispatch, with links."""
    entry = services.entry_record(project=project, by=desk_user, data=entry_data(household))
    order = ticket_register(
        project=project, kind="repair", matter="阳台漏水", by=desk_user, household=household
    )
    client.force_login(desk_user)
    home = client.get(reverse("home")).content.decode()
    assert reverse("desk:now") in home and 'id="household-q"' in home
    now = client.get(reverse("desk:now")).content.decode()
    assert reverse("desk:entry", args=[entry.pk]) in now
    assert order.serial in now


def test_a_workers_home_is_their_departments_open_orders(
    client, desk_user, engineer, project, household
):
    """An engineer sees engineering's dispatched orders, not the desk's lists."""
    order = ticket_register(
        project=project, kind="repair", matter="配电箱跳闸", by=desk_user, household=household
    )
    ticket_dispatch(ticket=order, department="engineering", assignee=engineer, by=desk_user)
    client.force_login(engineer)
    now = client.get(reverse("desk:now")).content.decode()
    assert order.serial in now
    assert reverse("desk:duty-log") not in now


def test_a_supervisor_is_told_of_yesterday_unsigned(client, supervisor, project):
    """A day left unsigned is flagged on the supervisor's home the next morning."""
    client.force_login(supervisor)
    now = client.get(reverse("desk:now")).content.decode()
    assert project.name in now


def test_the_home_lists_cost_a_fixed_number_of_queries(
    client, desk_user, project, household, django_assert_num_queries
):
    """More entries and orders do not add queries to the home page's lists."""
    client.force_login(desk_user)
    services.entry_record(project=project, by=desk_user, data=entry_data(household))
    client.get(reverse("desk:now"))
    with django_assert_num_queries(19) as first:
        client.get(reverse("desk:now"))
    for _ in range(4):
        services.entry_record(project=project, by=desk_user, data=entry_data(household))
        ticket_register(
            project=project, kind="repair", matter="漏水", by=desk_user, household=household
        )
    with django_assert_num_queries(len(first.captured_queries)):
        client.get(reverse("desk:now"))


def test_the_managers_home_adds_the_months_figures(
    client, manager, desk_user, supervisor, project, household, django_assert_max_num_queries
):
    """The manager's home shows the month so far per project (orders, complaints, …), in a
    fixed number of queries; the supervisor's home does not carry it."""
    for _ in range(3):
        ticket_register(
            project=project, kind="repair", matter="漏水", by=desk_user, household=household
        )
    client.force_login(manager)
    client.get(reverse("desk:now"))
    with django_assert_max_num_queries(40):
        page = client.get(reverse("desk:now"))
    [(shown, figures)] = page.context["parts"]["month"]["projects"]
    assert shown == project and figures["orders"] == 3
    assert "month-figures" in page.content.decode()
    client.force_login(supervisor)
    assert "month-figures" not in client.get(reverse("desk:now")).content.decode()
