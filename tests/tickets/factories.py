"""Factories of work orders.

`TicketFactory` writes rows directly (for lists and pages); `register` goes
through `ticket_register`, as the desk does, when a test needs the real
serial and timeline.
"""

import factory
from django.utils import timezone

from tests.factories import HouseholdFactory, ProjectFactory, UserFactory
from tickets.choices import ComplaintCategory, ComplaintReason, TicketKind, TicketStatus
from tickets.models import ComplaintDetail, Ticket, TicketEvent
from tickets.services import ticket_register


class TicketFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Ticket

    project = factory.SubFactory(ProjectFactory)
    kind = TicketKind.REPAIR
    # From 900001: never a number the serial counter hands out in a test.
    serial = factory.Sequence(lambda n: f"WX-2026-{n + 900001:06d}")
    status = TicketStatus.REGISTERED
    household = factory.SubFactory(
        HouseholdFactory, unit__building__project=factory.SelfAttribute("....project")
    )
    building = factory.LazyAttribute(lambda o: o.household.unit.building if o.household else None)
    matter = factory.Sequence(lambda n: f"厨房水龙头漏水 {n}")
    department = "engineering"
    created_by = factory.SubFactory(UserFactory)


class ComplaintDetailFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ComplaintDetail

    ticket = factory.SubFactory(
        TicketFactory,
        kind=TicketKind.COMPLAINT,
        department="",
        serial=factory.Sequence(lambda n: f"TS-2026-{n + 900001:06d}"),
    )
    category = ComplaintCategory.CLEANING
    reason = ComplaintReason.SERVICE_QUALITY


class TicketEventFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TicketEvent

    ticket = factory.SubFactory(TicketFactory)
    at = factory.LazyFunction(timezone.now)
    action = "register"


def register(*, household=None, by, kind=TicketKind.REPAIR, matter="厨房水龙头漏水", **kwargs):
    """Register an order through the service, as the desk does."""
    project = kwargs.pop("project", None) or household.project
    return ticket_register(
        project=project, kind=kind, matter=matter, household=household, by=by, **kwargs
    )
