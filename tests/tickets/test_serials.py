"""Serial numbers under concurrent registration on PostgreSQL: no gap, no duplicate."""

import threading
from collections import defaultdict

import pytest
from django.db import connection, transaction

from frontdesk.core.errors import ApplicationError
from tickets.models import Ticket
from tickets.services import ticket_register

THREADS = 8
PER_THREAD = 50
KINDS = ["repair", "complaint", "housekeeping"]
COMPLAINT = {"category": "cleaning", "reason": "service_quality"}


class RolledBack(Exception):
    """Raised inside a registration's transaction to undo it on purpose."""


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_registrations_leave_no_gap_and_no_duplicate(
    household, other_household, desk_user
):
    """8 threads × 50 registrations at once, some rolled back and some refused: the serials
    of each kind are 1..n without a gap or a duplicate, in the order the orders were saved."""
    barrier = threading.Barrier(THREADS)
    outcomes: dict[str, list[str]] = defaultdict(list)
    errors: list[BaseException] = []
    lock = threading.Lock()

    def work(number: int) -> None:
        try:
            barrier.wait(timeout=30)
            for i in range(PER_THREAD):
                kind = KINDS[(number + i) % len(KINDS)]
                extra = {"complaint": COMPLAINT} if kind == "complaint" else {}
                outcome = "saved"
                try:
                    with transaction.atomic():
                        ticket_register(
                            project=household.project,
                            kind=kind,
                            matter=f"线程{number}-{i}",
                            household=other_household if i % 11 == 5 else household,
                            by=desk_user,
                            **extra,
                        )
                        if i % 7 == 3:
                            raise RolledBack
                except RolledBack:
                    outcome = "rolled back"
                except ApplicationError:
                    outcome = "refused"
                with lock:
                    outcomes[outcome].append(kind)
        except BaseException as error:  # noqa: BLE001 - reported by the main thread
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=work, args=(n,)) for n in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not errors, errors
    assert len(outcomes["rolled back"]) > 0 and len(outcomes["refused"]) > 0
    assert sum(len(v) for v in outcomes.values()) == THREADS * PER_THREAD

    prefixes = {"repair": "WX", "complaint": "TS", "housekeeping": "JZ"}
    for kind in KINDS:
        rows = list(
            Ticket.objects.filter(kind=kind).order_by("id").values_list("serial", flat=True)
        )
        assert len(rows) == outcomes["saved"].count(kind)
        numbers = [int(serial.rsplit("-", 1)[1]) for serial in rows]
        assert all(serial.startswith(prefixes[kind] + "-") for serial in rows)
        # Consecutive from 1, no duplicate, and in the order the orders were saved.
        assert numbers == list(range(1, len(rows) + 1))


@pytest.mark.django_db
@pytest.mark.parametrize("kind", ["repair", "complaint"])
def test_registration_only_writes_while_it_holds_the_serial(household, desk_user, kind):
    """From the moment the serial counter row is locked (taken until commit, so every other
    registration of the project and kind waits) a registration reads nothing: the rules,
    policy and calendar of its deadlines were read before. A read there would lengthen the
    wait of every clerk registering at the same time."""
    from django.contrib.contenttypes.models import ContentType
    from django.test.utils import CaptureQueriesContext

    from frontdesk.core.models import Deadline

    extra = {"complaint": COMPLAINT} if kind == "complaint" else {}
    ContentType.objects.get_for_model(Ticket)  # read once per process, as a server has it
    with CaptureQueriesContext(connection) as captured:
        ticket = ticket_register(
            project=household.project,
            kind=kind,
            matter="厨房水龙头漏水",
            household=household,
            by=desk_user,
            **extra,
        )
    sqls = [q["sql"].lstrip().upper() for q in captured.captured_queries]
    taken = next(i for i, sql in enumerate(sqls) if "SEQUENCES_SEQUENCE" in sql)
    after = sqls[taken + 1 :]
    reads = [sql[:120] for sql in after if sql.startswith("SELECT")]
    assert reads == []
    assert any(sql.startswith('INSERT INTO "CORE_DEADLINE"') for sql in after)
    assert Deadline.objects.filter(subject_id=ticket.pk).count() == (3 if extra else 1)
