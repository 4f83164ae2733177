"""Project scoping: a user sees and touches only the rows of their own projects."""

import datetime as dt

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile

from frontdesk.core.roles import Role
from frontdesk.core.scoping import can_access_project, project_ids_for, projects_for, scope
from residents import services
from residents.models import Card, Household, Note, Person, Unit
from tests.factories import (
    BuildingFactory,
    HouseholdFactory,
    PersonFactory,
    UnitFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

API = "/api/v1"


@pytest.fixture
def foreign_household(other_project):
    """A household of another project (西山苑), with a person, a vehicle and a card."""
    building = BuildingFactory(project=other_project, number="7")
    unit = UnitFactory(building=building, number="0101", floor=1)
    household = HouseholdFactory(unit=unit)
    person = PersonFactory(household=household, name="赵六", phone="13500000000")
    staff = UserFactory(role=Role.DESK, projects=[other_project])
    vehicle = services.vehicle_add(household=household, plate="粤C00001", by=staff)
    services.card_issue(
        household=household,
        kind="access",
        number="W-1",
        holder=person,
        issued_on=dt.date(2026, 1, 1),
        by=staff,
    )
    services.movein_record(household=household, data={"keys_handed": 1}, by=staff)
    services.decoration_apply(
        household=household,
        data={
            "applied_on": dt.date(2026, 2, 1),
            "description": "刷墙",
            "planned_start": dt.date(2026, 2, 2),
            "planned_end": dt.date(2026, 2, 9),
        },
        by=staff,
    )
    services.note_add(household=household, text="西山苑的备注", by=staff)
    services.vehicle_update(vehicle=vehicle, data={"parking_space": "B2-7"}, by=staff)
    return household


def test_a_user_works_only_in_their_active_projects(project, other_project, desk_user):
    """Membership decides the projects; an inactive project drops out; a superuser sees all."""
    assert project_ids_for(desk_user) == [project.pk]
    assert can_access_project(desk_user, project.pk)
    assert not can_access_project(desk_user, other_project.pk)
    assert list(projects_for(desk_user)) == [project]
    project.is_active = False
    project.save()
    fresh = get_user_model().objects.get(pk=desk_user.pk)
    assert project_ids_for(fresh) == []
    boss = get_user_model().objects.create_superuser("root", password="x-long-pass-1")
    assert set(project_ids_for(boss)) == {other_project.pk}


def test_scope_narrows_any_table_to_the_users_projects(household, foreign_household, desk_user):
    """`scope` keeps the user's households and persons and drops the other project's."""
    assert list(scope(Household.objects.all(), desk_user)) == [household]
    names = set(scope(Person.objects.all(), desk_user).values_list("name", flat=True))
    assert names == {"王建国"}


LISTS = [
    "buildings",
    "units",
    "households",
    "persons",
    "vehicles",
    "cards",
    "move-ins",
    "decorations",
    "notes",
    "changes",
]


@pytest.mark.parametrize("resource", LISTS)
def test_lists_show_only_rows_of_the_users_projects(
    desk_api, desk_user, household, foreign_household, project, resource
):
    """Every list of the API leaves out the other project's rows entirely."""
    services.vehicle_add(household=household, plate="粤B00001", by=desk_user)
    services.card_issue(
        household=household,
        kind="access",
        number="E-1",
        issued_on=dt.date(2026, 1, 1),
        by=desk_user,
    )
    services.movein_record(household=household, data={"keys_handed": 2}, by=desk_user)
    services.decoration_apply(
        household=household,
        data={
            "applied_on": dt.date(2026, 2, 1),
            "description": "厨房",
            "planned_start": dt.date(2026, 2, 2),
            "planned_end": dt.date(2026, 2, 9),
        },
        by=desk_user,
    )
    services.note_add(household=household, text="东湖花园的备注", by=desk_user)
    response = desk_api.get(f"{API}/{resource}/")
    assert response.status_code == 200
    rows = response.json()["results"]
    assert rows, resource
    assert {row["project"] for row in rows} == {project.pk}


def test_projects_list_shows_only_the_users_projects(desk_api, project, other_project):
    """GET /projects/ lists the projects the user is a member of, nothing else."""
    response = desk_api.get(f"{API}/projects/")
    assert [p["code"] for p in response.json()["results"]] == ["east"]
    assert desk_api.get(f"{API}/projects/{other_project.pk}/").status_code == 404


def test_a_row_of_another_project_is_a_404(desk_api, foreign_household):
    """Reading, changing or acting on another project's household file answers 404."""
    person = foreign_household.persons.get()
    card = Card.objects.get(household=foreign_household)
    decoration = foreign_household.decorations.get()
    urls = [
        f"{API}/households/{foreign_household.pk}/",
        f"{API}/units/{foreign_household.unit_id}/",
        f"{API}/buildings/{foreign_household.unit.building_id}/",
        f"{API}/persons/{person.pk}/",
        f"{API}/cards/{card.pk}/",
        f"{API}/decorations/{decoration.pk}/",
        f"{API}/move-ins/{foreign_household.move_in.pk}/",
    ]
    attachment = services.attachment_add(
        household=foreign_household,
        file=SimpleUploadedFile("deed.txt", b"deed"),
        title="房产证",
        by=foreign_household.project.memberships.get().user,
    )
    urls.append(f"{API}/attachments/{attachment.pk}/download/")
    for url in urls:
        assert desk_api.get(url).status_code == 404, url
    moved = desk_api.post(
        f"{API}/households/{foreign_household.pk}/move-out/",
        {"moved_out_on": "2026-11-23"},
        format="json",
    )
    assert moved.status_code == 404
    renamed = desk_api.patch(f"{API}/persons/{person.pk}/", {"name": "改名"}, format="json")
    assert renamed.status_code == 404
    lost = desk_api.post(
        f"{API}/cards/{card.pk}/status/", {"status": "lost", "on": "2026-11-23"}, format="json"
    )
    assert lost.status_code == 404
    back = desk_api.post(
        f"{API}/decorations/{decoration.pk}/passes/1/return/",
        {"returned_on": "2026-11-23"},
        format="json",
    )
    assert back.status_code == 404
    foreign_household.refresh_from_db()
    person.refresh_from_db()
    card.refresh_from_db()
    assert (foreign_household.moved_out_on, person.name, card.status) == (None, "赵六", "active")


def test_moving_into_a_unit_of_another_project_is_a_400_on_the_unit(desk_api, other_project):
    """A unit id of another project is refused on `unit`, as if it did not exist; nothing saved."""
    unit = UnitFactory(
        building=BuildingFactory(project=other_project, number="8"), number="0505", floor=5
    )
    response = desk_api.post(
        f"{API}/households/", {"unit": unit.pk, "moved_in_on": "2026-11-22"}, format="json"
    )
    assert response.status_code == 400
    assert "unit" in response.json()
    assert not Household.objects.filter(unit=unit).exists()
    unit.refresh_from_db()
    assert unit.status == "vacant"


def test_related_ids_of_another_project_are_refused_on_their_field(
    desk_api, household, foreign_household, building
):
    """Household, holder and building ids of another project are 400s on those fields."""
    other_person = foreign_household.persons.get()
    cases = [
        ("persons", {"household": foreign_household.pk, "name": "甲"}, "household"),
        ("notes", {"household": foreign_household.pk, "text": "偷看"}, "household"),
        (
            "cards",
            {
                "household": household.pk,
                "kind": "access",
                "number": "X-9",
                "holder": other_person.pk,
                "issued_on": "2026-11-22",
            },
            "holder",
        ),
        (
            "units",
            {
                "building": foreign_household.unit.building_id,
                "number": "0909",
                "floor": 9,
                "floor_area": "80",
            },
            "building",
        ),
    ]
    for resource, data, field in cases:
        response = desk_api.post(f"{API}/{resource}/", data, format="json")
        assert response.status_code == 400, resource
        assert field in response.json(), (resource, response.json())
    assert Note.objects.filter(household=foreign_household).count() == 1
    assert not Unit.objects.filter(number="0909").exists()


def test_a_building_cannot_be_added_to_another_project(api_client, supervisor, other_project):
    """A supervisor adding a building to a project they are not in is refused on `project`."""
    api_client.force_authenticate(supervisor)
    response = api_client.post(
        f"{API}/buildings/", {"project": other_project.pk, "number": "99"}, format="json"
    )
    assert response.status_code == 400
    assert "project" in response.json()
    assert not other_project.buildings.exists()


def test_filtering_by_a_building_of_another_project_is_refused(desk_api, foreign_household):
    """The building filter only accepts the user's buildings: another project's is a 400."""
    building_id = foreign_household.unit.building_id
    response = desk_api.get(f"{API}/households/?building={building_id}")
    assert response.status_code == 400
    assert "building" in response.json()


def test_a_member_of_both_projects_sees_both(
    api_client, household, foreign_household, project, other_project
):
    """Staff working in two projects see the households of both."""
    both = UserFactory(role=Role.SUPERVISOR, projects=[project, other_project])
    api_client.force_authenticate(both)
    rows = api_client.get(f"{API}/households/").json()["results"]
    assert {r["id"] for r in rows} == {household.pk, foreign_household.pk}
    narrowed = api_client.get(f"{API}/households/?project={other_project.pk}").json()["results"]
    assert [r["id"] for r in narrowed] == [foreign_household.pk]


def test_project_filter_offers_nothing_of_a_project_not_joined(
    desk_api, other_project, foreign_household
):
    """?project= of a project the user is not in is refused, not answered with its rows."""
    response = desk_api.get(f"{API}/households/?project={other_project.pk}")
    assert response.status_code == 400
    assert "project" in response.json()
