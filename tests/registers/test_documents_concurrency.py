"""Incoming documents under concurrent use on PostgreSQL: gap-free numbers, one receipt."""

import threading

import pytest
from django.db import connection, transaction

from frontdesk.core.errors import ApplicationError
from frontdesk.registers.models import DocumentReceipt, IncomingDocument
from frontdesk.registers.services import documents as services

THREADS = 4
PER_THREAD = 10


class RolledBack(Exception):
    """Raised inside a registration's transaction to undo it on purpose."""


def _run(threads_work):
    errors: list[BaseException] = []

    def wrap(fn, *args):
        try:
            fn(*args)
        except BaseException as error:  # noqa: BLE001 - reported by the main thread
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=wrap, args=(fn, *args)) for fn, *args in threads_work]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not errors, errors


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_registrations_leave_no_gap(project, desk_user):
    """4 clerks register at once, some registrations rolled back or refused: 1..n, no gap."""
    barrier = threading.Barrier(THREADS)
    saved = []
    lock = threading.Lock()

    def work(number):
        barrier.wait(timeout=30)
        for i in range(PER_THREAD):
            try:
                with transaction.atomic():
                    document = services.document_register(
                        project=project,
                        by=desk_user,
                        data=services.DocumentInput(
                            sender="区住建局",
                            title=f"通知{number}-{i}",
                            pages=0 if i % 5 == 4 else 1,
                        ),
                    )
                    if i % 4 == 1:
                        raise RolledBack
                with lock:
                    saved.append(document.serial)
            except (RolledBack, ApplicationError):
                pass

    _run([(work, n) for n in range(THREADS)])
    rows = list(IncomingDocument.objects.order_by("id").values_list("serial", flat=True))
    assert sorted(rows) == sorted(saved)
    assert [int(s.rsplit("-", 1)[1]) for s in rows] == list(range(1, len(rows) + 1))


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_signatures_at_once_have_one_winner(project, desk_user, manager, engineer):
    """The engineer and the desk sign for engineering at once: one receipt, one refusal."""
    document = services.document_register(
        project=project, by=desk_user, data=services.DocumentInput(sender="街道办", title="通知")
    )
    services.document_instruct(
        document=document, by=manager, instruction="阅办", departments=["engineering"]
    )
    barrier = threading.Barrier(2)
    outcomes = []

    def sign(user, signer):
        barrier.wait(timeout=30)
        try:
            services.document_acknowledge(
                document=document, by=user, department="engineering", signer=signer
            )
            outcomes.append("signed")
        except ApplicationError:
            outcomes.append("refused")

    _run([(sign, engineer, ""), (sign, desk_user, "马工")])
    assert sorted(outcomes) == ["refused", "signed"]
    receipt = DocumentReceipt.objects.get(document=document)
    assert receipt.acknowledged_at is not None
    document.refresh_from_db()
    assert document.status == "done"
