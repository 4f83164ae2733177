"""The demo data loaded by `manage.py seed_demo`."""

import datetime as dt
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
import time_machine
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


# The demo loaded on a working Wednesday morning (its history is spread before it).
LOADED = dt.datetime(2026, 11, 25, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker):
    """The demo, loaded once for this module and rolled back after it."""
    fast_hashing = override_settings(PASSWORD_HASHERS=[MD5])  # as tests.conftest does per test
    with django_db_blocker.unblock(), fast_hashing, transaction.atomic():
        with time_machine.travel(LOADED, tick=False):
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


def test_demo_has_a_believable_past(seeded):
    """The demo's history lies in the past months at its own moments: issued monthly complaint
    reports with a trend, closed orders called back weeks ago, move-ins recorded on their day,
    and every notice of the past already read."""
    from frontdesk.core.models import Notification
    from residents.models import ChangeRecord, MoveIn
    from tickets.models import Callback, ComplaintReport

    for project in Project.objects.all():
        reports = ComplaintReport.objects.filter(project=project).order_by("period")
        totals = [r.figures["summary"]["total"] for r in reports]
        assert len(totals) >= 5 and len(set(totals)) > 1 and sum(totals) > 0
        assert reports.last().period == "2026-10"  # the period ending on 27 October
    old = Callback.objects.filter(at__lt=LOADED - dt.timedelta(days=60))
    assert old.count() >= 10
    assert {c.ticket.status for c in old} == {"closed"}
    movein = MoveIn.objects.select_related("household").order_by("signed_on").first()
    line = ChangeRecord.objects.get(household=movein.household, subject="movein")
    assert line.at.date() == movein.signed_on < LOADED.date() - dt.timedelta(days=365)
    assert not Notification.objects.filter(read_at__isnull=True, created_at__lt=LOADED).exists()
    from tickets.statistics import complaint_reports_catch_up

    assert complaint_reports_catch_up(now=LOADED) == []  # no empty month before the history


def test_demo_fires_no_notice_in_its_first_hour(seeded):
    """An hour after loading, the deadline sweep finds nothing to warn or escalate about: the
    open demo orders have their commitments and nothing is about to lapse."""
    from frontdesk.core.deadlines import deadline_sweep
    from frontdesk.core.models import Notification

    before = Notification.objects.count()
    result = deadline_sweep(now=LOADED + dt.timedelta(minutes=60))
    assert (result.events, Notification.objects.count()) == (0, before)
