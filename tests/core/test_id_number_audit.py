"""An ID number in full is its own action, and each showing is in the supervisor's audit log."""

import pytest
from django.urls import reverse

from frontdesk.core.models import IdNumberRead
from frontdesk.core.roles import Role
from tests.factories import (
    BuildingFactory,
    HouseholdFactory,
    PersonFactory,
    UnitFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

ID_NUMBER = "11010519491231002X"
MASKED = "110105********002X"


@pytest.fixture
def person(household):
    return household.persons.get()


def _reveal_api(api_client, user, person):
    api_client.force_authenticate(user)
    return api_client.post(f"/api/v1/persons/{person.pk}/reveal-id-number/")


def test_reading_a_person_shows_the_id_number_masked_and_records_nothing(
    api_client, client, supervisor, household, person
):
    """Opening the file or the person in the API shows the masked number even to the
    supervisor, and writes no audit row."""
    api_client.force_authenticate(supervisor)
    assert api_client.get(f"/api/v1/persons/{person.pk}/").json()["id_number"] == MASKED
    client.force_login(supervisor)
    html = client.get(reverse("household-file", kwargs={"household_id": household.pk})).content
    assert ID_NUMBER not in html.decode() and MASKED in html.decode()
    edit = client.get(reverse("residents:person-edit", kwargs={"person_id": person.pk}))
    assert ID_NUMBER not in edit.content.decode()
    assert not IdNumberRead.objects.exists()


def test_the_supervisor_reveals_an_id_number_in_the_api_and_it_is_recorded(
    api_client, supervisor, person
):
    """POST reveal-id-number answers the full number and records who, whose, and the endpoint."""
    response = _reveal_api(api_client, supervisor, person)
    assert response.status_code == 200 and response.json()["id_number"] == ID_NUMBER
    read = IdNumberRead.objects.get()
    assert (read.user, read.person_id, read.person_name, read.project_id) == (
        supervisor,
        person.pk,
        person.name,
        person.project_id,
    )
    assert (read.channel, read.source) == ("api", f"/api/v1/persons/{person.pk}/reveal-id-number/")


@pytest.mark.parametrize("role", [Role.DESK, Role.BUTLER, Role.ENGINEERING, Role.CASHIER])
def test_roles_without_the_permission_cannot_reveal(api_client, client, project, person, role):
    """A role without view_id_number gets 403 in the API and on the page; nothing is recorded."""
    user = UserFactory(role=role, projects=[project])
    assert _reveal_api(api_client, user, person).status_code == 403
    client.force_login(user)
    url = reverse("residents:person-reveal-id-number", kwargs={"person_id": person.pk})
    assert client.post(url).status_code == 403
    assert not IdNumberRead.objects.exists()


def test_the_file_pages_show_button_reveals_and_records(client, supervisor, household, person):
    """The household file offers "show" to the supervisor; pressing it (htmx) answers the full
    number and records a page read naming the household file."""
    client.force_login(supervisor)
    file_url = reverse("household-file", kwargs={"household_id": household.pk})
    url = reverse("residents:person-reveal-id-number", kwargs={"person_id": person.pk})
    assert url in client.get(file_url).content.decode()
    response = client.post(url, headers={"HX-Request": "true"})
    assert response.status_code == 200 and ID_NUMBER in response.content.decode()
    read = IdNumberRead.objects.get()
    assert (read.user, read.channel, read.source) == (supervisor, "page", file_url)


def test_another_projects_person_is_not_found(api_client, supervisor, other_project):
    """A person of a project the supervisor does not work in is a 404, and nothing is recorded."""
    building = BuildingFactory(project=other_project, number="9")
    unit = UnitFactory(building=building, project=other_project, number="0901", floor=9)
    household = HouseholdFactory(unit=unit, project=other_project)
    stranger = PersonFactory(household=household, project=other_project)
    assert _reveal_api(api_client, supervisor, stranger).status_code == 404
    assert not IdNumberRead.objects.exists()


def test_the_audit_log_is_for_supervisors_and_managers_of_the_project(
    api_client, supervisor, desk_user, person, project, other_project
):
    """The supervisor and the manager list the reads of their projects; the desk gets 403; a
    supervisor of another project sees none of them."""
    _reveal_api(api_client, supervisor, person)
    url = "/api/v1/audit/id-number-reads/"
    rows = api_client.get(url).json()["results"]
    assert [(r["person_name"], r["user"], r["channel"]) for r in rows] == [
        (person.name, supervisor.pk, "api")
    ]
    manager = UserFactory(role=Role.MANAGER, projects=[project])
    api_client.force_authenticate(manager)
    assert len(api_client.get(url).json()["results"]) == 1
    api_client.force_authenticate(desk_user)
    assert api_client.get(url).status_code == 403
    elsewhere = UserFactory(role=Role.SUPERVISOR, projects=[other_project])
    api_client.force_authenticate(elsewhere)
    assert api_client.get(url).json()["results"] == []


def test_the_admin_lists_the_reads_read_only(client, api_client, supervisor, person, project):
    """The admin shows the reads and offers no way to add, change or delete one."""
    _reveal_api(api_client, supervisor, person)
    root = UserFactory(username="root", is_staff=True, is_superuser=True, projects=[project])
    client.force_login(root)
    listing = client.get(reverse("admin:core_idnumberread_changelist"))
    assert listing.status_code == 200 and person.name in listing.content.decode()
    assert client.get(reverse("admin:core_idnumberread_add")).status_code == 403
    read = IdNumberRead.objects.get()
    assert client.post(reverse("admin:core_idnumberread_delete", args=[read.pk])).status_code == 403
    assert IdNumberRead.objects.count() == 1
