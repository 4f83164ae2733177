"""The order admin never filters by a reporter's phone the user sees masked."""

import pytest
from django.urls import reverse

from frontdesk.core.roles import Role
from tests.factories import UserFactory

from .factories import register

pytestmark = pytest.mark.django_db


def test_order_admin_refuses_a_lookup_on_the_reporters_phone(client, project, household, desk_user):
    """?reporter_phone__startswith=137 is a 400 for the cleaning role; the declared filters
    (kind, status) still answer."""
    register(
        household=household, by=desk_user, reporter_name="赵先生", reporter_phone="13700001111"
    )
    cleaner = UserFactory(
        username="adm-c", first_name="保洁丙", role=Role.CLEANING, projects=[project], is_staff=True
    )
    client.force_login(cleaner)
    url = reverse("admin:tickets_ticket_changelist")
    assert client.get(f"{url}?reporter_phone__startswith=1370").status_code == 400
    assert client.get(f"{url}?reporter_phone=13700001111").status_code == 400
    assert client.get(f"{url}?kind__exact=repair&status__exact=registered").status_code == 200
