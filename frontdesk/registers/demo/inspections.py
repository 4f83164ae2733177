"""Demo checklists of patrols and inspections in each project (the four kinds), and a few
walks of the last days: one with the lift's lighting not OK, which opened a rectification
order for engineering."""

from __future__ import annotations

import datetime as dt
from typing import Any

import time_machine
from django.utils import timezone

from ..services import inspections as services

# name, kind, place, times, items (name, department)
CHECKLISTS: list[tuple[str, str, str, list[str], list[tuple[str, str]]]] = [
    (
        "大堂晨检",
        "lobby",
        "lobby",
        ["08:30"],
        [
            ("大堂地面清洁", "cleaning"),
            ("照明", "engineering"),
            ("空调", "engineering"),
            ("休息区桌椅", "customer_service"),
            ("宣传栏", "customer_service"),
            ("门禁与自动门", "engineering"),
        ],
    ),
    (
        "保洁质量检查",
        "cleaning",
        "lobby",
        ["10:00", "15:00"],
        [
            ("大堂地面清洁", "cleaning"),
            ("玻璃门窗", "cleaning"),
            ("电梯轿厢", "cleaning"),
            ("垃圾桶清理", "cleaning"),
            ("卫生间", "cleaning"),
        ],
    ),
    (
        "楼宇巡查",
        "patrol",
        "corridor",
        ["09:00", "13:00", "17:00", "21:00"],
        [
            ("消防通道畅通", "security"),
            ("电梯轿厢", "engineering"),
            ("楼道照明", "engineering"),
            ("消防器材", "security"),
            ("公共区域卫生", "cleaning"),
            ("绿化带", "greening"),
        ],
    ),
    (
        "前台区域检查",
        "desk_area",
        "lobby",
        ["08:00", "18:00"],
        [
            ("台面整洁", "customer_service"),
            ("电脑与电话", "engineering"),
            ("资料柜上锁", "customer_service"),
            ("钥匙箱", "customer_service"),
        ],
    ),
]


def load(data: Any) -> None:
    now = timezone.now()
    today = timezone.localdate(now)
    supervisor = data.staff["supervisor"]
    desk = data.staff["desk"]
    for project in data.projects.values():
        made = {}
        for name, kind, place, times, items in CHECKLISTS:
            made[kind] = services.checklist_create(
                project=project,
                by=supervisor,
                name=name,
                kind=kind,
                place=place,
                times=times,
                grace_minutes=30,
                items=[services.ItemInput(n, d) for n, d in items],
            )
        # The last three days' morning checks and two patrols a day; the lift's lighting
        # was found out the day before yesterday.
        for days_ago in (3, 2, 1):
            day = today - dt.timedelta(days=days_ago)
            for kind, hhmm in (("lobby", "08:25"), ("patrol", "09:05"), ("patrol", "13:10")):
                checklist = made[kind]
                start = timezone.make_aware(dt.datetime.combine(day, dt.time.fromisoformat(hhmm)))
                failed = "电梯轿厢" if (days_ago, hhmm) == (2, "09:05") else ""
                # Recorded at the walk's own time, so its rectification order has a past too.
                with time_machine.travel(start + dt.timedelta(minutes=20), tick=False):
                    run = services.inspection_record(
                        checklist=checklist,
                        by=desk,
                        started_at=start,
                        finished_at=start + dt.timedelta(minutes=20),
                        results=[
                            services.ResultInput(
                                item=item.pk,
                                ok=item.name != failed,
                                note="轿厢顶灯两盏不亮" if item.name == failed else "",
                            )
                            for item in checklist.items.all()
                        ],
                    )
                if failed:
                    _put_right(run, start + dt.timedelta(minutes=20), data)


def _put_right(run: Any, registered_at: dt.datetime, data: Any) -> None:
    """The walk's rectification order taken through its day: dispatched, done, returned,
    called back and closed, each step at its own time (so loading the demo fires no
    deadline of it)."""
    from tickets import services as orders

    desk, engineer = data.staff["desk"], data.staff["engineer"]
    order = run.results.exclude(ticket=None).get().ticket
    steps = [
        (10, lambda: orders.ticket_dispatch(ticket=order, by=desk, assignee=engineer)),
        (5, lambda: orders.ticket_accept(ticket=order, by=engineer)),
        (30, lambda: orders.ticket_arrive(ticket=order, by=engineer)),
        (60, lambda: orders.ticket_complete(ticket=order, by=engineer, result="更换轿厢顶灯两盏")),
        (30, lambda: orders.ticket_return(ticket=order, by=desk)),
        # The reporter (the patrol) is called back: the lights are on.
        (30, lambda: orders.ticket_callback(ticket=order, by=desk, satisfaction="satisfied")),
        (5, lambda: orders.ticket_close(ticket=order, by=desk)),
    ]
    moment = registered_at
    for minutes, step in steps:
        moment += dt.timedelta(minutes=minutes)
        with time_machine.travel(moment, tick=False):
            step()
            order.refresh_from_db()
