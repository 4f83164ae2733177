"""The morning's start: the posts' records read first thing, the butler–desk exchange."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from frontdesk.core.errors import ApplicationError
from frontdesk.core.roles import Role
from frontdesk.desk import services
from frontdesk.desk.models import Exchange, PostRecord
from tests.factories import UserFactory

from .conftest import entry_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def guard(project):
    return UserFactory(role=Role.SECURITY, projects=[project], username="guard1")


def test_security_enters_the_night_and_the_desk_reads_it_once(
    client, project, guard, desk_user, household
):
    """The guard's record waits for the desk, is read once with the entry it became, and
    an unread record is handed over."""
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    record = services.post_record(
        project=project, by=guard, post="monitoring", day=yesterday, text="23:40 3栋大堂门禁常开"
    )
    with pytest.raises(ApplicationError):
        services.post_record_acknowledge(record=record, by=guard)
    now = timezone.now()
    from frontdesk.desk.selectors import post_records_unread

    assert "门禁常开" in post_records_unread(project, now)[0].text
    entry = services.entry_record(
        project=project, by=desk_user, data=entry_data(household, matter="门禁常开，通知工程部")
    )
    client.force_login(desk_user)
    page = client.get(reverse("desk:morning"))
    assert "门禁常开" in page.content.decode()
    client.post(
        reverse("desk:morning"),
        {"action": "read", "project": project.pk, "record": record.pk, "entry": entry.pk},
    )
    record.refresh_from_db()
    assert record.acknowledged_by == desk_user and record.entry == entry
    with pytest.raises(ApplicationError):
        services.post_record_acknowledge(record=record, by=desk_user)
    assert post_records_unread(project, now) == []


def test_a_record_for_a_day_to_come_is_refused(project, guard):
    """A post's record dated tomorrow is refused on its field; nothing is written."""
    with pytest.raises(ApplicationError) as refused:
        services.post_record(
            project=project,
            by=guard,
            post="lobby_gate",
            day=timezone.localdate() + dt.timedelta(days=1),
            text="x",
        )
    assert "day" in refused.value.fields
    assert not PostRecord.objects.exists()


def test_the_butler_desk_exchange_is_recorded(client, project, desk_user, butler, engineer):
    """The exchange names a butler of the project; an engineer named as butler is refused."""
    client.force_login(desk_user)
    client.post(
        reverse("desk:morning"),
        {
            "action": "exchange",
            "project": project.pk,
            "exchange-when": "before",
            "exchange-butler": butler.pk,
            "exchange-passed_on": "5栋1202今天上午装修验收",
        },
    )
    exchange = Exchange.objects.get()
    assert (exchange.butler, exchange.clerk, exchange.when) == (butler, desk_user, "before")
    with pytest.raises(ApplicationError) as refused:
        services.exchange_record(
            project=project, by=desk_user, butler=engineer, when="after", passed_on="x"
        )
    assert "butler" in refused.value.fields
