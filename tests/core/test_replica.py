"""Reports read from a PostgreSQL read replica when the deployment names one.

The replica here is a second connection to the test database that refuses
every write (`default_transaction_read_only`, as a hot standby does), added
as the `reports` alias for the test, with the router the settings install
when REPORTS_DATABASE_URL is set.
"""

import pytest
from django.conf import settings as django_settings
from django.db import connection, connections, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from billing.selectors import collection_trend, income_statement
from frontdesk.core.replica import REPORTS
from tests.tickets.factories import register
from tickets import statistics

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def replica(settings):
    """The `reports` alias and the replica router, for this test only."""
    primary = connection.settings_dict
    django_settings.DATABASES[REPORTS] = {
        **primary,
        "OPTIONS": {**primary["OPTIONS"], "options": "-c default_transaction_read_only=on"},
    }
    settings.DATABASE_ROUTERS = ["frontdesk.core.replica.ReplicaRouter"]
    # Opened here: the test case allows connections only to the aliases it knew at its start.
    connections[REPORTS].connect()
    try:
        yield connections[REPORTS]
    finally:
        connections[REPORTS].close()
        del connections[REPORTS]
        del django_settings.DATABASES[REPORTS]


def test_the_reports_run_their_queries_on_the_replica(replica, household, desk_user, project):
    """The complaint statistics so far, the collection trend and the income statement query
    the replica only, and find there what the desk wrote on the primary."""
    register(
        household=household,
        by=desk_user,
        kind="complaint",
        matter="电梯异响",
        complaint={"category": "engineering", "reason": "elevator"},
    )
    month = timezone.localdate().replace(day=1)
    with CaptureQueriesContext(connection) as on_primary:
        with CaptureQueriesContext(replica) as on_replica:
            preview = statistics.complaint_report_preview(project=project)
            collection_trend(project=project, last=month, months=3)
            income_statement(project=project, first=month, last=month)
    assert preview.figures["summary"]["total"] == 1
    assert len(on_replica) > 0
    assert [q["sql"] for q in on_primary] == []


def test_inside_a_transaction_the_reports_read_the_primary(replica, household, desk_user, project):
    """Called in a transaction of the primary, a report sees that transaction's own rows:
    nothing is read from the replica."""
    with CaptureQueriesContext(replica) as on_replica, transaction.atomic():
        register(
            household=household,
            by=desk_user,
            kind="complaint",
            matter="电梯异响",
            complaint={"category": "engineering", "reason": "elevator"},
        )
        preview = statistics.complaint_report_preview(project=project)
    assert preview.figures["summary"]["total"] == 1
    assert len(on_replica) == 0


def test_without_a_replica_the_reports_read_the_primary(household, desk_user, project):
    """With no REPORTS_DATABASE_URL, the same selectors read the one database."""
    register(
        household=household,
        by=desk_user,
        kind="complaint",
        matter="电梯异响",
        complaint={"category": "engineering", "reason": "elevator"},
    )
    with CaptureQueriesContext(connection) as on_primary:
        preview = statistics.complaint_report_preview(project=project)
    assert REPORTS not in connections
    assert preview.figures["summary"]["total"] == 1 and len(on_primary) > 0
