"""The work-order admin: read-only, and narrowed to the user's projects."""

import pytest
from django.urls import reverse

from frontdesk.core.roles import Role
from tests.factories import UserFactory

from .factories import TicketFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_supervisor(project):
    """A supervisor who may open the admin, working in `project` only."""
    return UserFactory(username="sup", role=Role.SUPERVISOR, projects=[project], is_staff=True)


def test_supervisor_sees_only_orders_of_their_projects(
    client, staff_supervisor, project, other_project
):
    """The order list shows this project's serial and not the other project's."""
    own = TicketFactory(project=project, serial="WX-2026-000001")
    foreign = TicketFactory(project=other_project, serial="WX-2026-000777")
    client.force_login(staff_supervisor)
    response = client.get(reverse("admin:tickets_ticket_changelist"))
    assert response.status_code == 200
    body = response.content.decode()
    assert own.serial in body and foreign.serial not in body
    assert client.get(reverse("admin:tickets_ticket_change", args=[foreign.pk])).status_code == 302


def test_orders_cannot_be_added_changed_or_deleted_in_the_admin(client, staff_supervisor, project):
    """The admin never writes an order: that is the services' job, with events."""
    ticket = TicketFactory(project=project)
    client.force_login(staff_supervisor)
    assert client.get(reverse("admin:tickets_ticket_add")).status_code == 403
    assert client.post(reverse("admin:tickets_ticket_delete", args=[ticket.pk])).status_code == 403


def test_order_in_the_admin_hides_the_reporters_phone_from_a_worker(client, project):
    """An engineer with admin access does not see the reporter's phone; a supervisor does."""
    ticket = TicketFactory(project=project, reporter_name="李先生", reporter_phone="13912345678")
    url = reverse("admin:tickets_ticket_change", args=[ticket.pk])
    engineer = UserFactory(username="eng", role=Role.ENGINEERING, projects=[project], is_staff=True)
    client.force_login(engineer)
    page = client.get(url).content.decode()
    assert "李先生" in page and "13912345678" not in page
    supervisor = UserFactory(
        username="sup2", role=Role.SUPERVISOR, projects=[project], is_staff=True
    )
    client.force_login(supervisor)
    assert "13912345678" in client.get(url).content.decode()
