"""Who may take which step of a work order: every role against every transition, on the order
page and in the API, and registering an order.

The expected table is written out here from the procedures, not read from
`tickets.transitions`, so that a change to who may do what shows up as a failing test.
"""

import pytest
from django.urls import reverse
from django.utils import translation
from rest_framework.test import APIClient

from frontdesk.core.roles import Role
from tickets import services
from tickets.choices import TicketKind, TicketStatus
from tickets.models import Ticket, TicketEvent
from tickets.transitions import TRANSITIONS, allowed_actions, not_ready

from .factories import ComplaintDetailFactory, TicketFactory, register

pytestmark = pytest.mark.django_db

S = TicketStatus
DESK = {Role.DESK, Role.SUPERVISOR, Role.MANAGER}
BOSSES = {Role.SUPERVISOR, Role.MANAGER}
BUTLER = {Role.BUTLER}
# The table's repair order is dispatched to engineering; its housekeeping order to cleaning.
ENGINEERING = {Role.ENGINEERING}

# action: (kind, status the order is in, roles that may take it)
EXPECTED: dict[str, tuple[str, str, set[str]]] = {
    "acknowledge_quote": (TicketKind.REPAIR, S.REGISTERED, DESK),
    "price": (TicketKind.HOUSEKEEPING, S.REGISTERED, {Role.BUTLER, Role.CLEANING, *BOSSES}),
    "confirm_time": (TicketKind.REPAIR, S.REGISTERED, DESK | BUTLER | ENGINEERING),
    "commit": (TicketKind.REPAIR, S.REGISTERED, DESK | BUTLER),
    "dispatch": (TicketKind.REPAIR, S.REGISTERED, DESK),
    "accept": (TicketKind.REPAIR, S.DISPATCHED, ENGINEERING),
    "arrive": (TicketKind.REPAIR, S.DISPATCHED, ENGINEERING),
    "pause": (TicketKind.REPAIR, S.ACCEPTED, DESK | ENGINEERING),
    "resume": (TicketKind.REPAIR, S.PAUSED, DESK | ENGINEERING),
    "transfer": (TicketKind.REPAIR, S.DISPATCHED, DESK | ENGINEERING),
    "follow_up": (TicketKind.REPAIR, S.DISPATCHED, DESK | BUTLER),
    "complete": (TicketKind.REPAIR, S.ACCEPTED, ENGINEERING),
    "return": (TicketKind.REPAIR, S.DONE, DESK),
    "callback": (TicketKind.REPAIR, S.RETURNED, DESK),
    "close": (TicketKind.REPAIR, S.VISITED, DESK),
    "rework": (TicketKind.REPAIR, S.VISITED, DESK),
    "void": (TicketKind.REPAIR, S.DISPATCHED, DESK),
    "force_close": (TicketKind.REPAIR, S.DISPATCHED, BOSSES),
    "promise_slip": (TicketKind.REPAIR, S.DISPATCHED, DESK | BUTLER),
    "warranty_pass": (TicketKind.REPAIR, S.REGISTERED, DESK | ENGINEERING),
    "warranty_report": (TicketKind.REPAIR, S.DISPATCHED, DESK | ENGINEERING),
    "investigate": (TicketKind.COMPLAINT, S.REGISTERED, DESK | BUTLER),
    "butler_reply": (TicketKind.COMPLAINT, S.DISPATCHED, BUTLER),
    "refer": (TicketKind.COMPLAINT, S.DISPATCHED, DESK | BUTLER),
    "decide": (TicketKind.COMPLAINT, S.ACCEPTED, BOSSES),
    "answer": (TicketKind.COMPLAINT, S.ACCEPTED, DESK | BUTLER),
    "sign_off": (TicketKind.COMPLAINT, S.DONE, BUTLER),
    "confirm": (TicketKind.COMPLAINT, S.VISITED, DESK),
    "mark_valid": (TicketKind.COMPLAINT, S.RETURNED, BOSSES),
}
ROLES = list(Role.values)


def test_the_table_covers_every_transition():
    """Every transition of the table has its expected roles here, and names roles itself."""
    assert set(EXPECTED) == set(TRANSITIONS)
    assert all(t.roles or t.department for t in TRANSITIONS.values())


@pytest.fixture
def staff(project):
    from tests.factories import UserFactory

    return {role: UserFactory(role=role, projects=[project]) for role in ROLES}


def _order(household, desk_user, kind: str, status: str) -> Ticket:
    """An order of `kind` in `status`, dispatched to its department with nobody named."""
    if kind == TicketKind.COMPLAINT:
        return ComplaintDetailFactory(
            ticket__project=household.project,
            ticket__household=household,
            ticket__status=status,
            ticket__created_by=desk_user,
        ).ticket
    department = "cleaning" if kind == TicketKind.HOUSEKEEPING else "engineering"
    return TicketFactory(
        project=household.project,
        household=household,
        kind=kind,
        status=status,
        department=department,
        paused_from=S.ACCEPTED if status == S.PAUSED else "",
        created_by=desk_user,
    )


def _api(user, ticket: Ticket, action: str):
    client = APIClient()
    client.force_authenticate(user)
    url = f"/api/v1/tickets/{ticket.pk}/{TRANSITIONS[action].url_name}/"
    return client.post(url, {}, format="json")


def _page(client, user, ticket: Ticket, action: str):
    client.force_login(user)
    url = reverse("tickets:act", kwargs={"pk": ticket.pk, "action": TRANSITIONS[action].url_name})
    return client.post(url, {})


