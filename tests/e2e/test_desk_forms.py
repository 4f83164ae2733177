"""In real Chromium: the registration form offers only the chosen project's buildings, and the
commitment's time has quick presets beside it (a static script, no inline code)."""

import datetime as dt

import pytest
from django.utils import timezone

from frontdesk.core.calendar import calendar_for
from frontdesk.core.models import Membership
from tests.factories import BuildingFactory
from tests.tickets.factories import register

from .test_repair_flow import log_in

pytestmark = pytest.mark.browser


def visible_options(page, selector):
    return page.eval_on_selector(
        selector,
        "s => Array.from(s.options).filter(o => !o.hidden && o.value).map(o => o.textContent)",
    )


def test_building_list_follows_the_chosen_project(page, desk_user, project, other_project):
    """A clerk of two projects registering a public-place order sees only the buildings of
    the project chosen in the form, and the list follows when the project changes."""
    Membership.objects.create(user=desk_user, project=other_project)
    BuildingFactory(project=project, number="1")
    BuildingFactory(project=other_project, number="7")
    log_in(page, desk_user)
    page.goto("/tickets/new/?kind=repair")
    page.select_option("#id_project", str(project.pk))
    shown = visible_options(page, "#id_building")
    assert shown and all(project.name in label for label in shown)
    page.select_option("#id_project", str(other_project.pk))
    shown = visible_options(page, "#id_building")
    assert shown and all(other_project.name in label for label in shown)


def test_commitment_presets_fill_the_time(page, desk_user, household):
    """Beside the commitment's time: "+30 分钟" fills now + 30 minutes, "今天下班前" the end of
    today's working day by the project's calendar."""
    ticket = register(household=household, by=desk_user)
    log_in(page, desk_user)
    page.goto(f"/tickets/{ticket.pk}/")
    commit = page.locator("#action-commit")
    if commit.get_attribute("open") is None:
        commit.locator("summary").click()
    field = commit.locator("input[name=commit-by_when]")
    commit.get_by_role("button", name="+30 分钟").click()
    chosen = dt.datetime.fromisoformat(field.input_value())
    expected = timezone.localtime().replace(tzinfo=None, second=0, microsecond=0)
    assert abs(chosen - (expected + dt.timedelta(minutes=30))) <= dt.timedelta(minutes=2)
    commit.get_by_role("button", name="今天下班前").click()
    end = calendar_for(household.project_id).end_of_working_day(timezone.now())
    assert field.input_value() == timezone.localtime(end).strftime("%Y-%m-%dT%H:%M")
