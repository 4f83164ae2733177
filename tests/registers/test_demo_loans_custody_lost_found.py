"""The demo's key boards, valuables in custody and lost and found."""

import datetime as dt
import random

import pytest
from django.utils import timezone
from faker import Faker

from frontdesk.core.open_items import gather_open_items
from frontdesk.desk.demo import DemoData
from frontdesk.registers.demo import custody, loans, lost_found
from frontdesk.registers.models import Deposit, FoundItem, Key, Loan
from tests.factories import UnitFactory

pytestmark = pytest.mark.django_db


def test_the_demo_shows_each_register_at_telling_steps(
    project, household, building, desk_user, supervisor, butler
):
    """Per project: a key board with vacant units and the file cabinet, a loan out and one
    overdue, returned ones; a deposit held and one returned; found items returned, waiting,
    past their period and disposed of."""
    for n in range(3):
        UnitFactory(building=building, project=project, number=f"06{n + 1:02d}", floor=6)
    for user, role in ((desk_user, "desk"), (supervisor, "supervisor"), (butler, "butler")):
        user._demo_roles = {role}
        user._demo_projects = {"east"}
    data = DemoData(
        today=timezone.localdate(),
        faker=Faker("zh_CN"),
        random=random.Random(1),
        projects={"east": project},
        staff={"desk1": desk_user, "supervisor1": supervisor, "butler1": butler},
        households={"east": [household]},
    )
    loans.load(data)
    custody.load(data)
    lost_found.load(data)

    assert Key.objects.filter(kind="vacant_unit").count() == 3
    assert Key.objects.filter(kind="file_cabinet").count() == 1
    now = timezone.now()
    out = Loan.objects.filter(status="out")
    assert out.filter(due_at__lt=now).count() == 1 and out.filter(due_at__gte=now).count() == 2
    assert Loan.objects.filter(status="returned").count() == 4
    assert sorted(Deposit.objects.values_list("status", flat=True)) == ["held", "returned"]
    statuses = sorted(FoundItem.objects.values_list("status", flat=True))
    assert statuses == ["disposed", "returned", "waiting", "waiting"]
    sections = {s["key"]: s["items"] for s in gather_open_items(project=project)}
    assert len(sections["registers.loans_overdue"]) == 1
    assert len(sections["registers.lost_found_past_holding"]) == 1
    assert FoundItem.objects.filter(hold_until__lt=timezone.localdate() - dt.timedelta(days=1))