@pytest.mark.parametrize("channel", ["api", "page"])
@pytest.mark.parametrize("action", sorted(EXPECTED))
def test_each_role_may_take_only_its_own_steps(
    client, household, desk_user, staff, action, channel
):
    """Each role × transition, on the page and in the API: a role the procedures do not give
    the step gets 403 and the order is untouched; a role they give it to is let through (the
    answer is the step done or a message about the form, never a 403)."""
    kind, status, allowed = EXPECTED[action]
    for role in ROLES:
        ticket = _order(household, desk_user, kind, status)
        user = staff[role]
        if channel == "api":
            answer = _api(user, ticket, action)
        else:
            answer = _page(client, user, ticket, action)
        ticket.refresh_from_db()
        if role in allowed:
            assert answer.status_code != 403, (role, action, channel)
            offered = (
                [t.action for t in allowed_actions(ticket, user)]
                if ticket.status == status
                else None
            )
            # Offered, unless the order itself still lacks something for it (a fee to
            # acknowledge, a repair passed to the developer): that is not the role's business.
            lacking = not_ready(ticket, action)
            assert offered is None or action in offered or lacking is not None, (role, action)
        else:
            assert answer.status_code == 403, (role, action, channel, answer.status_code)
            if channel == "api":
                # The project's one error shape, with the reason.
                with translation.override("zh-hans"):
                    label = str(TRANSITIONS[action].label)
                assert label in answer.json()["non_field_errors"][0]
            assert ticket.status == status
            assert not TicketEvent.objects.filter(ticket=ticket).exists()
            assert action not in [t.action for t in allowed_actions(ticket, user)]


def test_order_page_shows_no_buttons_of_other_roles(client, household, desk_user, staff):
    """A cleaner opening a registered repair sees no void, dispatch or callback button."""
    ticket = _order(household, desk_user, TicketKind.REPAIR, S.REGISTERED)
    client.force_login(staff[Role.CLEANING])
    html = client.get(reverse("tickets:detail", args=[ticket.pk])).content.decode()
    for action in ("void", "dispatch", "acknowledge_quote"):
        url = reverse(
            "tickets:act", kwargs={"pk": ticket.pk, "action": TRANSITIONS[action].url_name}
        )
        assert url not in html
    client.force_login(desk_user)
    html = client.get(reverse("tickets:detail", args=[ticket.pk])).content.decode()
    assert reverse("tickets:act", kwargs={"pk": ticket.pk, "action": "void"}) in html


def test_nobody_calls_back_their_own_work(household, desk_user, project):
    """The desk clerk who did a customer-service job cannot record its callback (403 in the
    API, no button); a colleague at the desk can."""
    from tests.factories import UserFactory

    colleague = UserFactory(role=Role.DESK, projects=[project])
    ticket = register(household=household, by=desk_user, kind="repair")
    services.ticket_dispatch(ticket=ticket, by=desk_user, department="customer_service")
    services.ticket_accept(ticket=ticket, by=desk_user)
    services.ticket_complete(ticket=ticket, by=desk_user, result="已处理")
    services.ticket_return(ticket=ticket, by=desk_user, late_reason="晚")
    ticket.refresh_from_db()
    assert "callback" not in [t.action for t in allowed_actions(ticket, desk_user)]
    refused = _api(desk_user, ticket, "callback")
    assert refused.status_code == 403
    ticket.refresh_from_db()
    assert ticket.status == S.RETURNED
    client = APIClient()
    client.force_authenticate(colleague)
    url = f"/api/v1/tickets/{ticket.pk}/callback/"
    done = client.post(url, {"satisfaction": "satisfied"}, format="json")
    assert done.status_code == 200 and done.json()["status"] == S.VISITED


def test_the_worker_cannot_close_their_own_job_through_the_desk_steps(household, desk_user, staff):
    """The walk a hostile test made as a cleaner (register, dispatch, return, callback, close,
    void) is refused at each desk step; the cleaner still does the work itself."""
    cleaner = staff[Role.CLEANING]
    client = APIClient()
    client.force_authenticate(cleaner)
    created = client.post(
        "/api/v1/tickets/",
        {"kind": "housekeeping", "household": household.pk, "matter": "保洁"},
        format="json",
    )
    assert created.status_code == 403 and not Ticket.objects.exists()
    ticket = _order(household, desk_user, TicketKind.HOUSEKEEPING, S.REGISTERED)
    assert _api(cleaner, ticket, "dispatch").status_code == 403
    ticket.status = S.ACCEPTED
    ticket.save()
    assert (
        client.post(f"/api/v1/tickets/{ticket.pk}/complete/", {}, format="json").status_code == 200
    )
    for step in ("return", "void"):
        assert _api(cleaner, ticket, step).status_code == 403
    ticket.refresh_from_db()
    assert ticket.status == S.DONE


@pytest.mark.parametrize("role", ROLES)
def test_registering_is_the_desks(client, household, staff, role):
    """The desk, the supervisor and the manager register orders; any other role gets 403 on the
    page and in the API, and sees no register link."""
    user = staff[role]
    may = role in DESK
    api = APIClient()
    api.force_authenticate(user)
    answer = api.post(
        "/api/v1/tickets/",
        {"kind": "repair", "household": household.pk, "matter": "漏水"},
        format="json",
    )
    assert answer.status_code == (201 if may else 403)
    client.force_login(user)
    page = client.get(reverse("tickets:new") + f"?household={household.pk}")
    assert page.status_code == (200 if may else 403)
    queue = client.get(reverse("tickets:queue")).content.decode()
    assert (reverse("tickets:new") in queue) is may
    assert Ticket.objects.count() == (1 if may else 0)
