"""The demo data loaded by `manage.py seed_demo`."""

from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.db import transaction
from django.db.models import Count
from django.test import override_settings
from django.utils import translation

from frontdesk.core.models import Project
from frontdesk.core.roles import Role
from frontdesk.core.scoping import project_ids_for
from residents.models import Card, Decoration, Household, Person, Unit, Vehicle
from residents.validators import resident_id_is_valid, validate_phone, validate_plate

pytestmark = pytest.mark.django_db
MD5 = "django.contrib.auth.hashers.MD5PasswordHasher"


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker):
    """The demo, loaded once for this module and rolled back after it."""
    fast_hashing = override_settings(PASSWORD_HASHERS=[MD5])  # as tests.conftest does per test
    with django_db_blocker.unblock(), fast_hashing, transaction.atomic():
        call_command("seed_demo", "--if-empty", stdout=StringIO())
        yield
        transaction.set_rollback(True)


def login(username):
    user = get_user_model().objects.get(username=username)
    return user if user.check_password("demo12345") and user.is_active else None


def test_demo_loads_only_once(seeded):
    """--if-empty leaves an existing database alone (the load time is measured in bench/)."""
    households = Household.objects.count()
    out = StringIO()
    with translation.override("en"):
        call_command("seed_demo", "--if-empty", stdout=out)
    assert "not loaded" in out.getvalue()
    assert Household.objects.count() == households
    with pytest.raises(CommandError):
        call_command("seed_demo", stdout=StringIO())


def test_demo_has_two_estates_of_about_300_households(seeded):
    """Two projects of three buildings each, every building with a butler, ~300 household files."""
    projects = Project.objects.annotate(n=Count("buildings")).order_by("code")
    assert [(p.name, p.n) for p in projects] == [("翠湖名苑", 3), ("锦绣华庭", 3)]
    for project in projects:
        assert all(
            b.butler and b.butler.groups.filter(name=Role.BUTLER).exists()
            for b in project.buildings.all()
        )
    assert 280 <= Household.objects.count() <= 320
    unit = Unit.objects.get(project__code="jinxiu", code="3-1502")
    assert unit.floor == 15
    assert all(60 <= u.floor_area <= 180 for u in Unit.objects.all())
    numbers = list(Household.objects.values_list("project", "file_number"))
    assert len(set(numbers)) == len(numbers)


def test_demo_people_vehicles_and_cards_are_valid(seeded):
    """Every demo ID number has a correct check digit; phones and plates pass the validators."""
    people = list(Person.objects.all())
    assert len(people) > 500
    assert all(resident_id_is_valid(p.id_number) for p in people)
    for person in people:
        if person.phone:
            validate_phone(person.phone)
    assert {p.role for p in people} == {"owner", "tenant", "member", "emergency"}
    plates = list(Vehicle.objects.values_list("plate", flat=True))
    assert len(plates) > 30
    for plate in plates:
        validate_plate(plate)
    assert Card.objects.filter(kind="parking", vehicle__isnull=False).count() == len(plates)
    assert Household.objects.filter(move_in__isnull=True).count() == 0


def test_demo_keeps_unit_history_and_decorations(seeded):
    """Some units have a former household and a current one; decorations exist at every stage."""
    former = Household.objects.filter(moved_out_on__isnull=False)
    assert former.count() >= 10
    for household in former:
        current = Household.objects.get(unit=household.unit, moved_out_on__isnull=True)
        assert current.moved_in_on >= household.moved_out_on
        assert household.changes.filter(action="moved_out").exists()
    assert set(Decoration.objects.values_list("status", flat=True)) == {
        "applied",
        "approved",
        "in_progress",
        "inspected",
    }


def test_demo_logins_cover_every_role_and_scope(seeded):
    """Every role has a demo login with the documented password; desk2 sees only one project."""
    for username in [
        "desk",
        "desk2",
        "butler",
        "butler2",
        "supervisor",
        "manager",
        "cashier",
        "engineer",
        "cleaner",
        "greener",
        "security",
        "admin",
    ]:
        assert login(username) is not None, username
    desk = login("desk")
    roles = set()
    for user in Project.objects.get(code="jinxiu").memberships.select_related("user"):
        roles |= set(user.user.groups.values_list("name", flat=True))
    assert roles == set(Role.values)
    desk2 = login("desk2")
    assert project_ids_for(desk2) == [Project.objects.get(code="cuihu").pk]
    assert len(project_ids_for(desk)) == 2
    assert login("admin").is_superuser


def test_demo_includes_work_orders_in_both_projects(seeded):
    """The demo comes with numbered work orders of every kind in each project."""
    from tickets.models import Ticket

    for project in Project.objects.all():
        kinds = set(Ticket.objects.filter(project=project).values_list("kind", flat=True))
        assert {"repair", "complaint"} <= kinds


def test_demo_has_a_day_of_the_desks_records(seeded):
    """The demo shows the desk's day: a duty log with an order opened from it, an incident,
    a handover acknowledged in one estate and waiting for desk2 in the other, a signed check."""
    from frontdesk.desk.models import DutyLogEntry, Handover, Incident, Review

    assert DutyLogEntry.objects.filter(ticket__isnull=False).exists()
    assert DutyLogEntry.objects.filter(kind="emergency").count() == 2
    assert Incident.objects.count() == 2
    waiting = Handover.objects.get(status="awaiting")
    assert waiting.next_shift.clerk.username == "desk2"
    assert Handover.objects.filter(status="acknowledged").count() == 1
    assert Review.objects.filter(status="signed").count() == 2
