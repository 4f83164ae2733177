"""Demonstration work orders: one of each kind at a telling step of its process.

Everything goes through the services, so the demo orders have real serial
numbers and timelines, exactly as the desk would have made them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from frontdesk.core.models import Project
from residents.models import Household

from . import services
from .choices import (
    ComplaintCategory,
    ComplaintReason,
    Department,
    Place,
    Priority,
    Satisfaction,
    ScheduleType,
    Source,
    Temper,
    TicketKind,
)
from .models import Ticket

LATE = "送修配件当天到货较晚"


@transaction.atomic
def seed_demo_tickets(
    project: Project,
    *,
    desk: Any,
    engineer: Any,
    butler: Any,
    supervisor: Any,
    cleaner: Any = None,
    gardener: Any = None,
    households: Sequence[Household] | None = None,
) -> list[Ticket]:
    """Register a dozen orders in `project` at different steps; returns them.

    The users must work in the project. `households` defaults to the first
    current households of the project (at least three are used).
    """
    if households is None:
        households = list(
            Household.objects.filter(project=project, moved_out_on__isnull=True)
            .select_related("unit__building")
            .order_by("id")[:6]
        )
    homes = list(households)
    if len(homes) < 3:
        raise ValueError("seed_demo_tickets needs at least three current households")
    cleaner = cleaner or desk
    gardener = gardener or desk
    made: list[Ticket] = []
    tomorrow = timezone.now() + dt.timedelta(days=1)

    # A free repair taken all the way: registered, dispatched, done, returned, called back, closed.
    t = services.ticket_register(
        project=project,
        kind=TicketKind.REPAIR,
        by=desk,
        household=homes[0],
        matter="厨房水龙头漏水",
        address_confirmed=True,
        source=Source.PHONE,
    )
    services.ticket_dispatch(ticket=t, by=desk, assignee=engineer)
    services.ticket_accept(ticket=t, by=engineer)
    services.ticket_arrive(ticket=t, by=engineer)
    services.ticket_complete(ticket=t, by=engineer, result="更换水龙头阀芯")
    services.ticket_return(ticket=t, by=desk, late_reason=LATE)
    services.ticket_callback(
        ticket=t, by=desk, satisfaction=Satisfaction.SATISFIED, attitude="good", quality="good"
    )
    services.ticket_close(ticket=t, by=desk)
    made.append(t)

    # A paid repair waiting for the resident to acknowledge the quote.
    made.append(
        services.ticket_register(
            project=project,
            kind=TicketKind.REPAIR,
            by=desk,
            household=homes[1],
            matter="更换卫生间排风扇",
            paid=True,
            fee_quote=Decimal("120.00"),
            appointment_at=tomorrow,
            address_confirmed=True,
        )
    )

    # A repair with the worker on site, after a follow-up call from the resident.
    t = services.ticket_register(
        project=project,
        kind=TicketKind.REPAIR,
        by=desk,
        household=homes[2],
        matter="卧室插座没电",
    )
    services.ticket_dispatch(ticket=t, by=desk, assignee=engineer)
    services.ticket_follow_up(ticket=t, by=desk, note="住户来电询问师傅何时到")
    services.ticket_arrive(ticket=t, by=engineer)
    made.append(t)

    # An emergency in a public place, reported by a passer-by: someone trapped in a lift.
    building = homes[0].unit.building
    t = services.ticket_register(
        project=project,
        kind=TicketKind.REPAIR,
        by=desk,
        building=building,
        place=Place.LIFT,
        location="2号电梯",
        reporter_name="张先生",
        reporter_phone="13900001111",
        matter="电梯困人",
        priority=Priority.EMERGENCY,
        source=Source.PHONE,
    )
    services.ticket_dispatch(ticket=t, by=desk, assignee=engineer)
    made.append(t)

    # A complaint handed to the butler, investigated and replied to.
    t = services.ticket_register(
        project=project,
        kind=TicketKind.COMPLAINT,
        by=desk,
        household=homes[1],
        matter="楼道垃圾两天未清理",
        complaint={
            "category": ComplaintCategory.CLEANING,
            "reason": ComplaintReason.SERVICE_QUALITY,
            "temper": Temper.DISAPPOINTED,
            "resident_wants": "今天清理并说明原因",
        },
    )
    services.ticket_dispatch(ticket=t, by=desk, assignee=butler)
    services.complaint_investigate(ticket=t, by=desk, findings="核实属实：保洁员请假未安排替班")
    services.complaint_butler_reply(ticket=t, by=butler, reply="已安排保洁今日下午清理")
    made.append(t)

    # A complaint taken to the end and marked valid by the supervisor.
    t = services.ticket_register(
        project=project,
        kind=TicketKind.COMPLAINT,
        by=desk,
        household=homes[2],
        matter="夜间地库照明不足",
        complaint={"category": ComplaintCategory.ENGINEERING, "reason": ComplaintReason.LIGHTING},
    )
    services.ticket_dispatch(ticket=t, by=desk, assignee=butler)
    services.complaint_butler_reply(ticket=t, by=butler, reply="工程部今晚更换灯管")
    services.complaint_answer(ticket=t, by=desk, answer="已更换地库灯管12支")
    services.complaint_sign_off(ticket=t, by=butler)
    services.ticket_callback(ticket=t, by=desk, satisfaction=Satisfaction.BASICALLY_SATISFIED)
    services.complaint_confirm(ticket=t, by=desk)
    services.complaint_mark_valid(
        ticket=t,
        by=supervisor,
        valid=True,
        cause="巡检未覆盖地库",
        lesson="巡检表加入地库",
        change="每周巡检地库照明",
    )
    made.append(t)

    # Housekeeping for a new customer: priced on site, time agreed, dispatched.
    t = services.ticket_register(
        project=project,
        kind=TicketKind.HOUSEKEEPING,
        by=desk,
        household=homes[0],
        matter="全屋深度保洁",
        appointment_at=tomorrow,
        time_confirmed=True,
    )
    services.ticket_price(ticket=t, by=butler, lead=cleaner, price=Decimal("380.00"))
    services.ticket_dispatch(ticket=t, by=desk, assignee=cleaner)
    made.append(t)

    # A greening monthly contract and the order of its next visit.
    contract = services.contract_create(
        household=homes[1],
        kind=TicketKind.GREENING,
        service="庭院草坪修剪",
        by=desk,
        schedule_type=ScheduleType.WEEKDAYS,
        schedule_days=[1, 2, 3, 4, 5, 6, 7],
        price=Decimal("300.00"),
        starts_on=timezone.localdate(),
    )
    made.append(
        services.contract_open_visit(
            contract=contract,
            date=timezone.localdate(tomorrow),
            appointment_at=tomorrow,
            by=desk,
            department=Department.GREENING,
        )
    )

    # A convenience service: drinking water delivered, fee acknowledged, dispatched.
    t = services.ticket_register(
        project=project,
        kind=TicketKind.CONVENIENCE,
        by=desk,
        household=homes[2],
        matter="代送桶装水2桶",
        fee_quote=Decimal("36.00"),
        time_confirmed=True,
    )
    services.ticket_quote_acknowledge(ticket=t, by=desk)
    services.ticket_dispatch(ticket=t, by=desk)
    made.append(t)

    # A warranty repair passed to the developer, with today's progress report.
    t = services.ticket_register(
        project=project,
        kind=TicketKind.REPAIR,
        by=desk,
        household=homes[0],
        matter="外墙渗水（保修期内）",
    )
    services.warranty_pass(ticket=t, by=desk, contractor="开发商工程部", liaison=engineer)
    services.ticket_dispatch(ticket=t, by=desk, assignee=engineer)
    services.warranty_report(ticket=t, by=engineer, progress="已搭设脚手架，明日打胶")
    made.append(t)
    services.liaison_create(
        project=project,
        from_department=Department.CUSTOMER_SERVICE,
        to_department=Department.ENGINEERING,
        matter="外墙渗水需协调开发商处理",
        by=desk,
        ticket=t,
    )

    # A wrong order, voided: it keeps its number.
    t = services.ticket_register(
        project=project,
        kind=TicketKind.REPAIR,
        by=desk,
        household=homes[1],
        matter="重复登记",
    )
    services.ticket_void(ticket=t, by=desk, reason="与上一单重复")
    made.append(t)
    return made
