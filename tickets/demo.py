"""Demonstration work orders: one of each kind at a telling step of its process.

Everything goes through the services, so the demo orders have real serial
numbers and timelines, exactly as the desk would have made them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

import time_machine
from django.db import transaction
from django.utils import timezone

from frontdesk.core.models import Project
from residents.models import Household

from . import selectors, services
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
    # The desk gave every open order its commitment when it took the call.
    for t in made:
        if selectors.commitment_owed(t) is not None:
            services.ticket_commit(
                ticket=t,
                by=desk,
                what=t.matter,
                by_when=timezone.now() + dt.timedelta(hours=4),
                by_whom_user=engineer,
            )
    return made


# --- The past months ----------------------------------------------------------------------

# (matter, result) of the repairs of past months.
PAST_REPAIRS = [
    ("厨房下水道堵塞", "疏通下水管道"),
    ("卫生间马桶漏水", "更换进水阀"),
    ("客厅灯不亮", "更换灯具镇流器"),
    ("阳台门锁损坏", "更换门锁锁芯"),
    ("空调冷凝水管滴水", "重新固定冷凝水管"),
    ("热水器不出热水", "更换热水器温控阀"),
    ("入户门关不严", "调整门铰链"),
    ("卧室墙面插座松动", "更换插座面板"),
]
# (category, reason, matter, findings, answer, valid) of the complaints of past months.
PAST_COMPLAINTS = [
    (
        ComplaintCategory.CLEANING,
        ComplaintReason.SERVICE_QUALITY,
        "楼道地面未按时清扫",
        "核实：保洁排班漏排",
        "已调整排班并当日补扫",
        True,
    ),
    (
        ComplaintCategory.SECURITY,
        ComplaintReason.SERVICE_ATTITUDE,
        "夜间门岗放行外卖车辆",
        "核实：新岗保安未按规定登记",
        "已对当班保安培训，外来车辆一律登记",
        True,
    ),
    (
        ComplaintCategory.ENGINEERING,
        ComplaintReason.ELEVATOR,
        "电梯运行有异响",
        "维保单位检查：导靴磨损",
        "已更换导靴，运行正常",
        True,
    ),
    (
        ComplaintCategory.GREENING,
        ComplaintReason.SERVICE_QUALITY,
        "绿化修剪后枝叶未清运",
        "核实：清运车辆当日故障",
        "已次日清运完毕",
        False,
    ),
    (
        ComplaintCategory.MAIL,
        ComplaintReason.SERVICE_QUALITY,
        "快递被放错信报箱",
        "核实：新来快递员投错",
        "已找回并交还住户",
        True,
    ),
    (
        ComplaintCategory.DECORATION,
        ComplaintReason.SERVICE_QUALITY,
        "邻居装修午休时间施工",
        "核实：装修工人违反施工时间",
        "已约谈装修负责人并书面警告",
        True,
    ),
    (
        ComplaintCategory.ATTITUDE,
        ComplaintReason.SERVICE_ATTITUDE,
        "前台接电话态度生硬",
        "核实录音：语气欠妥",
        "已向住户致歉并组织礼貌用语培训",
        True,
    ),
    (
        ComplaintCategory.ENGINEERING,
        ComplaintReason.LIGHTING,
        "单元门口路灯不亮",
        "核实：灯泡烧坏",
        "已更换路灯灯泡",
        False,
    ),
]
# Complaints per month, oldest month first: a falling trend after the first months' fixes.
COMPLAINTS_PER_MONTH = (4, 3, 3, 2, 2, 1)
REPAIRS_PER_MONTH = 1


def _working_moment(day: dt.date, minute_of_day: int) -> dt.datetime:
    """A moment of a working day (weekends move to the Friday before)."""
    while day.weekday() >= 5:
        day -= dt.timedelta(days=1)
    return timezone.make_aware(dt.datetime.combine(day, dt.time())) + dt.timedelta(
        minutes=minute_of_day
    )


class _Clock:
    """Runs each step of a past order at its own moment, minutes after the previous one."""

    def __init__(self, start: dt.datetime):
        self.now = start

    def at(self, minutes: int = 0) -> Any:
        self.now += dt.timedelta(minutes=minutes)
        return time_machine.travel(self.now, tick=False)


def _past_repair(project: Project, clock: _Clock, home: Household, n: int, staff: Any) -> Ticket:
    """A repair of a past day taken through every step, called back and closed."""
    matter, result = PAST_REPAIRS[n % len(PAST_REPAIRS)]
    # Every third repair is a paid service inside the home (有偿服务): quoted, acknowledged,
    # charged on completion with the material it used.
    paid = n % 3 == 1
    fee = Decimal(60 + 20 * (n % 4))
    with clock.at():
        t = services.ticket_register(
            project=project,
            kind=TicketKind.REPAIR,
            by=staff.desk,
            household=home,
            matter=matter,
            address_confirmed=True,
            paid=paid,
            fee_quote=fee if paid else None,
        )
    if paid:
        with clock.at(3):
            services.ticket_quote_acknowledge(ticket=t, by=staff.desk)
    with clock.at(8):
        services.ticket_commit(
            ticket=t,
            by=staff.desk,
            what=result,
            by_when=clock.now + dt.timedelta(hours=3),
            by_whom_user=staff.engineer,
        )
    with clock.at(4):
        services.ticket_dispatch(ticket=t, by=staff.desk, assignee=staff.engineer)
    with clock.at(6):
        services.ticket_accept(ticket=t, by=staff.engineer)
    with clock.at(25):
        services.ticket_arrive(ticket=t, by=staff.engineer)
    with clock.at(50):
        services.ticket_complete(
            ticket=t,
            by=staff.engineer,
            result=result,
            fee_charged=fee if paid else None,
            material_cost=Decimal(10 + 5 * (n % 3)) if paid else None,
        )
    with clock.at(20):
        services.ticket_return(ticket=t, by=staff.desk, late_reason=LATE)
    with clock.at(40):
        services.ticket_callback(
            ticket=t,
            by=staff.desk,
            satisfaction=Satisfaction.BASICALLY_SATISFIED if n % 5 == 3 else Satisfaction.SATISFIED,
            attitude="good",
            quality="good",
        )
    with clock.at(1):
        services.ticket_close(ticket=t, by=staff.desk)
    return t


def _past_complaint(
    project: Project, clock: _Clock, home: Household, n: int, staff: Any, butler: Any
) -> Ticket:
    """A complaint of a past day: handled by the butler, answered, called back, confirmed
    closed and marked valid or not by the supervisor."""
    category, reason, matter, findings, answer, valid = PAST_COMPLAINTS[n % len(PAST_COMPLAINTS)]
    with clock.at():
        t = services.ticket_register(
            project=project,
            kind=TicketKind.COMPLAINT,
            by=staff.desk,
            household=home,
            matter=matter,
            complaint={"category": category, "reason": reason},
        )
    with clock.at(10):
        services.ticket_commit(
            ticket=t,
            by=staff.desk,
            what="管家跟进处理并答复",
            by_when=clock.now + dt.timedelta(days=1),
            by_whom_user=butler,
        )
    with clock.at(5):
        services.ticket_dispatch(ticket=t, by=staff.desk, assignee=butler)
    with clock.at(60):
        services.complaint_investigate(ticket=t, by=staff.desk, findings=findings)
    with clock.at(30):
        services.complaint_butler_reply(ticket=t, by=butler, reply=answer)
    with clock.at(24 * 60):
        services.complaint_answer(ticket=t, by=staff.desk, answer=answer)
    with clock.at(30):
        services.complaint_sign_off(ticket=t, by=butler)
    with clock.at(60):
        services.ticket_callback(
            ticket=t,
            by=staff.desk,
            satisfaction=Satisfaction.SATISFIED if n % 4 else Satisfaction.BASICALLY_SATISFIED,
        )
    with clock.at(2):
        services.complaint_confirm(ticket=t, by=staff.desk)
    with clock.at(24 * 60):
        services.complaint_mark_valid(
            ticket=t,
            by=staff.supervisor,
            valid=valid,
            cause=findings if valid else "",
            lesson="纳入周例会通报" if valid else "",
            change="每周抽查" if valid else "",
        )
    return t


@transaction.atomic
def seed_demo_history(
    project: Project,
    *,
    desk: Any,
    engineer: Any,
    supervisor: Any,
    butlers: Sequence[Any],
    households: Sequence[Household],
    now: dt.datetime,
    months: int = len(COMPLAINTS_PER_MONTH),
) -> list[Ticket]:
    """Orders of the past `months`, each step at its own past moment, and the monthly
    complaint statistics issued on each 27th: the history a desk in service would have.

    Every order is closed (none is left for the sweep), and the notices of the past are
    read, as the staff would have read them. Deterministic for the same `now`.
    """
    from types import SimpleNamespace

    from . import statistics

    staff = SimpleNamespace(desk=desk, engineer=engineer, supervisor=supervisor)
    homes = list(households)
    made: list[Ticket] = []
    first_period = statistics.period_before(statistics.period_of(now), months)
    for index in range(months):
        period = statistics.period_before(first_period, -index)
        start, end = statistics.period_bounds(period)
        days = (end - start).days
        for n in range(REPAIRS_PER_MONTH):
            day = timezone.localdate(start) + dt.timedelta(days=(n * 7 + index) % (days - 2) + 1)
            clock = _Clock(_working_moment(day, 9 * 60 + (n * 47) % 180))
            made.append(
                _past_repair(project, clock, homes[(index * 7 + n) % len(homes)], n + index, staff)
            )
        for n in range(COMPLAINTS_PER_MONTH[index % len(COMPLAINTS_PER_MONTH)]):
            day = timezone.localdate(start) + dt.timedelta(
                days=(n * 5 + 2 * index) % (days - 3) + 1
            )
            clock = _Clock(_working_moment(day, 9 * 60 + 30 + (n * 31) % 150))
            home = homes[(index * 11 + n + 3) % len(homes)]
            butler = butlers[(index + n) % len(butlers)]
            made.append(_past_complaint(project, clock, home, n + index * 3, staff, butler))
        if end <= now:
            issued = end + dt.timedelta(minutes=5)
            with time_machine.travel(issued, tick=False):
                statistics.complaint_report_issue(
                    project=project, period=period, now=issued, announce=False
                )
    return made
