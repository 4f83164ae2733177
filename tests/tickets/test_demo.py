"""The demonstration orders."""

import pytest

from tests.factories import HouseholdFactory, UnitFactory
from tickets.choices import TicketStatus
from tickets.demo import seed_demo_tickets
from tickets.models import LiaisonForm

pytestmark = pytest.mark.django_db


def test_demo_orders_cover_each_kind_at_telling_steps(
    project, household, second_household, desk_user, engineer, butler, supervisor, cleaner
):
    """The demo leaves orders of every kind, numbered, at the steps a visitor should see."""
    unit = UnitFactory(building=household.unit.building, project=project, number="0303", floor=3)
    homes = [household, second_household, HouseholdFactory(unit=unit, project=project)]
    made = seed_demo_tickets(
        project,
        desk=desk_user,
        engineer=engineer,
        butler=butler,
        supervisor=supervisor,
        cleaner=cleaner,
        households=homes,
    )
    assert {t.kind for t in made} == {
        "repair",
        "complaint",
        "housekeeping",
        "greening",
        "convenience",
    }
    statuses = {t.status for t in made}
    wanted = {
        TicketStatus.CLOSED,
        TicketStatus.VOIDED,
        TicketStatus.ARRIVED,
        TicketStatus.REGISTERED,
    }
    assert wanted <= statuses
    repairs = sorted(t.serial for t in made if t.kind == "repair")
    assert repairs == [f"WX-{repairs[0][3:7]}-{n:06d}" for n in range(1, len(repairs) + 1)]
    assert LiaisonForm.objects.get().number.endswith("-0001")
