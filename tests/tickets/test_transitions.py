"""The transition table: one definition of what may happen when, used by services and API."""

import pytest
from django.urls import reverse

from frontdesk.core.errors import ApplicationError
from tickets.choices import TicketStatus
from tickets.models import Ticket
from tickets.transitions import TRANSITIONS, allowed_actions, check

from .factories import ComplaintDetailFactory, TicketFactory

pytestmark = pytest.mark.django_db


def test_every_action_of_the_table_has_its_api_endpoint():
    """Each transition is one POST endpoint of an order, at the transition's URL name."""
    for transition in TRANSITIONS.values():
        url = reverse(f"ticket-{transition.url_name}", args=[1])
        assert url == f"/api/v1/tickets/1/{transition.url_name}/"


def test_buttons_follow_the_status_kind_and_role(household, desk_user, supervisor, butler):
    """A registered repair offers dispatch but not accept; a voided one offers nothing; only a
    supervisor is offered the forced close; complaint steps are offered on complaints only, the
    butler's reply to the butler."""
    repair = TicketFactory(project=household.project, household=household, created_by=desk_user)
    desk_actions = [t.action for t in allowed_actions(repair, desk_user)]
    assert "dispatch" in desk_actions and "accept" not in desk_actions
    assert "force_close" not in desk_actions and "butler_reply" not in desk_actions
    assert "force_close" in [t.action for t in allowed_actions(repair, supervisor)]
    repair.status = TicketStatus.VOIDED
    assert allowed_actions(repair, supervisor) == []
    complaint = ComplaintDetailFactory(
        ticket__project=household.project,
        ticket__household=household,
        ticket__status=TicketStatus.DISPATCHED,
        ticket__created_by=desk_user,
    ).ticket
    offered = [t.action for t in allowed_actions(complaint, butler)]
    assert "butler_reply" in offered and "complete" not in offered
    assert "butler_reply" not in [t.action for t in allowed_actions(complaint, desk_user)]


@pytest.mark.parametrize(
    ("status", "action"),
    [
        (TicketStatus.REGISTERED, "accept"),
        (TicketStatus.REGISTERED, "complete"),
        (TicketStatus.DISPATCHED, "return"),
        (TicketStatus.DONE, "dispatch"),
        (TicketStatus.RETURNED, "close"),
        (TicketStatus.CLOSED, "void"),
        (TicketStatus.VOIDED, "complete"),
        (TicketStatus.VOIDED, "void"),
        (TicketStatus.PAUSED, "arrive"),
    ],
)
def test_illegal_transition_is_refused_naming_the_status(desk_user, status, action):
    """An action outside its statuses is refused with a message naming the order's status."""
    ticket = Ticket(kind="repair", status=status)
    with pytest.raises(ApplicationError) as refused:
        check(ticket, action, desk_user)
    assert str(TicketStatus(status).label) in str(refused.value)
