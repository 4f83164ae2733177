"""The demo rows of incoming documents and of patrols and inspections."""

from types import SimpleNamespace

import pytest

from frontdesk.core.roles import Role
from frontdesk.registers.demo import documents as documents_demo
from frontdesk.registers.demo import inspections as inspections_demo
from frontdesk.registers.models import Checklist, IncomingDocument, InspectionResult
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_demo_documents_and_inspections(project, other_project):
    """Each project gets documents in every state, four checklists, and one rectification."""
    both = [project, other_project]
    staff = {
        name: UserFactory(role=role, projects=both, username=name)
        for name, role in (
            ("desk", Role.DESK),
            ("manager", Role.MANAGER),
            ("engineer", Role.ENGINEERING),
            ("supervisor", Role.SUPERVISOR),
        )
    }
    data = SimpleNamespace(projects={"a": project, "b": other_project}, staff=staff)
    documents_demo.load(data)
    inspections_demo.load(data)
    statuses = set(
        IncomingDocument.objects.filter(project=project).values_list("status", flat=True)
    )
    assert statuses == {"registered", "distributed", "done"}
    assert Checklist.objects.filter(project=project).count() == 4
    failed = InspectionResult.objects.filter(run__project=project, ok=False).get()
    assert failed.ticket.department == "engineering"
