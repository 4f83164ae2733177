"""Staff who leave are deactivated, never deleted: the records they made keep naming them."""

import pytest
from django.contrib.auth import get_user_model
from django.db.models import ProtectedError
from django.urls import reverse

from frontdesk.core.roles import Role
from residents import services
from residents.models import ChangeRecord
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def clerk(project):
    return UserFactory(role=Role.DESK, projects=[project], first_name="李前台", username="clerk")


@pytest.fixture
def changed_by_clerk(household, clerk):
    services.person_add(
        household=household, data={"name": "张三", "role": "member", "phone": ""}, by=clerk
    )
    return ChangeRecord.objects.get(household=household, actor=clerk)


def test_history_keeps_the_authors_name_as_written(
    client, api_client, household, clerk, changed_by_clerk
):
    """The history row carries the author's name as it read on the day, on the file page and in
    the API, even after the account is renamed and deactivated."""
    assert changed_by_clerk.author_name == "李前台"
    clerk.first_name = "改名"
    clerk.is_active = False
    clerk.save()
    supervisor = UserFactory(role=Role.SUPERVISOR, projects=[household.project])
    client.force_login(supervisor)
    html = client.get(reverse("household-file", kwargs={"household_id": household.pk})).content
    assert "李前台" in html.decode()
    api_client.force_authenticate(supervisor)
    rows = api_client.get(f"/api/v1/changes/?household={household.pk}").json()["results"]
    assert [r["actor_name"] for r in rows] == ["李前台"]


def test_a_staff_member_named_on_records_cannot_be_deleted(changed_by_clerk, clerk, building):
    """Deleting a user who changed a household file, or who is a building's butler, is refused
    by the database: the history keeps its author."""
    with pytest.raises(ProtectedError):
        clerk.delete()
    with pytest.raises(ProtectedError):
        building.butler.delete()
    changed_by_clerk.refresh_from_db()
    assert changed_by_clerk.actor == clerk


def test_the_admin_refuses_to_delete_a_user_and_says_to_deactivate(client, project, clerk):
    """The admin's delete of a user answers with a message to deactivate instead, deletes
    nothing, and offers no bulk delete."""
    root = UserFactory(username="root", is_staff=True, is_superuser=True, projects=[project])
    client.force_login(root)
    url = reverse("admin:auth_user_delete", args=[clerk.pk])
    response = client.post(url, {"post": "yes"}, follow=True)
    assert get_user_model().objects.filter(pk=clerk.pk).exists()
    messages = [str(m) for m in response.context["messages"]]
    assert any("“启用”" in m or "deactivated" in m for m in messages), messages
    changelist = client.get(reverse("admin:auth_user_changelist")).content.decode()
    assert "delete_selected" not in changelist
    bulk = client.post(
        reverse("admin:auth_user_changelist"),
        {"action": "delete_selected", "_selected_action": [clerk.pk], "post": "yes"},
    )
    assert bulk.status_code in (200, 302)
    assert get_user_model().objects.filter(pk=clerk.pk).exists()
