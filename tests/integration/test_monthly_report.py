"""A real Celery worker and beat, against Redis and PostgreSQL, issue the monthly complaint
statistics: the last complete period appears in the database, produced by them."""

import pytest

from tests.tickets.factories import register
from tickets import statistics
from tickets.models import ComplaintReport, Ticket

pytestmark = [pytest.mark.celery_worker, pytest.mark.postgres]


def test_worker_and_beat_issue_the_missing_report_once(
    celery_processes, project, household, desk_user
):
    """With the report's beat entry every second, the worker issues the last complete period
    (the 27th missed) once, however many ticks follow."""
    period = statistics.last_complete_period()
    start, end = statistics.period_bounds(period)
    complaint = register(
        household=household,
        by=desk_user,
        kind="complaint",
        matter="电梯异响",
        complaint={"category": "engineering", "reason": "elevator"},
    )
    # Registered in the middle of the last complete period.
    Ticket.objects.filter(pk=complaint.pk).update(created_at=start + (end - start) / 2)
    assert not ComplaintReport.objects.exists()
    celery_processes.env["COMPLAINT_REPORT_SECONDS"] = "1"
    celery_processes.start()

    def issued() -> bool:
        return ComplaintReport.objects.filter(project=project, period=period).exists()

    assert celery_processes.wait_for(issued, timeout=60), celery_processes.logs()
    celery_processes.keep_running(seconds=3)
    report = ComplaintReport.objects.get(project=project, period=period)
    assert report.figures["summary"]["total"] == 1
    assert {r["category"]: r["count"] for r in report.figures["categories"]}["engineering"] == 1
    assert ComplaintReport.objects.filter(project=project).count() == 1
    # Issued by the worker process (not in this one, not eagerly): its log shows the task.
    worker_log = (celery_processes.workdir / "worker.log").read_text(errors="replace")
    assert "Task tickets.tasks.complaint_reports[" in worker_log and "succeeded" in worker_log
