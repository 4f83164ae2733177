"""Reads of work orders: what the cashier, the month end and the household file get."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine

from tickets import selectors, services

from .factories import register

pytestmark = pytest.mark.django_db

SH = ZoneInfo("Asia/Shanghai")


def _done(household, desk_user, engineer, **kwargs):
    ticket = register(household=household, by=desk_user, **kwargs)
    if ticket.paid:
        services.ticket_quote_acknowledge(ticket=ticket, by=desk_user, fee_quote="50")
    services.ticket_dispatch(ticket=ticket, by=desk_user, assignee=engineer)
    services.ticket_arrive(ticket=ticket, by=engineer)
    services.ticket_complete(ticket=ticket, by=engineer, fee_charged="50" if ticket.paid else None)
    return ticket


def test_cashier_gets_finished_paid_orders_but_never_voided_ones(household, desk_user, engineer):
    """The cashier's list has each finished paid order with its fee; free, unfinished and
    voided orders are left out."""
    with time_machine.travel(dt.datetime(2026, 11, 25, 10, tzinfo=SH), tick=False):
        charged = _done(household, desk_user, engineer, paid=True)
        _done(household, desk_user, engineer)
        register(household=household, by=desk_user, paid=True)
        voided = _done(household, desk_user, engineer, paid=True)
        services.ticket_void(ticket=voided, by=desk_user, reason="收错")
    rows = list(selectors.paid_orders_charged(project_id=household.project_id))
    assert [(t.serial, str(t.fee_charged)) for t in rows] == [(charged.serial, "50.00")]
    later = dt.datetime(2026, 11, 26, tzinfo=SH)
    assert not selectors.paid_orders_charged(project_id=household.project_id, done_from=later)


def test_month_register_lists_the_months_orders_by_customer(household, second_household, desk_user):
    """The month-end register holds the month's orders (not complaints), sorted by unit."""
    with time_machine.travel(dt.datetime(2026, 11, 3, 10, tzinfo=SH), tick=False):
        first = register(household=household, by=desk_user)
        second = register(household=second_household, by=desk_user, kind="greening")
        register(
            household=household,
            by=desk_user,
            kind="complaint",
            complaint={"category": "other", "reason": "service_quality"},
        )
    with time_machine.travel(dt.datetime(2026, 12, 1, 10, tzinfo=SH), tick=False):
        register(household=household, by=desk_user)
    rows = selectors.month_register(
        user=desk_user, project_id=household.project_id, year=2026, month=11
    )
    assert [t.serial for t in rows] == [second.serial, first.serial]
    paid = selectors.month_register(
        user=desk_user, project_id=household.project_id, year=2026, month=11, paid_only=True
    )
    assert [t.serial for t in paid] == [second.serial]


def test_household_file_shows_its_orders_and_opens_a_timeline_on_demand(
    django_assert_num_queries, household, desk_user, engineer
):
    """A household's orders come newest first with their callbacks in a fixed number of
    queries, without their timelines; an order's timeline is read alone when it is opened,
    oldest event first."""
    older = register(household=household, by=desk_user)
    services.ticket_dispatch(ticket=older, by=desk_user, assignee=engineer)
    newer = register(household=household, by=desk_user)
    reader = type(desk_user).objects.get(pk=desk_user.pk)
    with django_assert_num_queries(3):
        rows = selectors.household_tickets(user=reader, household_id=household.pk)
        assert [list(t.callbacks.all()) for t in rows] == [[], []]
    assert [t.serial for t in rows] == [newer.serial, older.serial]
    with django_assert_num_queries(2):
        opened = selectors.ticket_timeline(user=reader, ticket_id=older.pk)
        assert [e.action for e in opened.events.all()] == ["register", "dispatch"]


def test_supervisor_sees_complaints_open_for_over_a_week(household, desk_user, supervisor):
    """Complaints still open after seven days are listed, oldest first; closed ones are not."""
    complaint = {"category": "cleaning", "reason": "service_quality"}
    with time_machine.travel(dt.datetime(2026, 11, 2, 10, tzinfo=SH), tick=False):
        old = register(household=household, by=desk_user, kind="complaint", complaint=complaint)
        closed = register(household=household, by=desk_user, kind="complaint", complaint=complaint)
        services.ticket_force_close(ticket=closed, by=supervisor, reason="住户撤诉")
    with time_machine.travel(dt.datetime(2026, 11, 8, 10, tzinfo=SH), tick=False):
        register(household=household, by=desk_user, kind="complaint", complaint=complaint)
    now = dt.datetime(2026, 11, 10, 10, tzinfo=SH)
    rows = selectors.complaints_open_for(user=supervisor, now=now)
    assert [t.serial for t in rows] == [old.serial]


def test_choice_filters_page_without_distinct(household, desk_user, engineer):
    """Filtering the queue by several kinds, statuses, departments and priorities keeps each
    order once and asks PostgreSQL for no DISTINCT: the page is read from the index, not
    sorted out of every matching row."""
    from django.test import RequestFactory

    from tickets.filtersets import TicketFilterSet

    complaint = register(
        household=household,
        by=desk_user,
        kind="complaint",
        complaint={"category": "cleaning", "reason": "service_quality"},
    )
    repair = register(household=household, by=desk_user)
    request = RequestFactory().get("/")
    request.user = desk_user
    data = {"kind": ["complaint", "repair"], "status": ["registered", "dispatched"]}
    filterset = TicketFilterSet(
        data, queryset=selectors.ticket_list(user=desk_user), request=request
    )
    assert filterset.is_valid(), filterset.errors
    assert "DISTINCT" not in str(filterset.qs.query).upper()
    assert sorted(t.pk for t in filterset.qs) == sorted([complaint.pk, repair.pk])
