"""Household alerts: important customer, repeated complaints, dissatisfied at the last
callback, arrears — their rules, who may mark, and every page that opens a household."""

import datetime as dt
from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from billing.models import Bill
from frontdesk.core.errors import ApplicationError
from frontdesk.core.household_flags import flags_for, household_flags
from frontdesk.core.models import Notification
from residents.models import ImportantMark
from residents.services import household_mark_important
from tests.factories import HouseholdFactory
from tests.tickets.factories import register
from tickets import services as ticket_services
from tickets.models import TicketSettings

from .test_incidents_follow_ups_calls import line, ring  # noqa: F401 - the ring fixture

pytestmark = pytest.mark.django_db

COMPLAINT = {"category": "cleaning", "reason": "service_quality"}
# Flags are read as a supervisor (who sees them all) unless a test says otherwise.
SUPERVISOR = None


@pytest.fixture(autouse=True)
def _reader(supervisor):
    global SUPERVISOR
    SUPERVISOR = supervisor


def codes(household, user=None):
    return [f.code for f in household_flags(household.pk, user=user or SUPERVISOR)]


def complain(household, desk_user, days_ago):
    with time_machine.travel(timezone.now() - dt.timedelta(days=days_ago), tick=False):
        return register(household=household, by=desk_user, kind="complaint", complaint=COMPLAINT)


def test_important_mark_set_and_cleared_by_a_supervisor_keeps_both_rows(
    household, supervisor, manager
):
    """A supervisor marks an important customer (the manager is told), then clears it with a
    reason: two rows kept, the flag gone, and a second clearing refused."""
    household_mark_important(household=household, important=True, note="业委会主任", by=supervisor)
    assert codes(household) == ["important"]
    assert Notification.objects.filter(user=manager, topic="household.important").count() == 1
    household_mark_important(household=household, important=False, note="已卸任", by=supervisor)
    assert codes(household) == []
    assert ImportantMark.objects.filter(household=household).count() == 2
    with pytest.raises(ApplicationError) as refused:
        household_mark_important(household=household, important=False, note="再清", by=supervisor)
    assert "important" in refused.value.fields


def test_a_desk_clerk_cannot_mark_an_important_customer(client, household, desk_user):
    """The service, the page and the API refuse the desk clerk; nothing is written."""
    with pytest.raises(PermissionDenied):
        household_mark_important(household=household, important=True, note="x", by=desk_user)
    client.force_login(desk_user)
    url = reverse("residents:important", args=[household.pk])
    assert client.post(url, {"note": "x"}).status_code == 403
    api = APIClient()
    api.force_authenticate(desk_user)
    answer = api.post(
        f"/api/v1/households/{household.pk}/important/", {"important": True, "note": "x"}
    )
    assert answer.status_code == 403
    assert not ImportantMark.objects.exists()


def test_repeated_complaints_follow_the_projects_rule(household, desk_user, project):
    """Two complaints in 30 days are not flagged, a third is; one older than the window does
    not count; a project that sets 2 in 7 days flags two recent ones."""
    complain(household, desk_user, 40)
    complain(household, desk_user, 10)
    complain(household, desk_user, 2)
    assert "repeated_complaints" not in codes(household)
    complain(household, desk_user, 1)
    assert "repeated_complaints" in codes(household)

    other = HouseholdFactory(unit__building__project=project, project=project)
    complain(other, desk_user, 3)
    complain(other, desk_user, 20)
    assert "repeated_complaints" not in codes(other)
    TicketSettings.objects.create(project=project, repeat_complaints=2, repeat_complaint_days=30)
    assert "repeated_complaints" in codes(other)


def test_dissatisfied_last_callback_and_arrears(household, desk_user, engineer, supervisor):
    """The latest callback found the resident not satisfied: flagged until a later callback
    is satisfied. A bill past due and unpaid is flagged with its amount; none when paid."""
    order = register(household=household, by=desk_user)
    ticket_services.ticket_dispatch(ticket=order, by=desk_user, assignee=engineer)
    ticket_services.ticket_arrive(ticket=order, by=engineer)
    ticket_services.ticket_complete(ticket=order, by=engineer)
    ticket_services.ticket_return(ticket=order, by=desk_user)
    ticket_services.ticket_callback(
        ticket=order, by=supervisor, satisfaction="not_satisfied", comment="态度差"
    )
    assert "dissatisfied" in codes(household)

    today = timezone.localdate()
    Bill.objects.create(
        project=household.project,
        household=household,
        period=today.replace(day=1) - dt.timedelta(days=60),
        status="issued",
        amount=Decimal("300.00"),
        issued_at=timezone.now(),
        due_on=today - dt.timedelta(days=45),
    )
    [arrears] = [f for f in household_flags(household.pk, user=supervisor) if f.code == "arrears"]
    assert "300.00" in arrears.detail and "45" in arrears.detail
    assert "arrears" not in codes(household, user=engineer)  # fees are not a worker's business
    Bill.objects.update(status="paid")
    assert "arrears" not in codes(household)


def test_flags_of_many_households_cost_the_same_queries(household, desk_user, project):
    """Asking for the flags of 1 or 10 households costs the same number of queries."""
    others = [HouseholdFactory(unit__building__project=project, project=project) for _ in range(9)]
    for other in others:
        complain(other, desk_user, 1)

    def cost(ids):
        with CaptureQueriesContext(connection) as queries:
            flags_for(ids, user=desk_user)
        return len(queries)

    assert cost([household.pk]) == cost([household.pk, *(o.pk for o in others)])


def test_flags_show_on_the_file_the_order_form_the_duty_log_and_the_caller_pop(
    client,
    household,
    desk_user,
    supervisor,
    line,  # noqa: F811
):
    """Every page that opens the household shows the important-customer flag at once."""
    household_mark_important(household=household, important=True, note="人大代表", by=supervisor)
    client.force_login(desk_user)
    pages = [
        reverse("household-file", args=[household.pk]),
        reverse("tickets:new") + f"?household={household.pk}",
        reverse("desk:duty-log") + f"?household={household.pk}&project={household.project_id}",
        reverse("desk:household-pick") + f"?q={household.unit.code}",
    ]
    for url in pages:
        html = client.get(url).content.decode()
        assert 'data-flag="important"' in html, url
    assert ring().status_code == 201
    assert 'data-flag="important"' in client.get(reverse("desk:ringing")).content.decode()
    api = APIClient()
    api.force_authenticate(desk_user)
    detail = api.get(f"/api/v1/households/{household.pk}/").json()
    assert [f["code"] for f in detail["flags"]] == ["important"]


def test_a_supervisor_marks_from_the_file_page(client, household, supervisor):
    """The file's button leads the supervisor to the form; the mark is saved with its note."""
    client.force_login(supervisor)
    url = reverse("residents:important", args=[household.pk])
    assert url in client.get(reverse("household-file", args=[household.pk])).content.decode()
    assert client.post(url, {"note": ""}).status_code == 200  # the note is required
    assert not ImportantMark.objects.exists()
    assert client.post(url, {"note": "重要业主"}).status_code == 302
    assert codes(household) == ["important"]
