"""The registers are the desk's records: the incoming clerk writes none before acknowledging
the previous shift's handover, as with the duty log."""

import datetime as dt

import pytest
from django.utils import timezone
from django.utils.translation import gettext

from frontdesk.core.errors import ApplicationError
from frontdesk.core.roles import Role
from frontdesk.desk import services as desk
from frontdesk.registers.models import FoundItem, IncomingDocument, ReleasePass
from tests.factories import UserFactory

from .test_documents import _register as register_document
from .test_lost_found import register as register_found
from .test_passes import issue as issue_pass

REFUSAL = (
    "Read and acknowledge the handover of the previous shift before recording anything on the desk."
)


@pytest.fixture
def handed_over(project, desk_user):
    """desk_user's morning shift closed; its handover waits for the afternoon clerk."""
    incoming = UserFactory(role=Role.DESK, projects=[project], username="desk-after")
    start = timezone.now().replace(hour=0, minute=0, second=0, microsecond=0)
    morning = desk.shift_plan(
        project=project,
        clerk=desk_user,
        starts_at=start + dt.timedelta(hours=8),
        ends_at=start + dt.timedelta(hours=14),
        by=desk_user,
    )
    desk.shift_plan(
        project=project,
        clerk=incoming,
        starts_at=start + dt.timedelta(hours=14),
        ends_at=start + dt.timedelta(hours=20),
        by=desk_user,
    )
    return incoming, desk.shift_close(shift=morning, by=desk_user)


def test_nothing_is_registered_before_the_handover_is_acknowledged(handed_over, project, household):
    """A pass, an incoming document and a found item are each refused with the handover's
    message and nothing written; once acknowledged, the same entries go through."""
    incoming, handover = handed_over
    attempts = [
        lambda: issue_pass(household, incoming),
        lambda: register_document(project, incoming),
        lambda: register_found(project, incoming),
    ]
    for attempt in attempts:
        with pytest.raises(ApplicationError) as refused:
            attempt()
        assert str(refused.value) == gettext(REFUSAL)
    assert not ReleasePass.objects.exists()
    assert not IncomingDocument.objects.exists()
    assert not FoundItem.objects.exists()
    desk.handover_acknowledge(handover=handover, by=incoming)
    for attempt in attempts:
        attempt()
    assert ReleasePass.objects.count() == IncomingDocument.objects.count() == 1
    assert FoundItem.objects.count() == 1
