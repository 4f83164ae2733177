"""The search boxes: a household by licence plate, card number or an order's serial, showing
which person matched; work orders by unit and by phone, with phones masked by role."""

import datetime as dt

import pytest
from django.urls import reverse

from residents import services
from tests.tickets.factories import register

pytestmark = pytest.mark.django_db


@pytest.fixture
def member(household, desk_user):
    """A second person of the household, with a phone of their own, a car and a card."""
    person = services.person_add(
        household=household,
        data={"name": "李秀英", "phone": "13977776666", "role": "member"},
        by=desk_user,
    )
    vehicle = services.vehicle_add(household=household, plate="粤B8K123", by=desk_user)
    services.card_issue(
        household=household,
        kind="parking",
        number="TC000777",
        issued_on=dt.date(2026, 2, 1),
        vehicle=vehicle,
        holder=person,
        by=desk_user,
    )
    return person


def results(client, q):
    return client.get(reverse("search-results"), {"q": q}).content.decode()


def test_household_found_by_plate_card_and_order_serial(client, desk_user, household, member):
    """A licence plate (whole or without the province), a card number and an order's serial
    each find the household, and the row says what matched."""
    ticket = register(household=household, by=desk_user)
    client.force_login(desk_user)
    for q in ("粤B8K123", "B8K123", "TC000777", ticket.serial):
        html = results(client, q)
        assert household.unit.code in html, q
        assert 'class="matched' in html, q
    assert "李秀英" in results(client, "TC000777")


def test_row_shows_the_person_whose_phone_matched(client, desk_user, household, member):
    """Digits of a member's phone show that member and their phone, not the main contact."""
    client.force_login(desk_user)
    html = results(client, "7776666")
    assert "李秀英" in html and "13977776666" in html and "王建国" not in html


def test_order_search_finds_a_unit_and_phones(client, desk_user, engineer, project, household):
    """The work-order search finds an order by its unit (3-1502), by the household's phone
    and by a public-place reporter's phone; a masked role only by the last four digits."""
    home = register(household=household, by=desk_user, matter="水龙头漏水")
    public = register(
        project=project,
        by=desk_user,
        place="lift",
        reporter_name="张先生",
        reporter_phone="13900001111",
        matter="电梯异响",
    )
    client.force_login(desk_user)

    def found(q):
        html = client.get(reverse("tickets:queue"), {"q": q}).content.decode()
        return {t.serial for t in (home, public) if f">{t.serial}</a>" in html}

    assert found("3-1502") == {home.serial}
    assert found("12345678") == {home.serial}
    assert found("139000011") == {public.serial}
    client.force_login(engineer)
    assert found("1111") == {public.serial}
    assert found("13900001111") == set()
