"""The admin of household files: scoped to projects, recorded in the history, fast on big tables."""

import datetime as dt

import pytest
from django.contrib import admin
from django.urls import reverse

from frontdesk.core.roles import Role
from residents.models import ChangeRecord, Household, Person
from tests.factories import (
    BuildingFactory,
    HouseholdFactory,
    PersonFactory,
    UnitFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def superuser(project):
    return UserFactory(username="root", is_staff=True, is_superuser=True, projects=[project])


@pytest.fixture
def staff_supervisor(project):
    """A supervisor who may open the admin, working in `project` only."""
    return UserFactory(username="sup", role=Role.SUPERVISOR, projects=[project], is_staff=True)


@pytest.fixture
def foreign_household(other_project):
    building = BuildingFactory(project=other_project, number="9")
    unit = UnitFactory(building=building, project=other_project, number="0901", floor=9)
    household = HouseholdFactory(unit=unit, project=other_project)
    PersonFactory(household=household, project=other_project, name="外人甲")
    return household


def admin_url(model, action="changelist", *args):
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{action}", args=args)


def test_every_admin_page_opens_for_a_superuser(client, superuser, household, foreign_household):
    """Each registered list and add page of projects, staff and household files answers 200."""
    client.force_login(superuser)
    for model, model_admin in admin.site._registry.items():
        if model._meta.app_label not in {"core", "auth", "residents"}:
            continue
        assert client.get(admin_url(model)).status_code == 200, model
        if model_admin.has_add_permission(type("R", (), {"user": superuser})()):
            assert client.get(admin_url(model, "add")).status_code == 200, model
    response = client.get(admin_url(Household, "change", household.pk))
    assert response.status_code == 200


def test_staff_admin_sees_only_their_projects(
    client, staff_supervisor, household, foreign_household
):
    """A supervisor's admin lists only their project's households; another project's is absent."""
    client.force_login(staff_supervisor)
    listing = client.get(admin_url(Household)).content.decode()
    assert household.file_number in listing
    assert foreign_household.file_number not in listing
    people = client.get(admin_url(Person)).content.decode()
    assert "王建国" in people and "外人甲" not in people
    response = client.get(admin_url(Household, "change", foreign_household.pk))
    assert response.status_code == 302  # "does not exist", never the other project's file


def test_editing_a_person_in_the_admin_is_recorded(client, superuser, household):
    """A correction of a phone in the admin leaves a history line with old and new values."""
    client.force_login(superuser)
    person = household.persons.get()
    response = client.post(
        admin_url(Person, "change", person.pk),
        {
            "household": household.pk,
            "role": "owner",
            "name": "王建国",
            "phone": "13900001111",
            "id_type": "resident_id",
            "id_number": person.id_number,
            "gender": "",
            "is_primary": "on",
            "notes": "",
            "is_active": "on",
        },
    )
    assert response.status_code == 302
    line = ChangeRecord.objects.get(household=household)
    assert (line.actor, line.action) == (superuser, "updated")
    assert line.changes == {"phone": ["13812345678", "13900001111"]}


def test_a_move_in_in_the_admin_gets_its_file_number_from_the_service(client, superuser, unit):
    """Adding a household in the admin numbers its file by date and records the move-in."""
    client.force_login(superuser)
    response = client.post(
        admin_url(Household, "add"),
        {
            "unit": unit.pk,
            "moved_in_on": "2026-11-22",
            "notes": "",
            "persons-TOTAL_FORMS": "1",
            "persons-INITIAL_FORMS": "0",
            "persons-0-role": "owner",
            "persons-0-name": "李雷",
            "persons-0-phone": "13800000001",
            "persons-0-id_type": "resident_id",
            "persons-0-id_number": "",
            "persons-0-gender": "",
            "persons-0-is_primary": "on",
            "persons-0-is_active": "on",
            "vehicles-TOTAL_FORMS": "0",
            "vehicles-INITIAL_FORMS": "0",
            "cards-TOTAL_FORMS": "0",
            "cards-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    household = Household.objects.get(unit=unit)
    assert household.file_number == "20261122-001"
    assert household.persons.get().project_id == unit.project_id
    assert set(household.changes.values_list("action", flat=True)) == {"moved_in", "added"}


def test_a_second_current_household_is_refused_in_the_admin(client, superuser, household):
    """The admin refuses a move-in into an occupied unit with a message on the unit field."""
    client.force_login(superuser)
    response = client.post(
        admin_url(Household, "add"),
        {
            "unit": household.unit.pk,
            "moved_in_on": "2026-11-22",
            "notes": "",
            "persons-TOTAL_FORMS": "0",
            "persons-INITIAL_FORMS": "0",
            "vehicles-TOTAL_FORMS": "0",
            "vehicles-INITIAL_FORMS": "0",
            "cards-TOTAL_FORMS": "0",
            "cards-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 200
    assert "1502" in str(response.context["adminform"].form.errors["unit"])
    assert Household.objects.filter(unit=household.unit).count() == 1


def test_a_unit_of_another_project_cannot_be_picked(client, staff_supervisor, foreign_household):
    """A raw id of another project's unit is refused like an unknown one."""
    client.force_login(staff_supervisor)
    response = client.post(
        admin_url(Household, "add"),
        {
            "unit": foreign_household.unit.pk,
            "moved_in_on": dt.date(2026, 11, 22).isoformat(),
            "notes": "",
            "persons-TOTAL_FORMS": "0",
            "persons-INITIAL_FORMS": "0",
            "vehicles-TOTAL_FORMS": "0",
            "vehicles-INITIAL_FORMS": "0",
            "cards-TOTAL_FORMS": "0",
            "cards-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 200
    assert "unit" in response.context["adminform"].form.errors


def test_households_and_persons_are_never_deleted(client, superuser, household):
    """Even a superuser cannot delete a household or a person from the admin."""
    client.force_login(superuser)
    assert client.get(admin_url(Household, "delete", household.pk)).status_code == 403
    person = household.persons.get()
    assert client.get(admin_url(Person, "delete", person.pk)).status_code == 403
    assert Household.objects.filter(pk=household.pk).exists()


def test_household_pages_use_raw_ids_and_few_queries(
    client, superuser, household, django_assert_max_num_queries
):
    """The household list costs a fixed number of queries; its form has no <select> of units."""
    for number in range(10):
        unit = UnitFactory(
            building=household.unit.building,
            project=household.project,
            number=f"2{number:02d}",
            floor=2,
        )
        HouseholdFactory(unit=unit, project=household.project)
    client.force_login(superuser)
    with django_assert_max_num_queries(12):
        assert client.get(admin_url(Household)).status_code == 200
    form = client.get(admin_url(Household, "add")).content.decode()
    assert 'name="unit"' in form and '<select name="unit"' not in form


def test_staff_list_shows_roles_and_projects(client, superuser, desk_user):
    """The user list shows each staff member's roles and projects."""
    client.force_login(superuser)
    page = client.get(reverse("admin:auth_user_changelist")).content.decode()
    assert "desk1" in page and "东湖花园" in page


def test_admin_masks_phones_for_a_role_without_view_phone(client, project, household):
    """An engineer with admin access sees residents' phones masked in the list and the file."""
    engineer = UserFactory(username="eng", role=Role.ENGINEERING, projects=[project], is_staff=True)
    client.force_login(engineer)
    listing = client.get(admin_url(Person)).content.decode()
    assert "王建国" in listing
    assert "138****5678" in listing and "13812345678" not in listing
    person = household.persons.get()
    page = client.get(admin_url(Person, "change", person.pk)).content.decode()
    assert page.count("王建国") and "13812345678" not in page
    found = client.get(admin_url(Person), {"q": "13812345678"}).content.decode()
    assert "王建国" not in found


@pytest.fixture
def masked_staff(project):
    """Admin users who see personal data masked: the desk (ID numbers), cleaning (both)."""
    return {
        "desk": UserFactory(
            username="adm-desk",
            first_name="前台甲",
            role=Role.DESK,
            projects=[project],
            is_staff=True,
        ),
        "cleaning": UserFactory(
            username="adm-clean",
            first_name="保洁乙",
            role=Role.CLEANING,
            projects=[project],
            is_staff=True,
        ),
    }


@pytest.fixture
def two_people(household):
    """Two residents whose ID numbers and phones share their visible parts."""
    first = household.persons.get()
    first.id_number = "440305199001011234"
    first.save()
    PersonFactory(
        household=household,
        project=household.project,
        name="李娜",
        phone="13899995678",
        id_number="440305198512121234",
    )
    return household


def test_admin_refuses_url_lookups_on_masked_id_numbers_and_phones(
    client, masked_staff, two_people
):
    """?id_number__startswith=… and ?phone__startswith=… (directly or through a household) are
    refused with a 400 for a role that sees the value masked: they cannot narrow the list."""
    household_url = admin_url(Household)
    for role, url, lookup in (
        ("desk", admin_url(Person), "id_number__startswith=4403051990"),
        ("desk", admin_url(Person), "id_number=440305199001011234"),
        ("desk", household_url, "persons__id_number__startswith=4403051990"),
        ("cleaning", admin_url(Person), "phone__startswith=1381"),
        ("cleaning", admin_url(Person), "phone__contains=1234"),
        ("cleaning", household_url, "persons__phone__startswith=1381"),
    ):
        client.force_login(masked_staff[role])
        response = client.get(f"{url}?{lookup}")
        assert response.status_code == 400, (role, lookup)
        assert "王建国" not in response.content.decode()


def test_admin_searches_leave_out_masked_fields(client, masked_staff, two_people):
    """Searching the person list by the hidden digits of a phone finds nobody for a role
    that sees phones masked; the desk, which sees phones, finds the resident."""
    client.force_login(masked_staff["cleaning"])
    found = client.get(admin_url(Person), {"q": "1234"}).content.decode()
    assert "王建国" not in found and "李娜" not in found
    client.force_login(masked_staff["desk"])
    found = client.get(admin_url(Person), {"q": "1234"}).content.decode()
    assert "王建国" in found and "李娜" not in found


def test_admin_filters_only_through_its_declared_filters(
    client, masked_staff, staff_supervisor, two_people, project
):
    """The declared filters (project, role, still listed) work for every role; a lookup the
    list does not offer is a 400, even on a field that is not masked."""
    for user in (masked_staff["cleaning"], staff_supervisor):
        client.force_login(user)
        url = admin_url(Person)
        assert client.get(f"{url}?role__exact=owner&is_active__exact=1").status_code == 200
        assert client.get(f"{url}?project__id__exact={project.pk}").status_code == 200
        assert client.get(f"{url}?name__startswith=王").status_code == 400
    # Even a supervisor, who sees ID numbers, cannot filter by one the list does not offer.
    assert client.get(f"{admin_url(Person)}?id_number__startswith=440305").status_code == 400


def test_worker_pass_admin_hides_the_id_number_and_refuses_lookups_on_it(
    client, masked_staff, household, desk_user
):
    """A desk user given the worker-pass admin never sees a worker's ID number in its form,
    and cannot filter the passes by it or by a phone digit."""
    from django.contrib.auth.models import Permission

    from residents import services
    from residents.models import DecorationWorkerPass

    decoration = services.decoration_apply(
        household=household,
        data={
            "applied_on": dt.date(2026, 11, 20),
            "description": "厨房改造",
            "contractor": "美家装饰",
            "planned_start": dt.date(2026, 12, 1),
            "planned_end": dt.date(2026, 12, 31),
        },
        by=desk_user,
    )
    services.decoration_set_status(decoration=decoration, status="approved", by=desk_user)
    worker_pass = services.decoration_pass_issue(
        decoration=decoration,
        name="刘师傅",
        phone="13611112222",
        id_number="440305198801015678",
        valid_until=dt.date(2026, 12, 31),
        by=desk_user,
    )
    user = masked_staff["desk"]
    user.user_permissions.add(
        Permission.objects.get(codename="view_decorationworkerpass"),
        Permission.objects.get(codename="change_decorationworkerpass"),
    )
    client.force_login(user)
    page = client.get(admin_url(DecorationWorkerPass, "change", worker_pass.pk))
    assert page.status_code == 200
    html = page.content.decode()
    assert "刘师傅" in html and "440305198801015678" not in html and 'name="id_number"' not in html
    url = admin_url(DecorationWorkerPass)
    assert client.get(f"{url}?id_number__startswith=4403051988").status_code == 400
    assert client.get(f"{url}?decoration__contractor=美家装饰").status_code == 400


def test_decoration_and_history_admin_hide_phones_from_a_masked_role(
    client, masked_staff, household, superuser
):
    """A cleaning user given the decoration and history admins sees neither the contractor's
    phone nor a history line's old and new phones."""
    from django.contrib.auth.models import Permission

    from residents import services
    from residents.models import Decoration

    decoration = services.decoration_apply(
        household=household,
        data={
            "applied_on": dt.date(2026, 11, 20),
            "description": "厨房改造",
            "contractor": "美家装饰",
            "contractor_phone": "13733334444",
            "planned_start": dt.date(2026, 12, 1),
            "planned_end": dt.date(2026, 12, 31),
        },
        by=superuser,
    )
    person = household.persons.get()
    services.person_update(person=person, data={"phone": "13955556666"}, by=superuser)
    line = ChangeRecord.objects.get(household=household, action="updated")
    user = masked_staff["cleaning"]
    user.user_permissions.add(
        *Permission.objects.filter(codename__in=["change_decoration", "view_changerecord"])
    )
    client.force_login(user)
    html = client.get(admin_url(Decoration, "change", decoration.pk)).content.decode()
    assert "美家装饰" in html and "13733334444" not in html
    response = client.get(admin_url(ChangeRecord, "change", line.pk))
    assert response.status_code == 200
    html = response.content.decode()
    assert "13812345678" not in html and "13955556666" not in html
