"""The desk's admin: records read-only and scoped; the phone system's key kept as a hash."""

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from frontdesk.core.roles import Role
from frontdesk.desk import services
from frontdesk.desk.models import PhoneLine
from tests.factories import UserFactory

from .conftest import entry_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_supervisor(project):
    return UserFactory(username="sup", role=Role.SUPERVISOR, projects=[project], is_staff=True)


def test_entries_are_read_only_and_scoped_in_the_admin(
    client, staff_supervisor, project, desk_user, household
):
    """The supervisor lists the project's entries but cannot add, change or delete one."""
    entry = services.entry_record(project=project, by=desk_user, data=entry_data(household))
    client.force_login(staff_supervisor)
    listing = client.get(reverse("admin:desk_dutylogentry_changelist"))
    assert listing.status_code == 200 and entry.matter[:20] in listing.content.decode()
    assert client.get(reverse("admin:desk_dutylogentry_add")).status_code == 403
    assert (
        client.post(reverse("admin:desk_dutylogentry_delete", args=[entry.pk])).status_code == 403
    )


def test_the_phone_key_is_set_in_the_admin_and_kept_as_a_hash(client, staff_supervisor, project):
    """A key typed in the admin is stored hashed and then authenticates the ring endpoint."""
    key = "a-long-phone-system-key-123456789"
    client.force_login(staff_supervisor)
    response = client.post(
        reverse("admin:desk_phoneline_add"),
        {
            "project": project.pk,
            "key": key,
            "extensions-TOTAL_FORMS": "1",
            "extensions-INITIAL_FORMS": "0",
            "extensions-0-number": "801",
            "extensions-0-clerk": staff_supervisor.pk,
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    line = PhoneLine.objects.get()
    assert key not in line.key_hash and len(line.key_hash) == 64
    ring = APIClient().post(
        "/api/v1/calls/ring/",
        {"number": "13800000000", "extension": "801"},
        format="json",
        HTTP_X_PHONE_KEY=key,
    )
    assert ring.status_code == 201
