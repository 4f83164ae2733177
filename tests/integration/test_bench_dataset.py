"""The benchmark's dataset still loads into the current schema.

The benchmark writes its rows with COPY, column by column, so a column added to a
model without a default breaks `make bench` without any other test noticing. This
builds the same dataset at a tiny scale (2 + 2 buildings of 2 floors × 3 units) with
the real builder, in the test database.
"""

import pytest

from bench import dataset
from residents.models import ChangeRecord, Household, MoveIn, Person

pytestmark = pytest.mark.django_db


def test_households_part_loads_at_a_tiny_scale(monkeypatch):
    """Every table the households part fills accepts its rows, and the counts add up."""
    monkeypatch.setattr(dataset, "FLOORS", 2)
    monkeypatch.setattr(dataset, "UNITS_PER_FLOOR", 3)
    monkeypatch.setattr(dataset, "HOUSEHOLDS", 30)
    monkeypatch.setattr(
        dataset,
        "PROJECT_PLANS",
        [dataset.ProjectPlan(p.code, p.name, 2, p.handover) for p in dataset.PROJECT_PLANS],
    )
    lines: list[str] = []
    dataset._HouseholdsBuilder(lines.append).run()
    assert Household.objects.count() == 30
    assert MoveIn.objects.count() == 30
    assert Person.objects.count() >= 30
    moved_out = Household.objects.filter(moved_out_on__isnull=False).count()
    assert ChangeRecord.objects.count() == 30 + moved_out
    assert not ChangeRecord.objects.filter(author_name="").exists()
    assert dataset._households_loaded()
