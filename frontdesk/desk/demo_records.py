"""Demo rows of the desk's own records: a day of the duty log, shifts and handovers,
an incident, a key follow-up, yesterday's signed check and a phone system.

Called by `frontdesk.desk.demo.load` after the work orders, through the desk's
services, so the records carry their real deadlines and links. In 翠湖名苑 the
handover to `desk2` waits for acknowledgement, to show the banner.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.utils import timezone

from frontdesk.core.roles import Role
from tickets.services import ticket_commit

from . import services
from .models import Extension

if TYPE_CHECKING:
    from .demo import DemoData

# The phone system's key of each demo project (documented in the README).
DEMO_PHONE_KEYS = {
    "jinxiu": "demo-phone-key-jinxiu-000000000001",
    "cuihu": "demo-phone-key-cuihu-0000000000002",
}

CALLS = [
    ("consultation", "phone", "询问本月物业费缴费截止日期", True, ""),
    ("request", "phone", "厨房水龙头滴水，希望明天上午上门", False, "repair"),
    ("complaint", "walk_in", "楼上装修噪音中午仍在施工", False, ""),
    ("praise", "phone", "表扬保安夜间巡逻认真负责", True, ""),
    ("suggestion", "written", "建议在儿童游乐区增加遮阳棚", False, ""),
    ("emergency", "phone", "地下车库B2层有积水", False, "repair"),
]


def load(data: DemoData) -> None:
    now = timezone.now()
    supervisor = data.staff["supervisor"]
    for code, project in data.projects.items():
        households = data.households[code]
        clerk_today = data.staff["desk2"] if code == "cuihu" else data.staff["desk"]
        clerk_yesterday = data.staff["desk"]
        start_today = now - dt.timedelta(hours=3)
        yesterday = services.shift_plan(
            project=project,
            clerk=clerk_yesterday,
            starts_at=start_today - dt.timedelta(hours=10),
            ends_at=start_today,
            by=supervisor,
        )
        services.shift_plan(
            project=project,
            clerk=clerk_today,
            starts_at=start_today,
            ends_at=start_today + dt.timedelta(hours=9),
            by=supervisor,
        )
        services.shift_plan(
            project=project,
            clerk=clerk_yesterday,
            starts_at=start_today + dt.timedelta(hours=9),
            ends_at=start_today + dt.timedelta(hours=19),
            by=supervisor,
        )
        # Yesterday evening's calls, then the shift closes into its handover.
        for n, (kind, channel, matter, on_spot, order_kind) in enumerate(CALLS):
            household = households[(n * 7) % len(households)]
            data_in = services.EntryInput(
                channel=channel,
                kind=kind,
                matter=matter,
                at=start_today - dt.timedelta(hours=8) + dt.timedelta(minutes=40 * n),
                caller_name=data.faker.name(),
                household=household,
                answered_on_spot=on_spot,
                promise="" if on_spot else "三天内答复处理结果",
                promise_due_at=None if on_spot else now + dt.timedelta(days=2),
                promise_by=None if on_spot else clerk_yesterday,
            )
            entry = services.entry_record(project=project, by=clerk_yesterday, data=data_in)
            if order_kind:
                services.entry_open_order(entry=entry, by=clerk_yesterday, kind=order_kind)
                # The commitment was given on the call, as the desk does: what, by when, by
                # whom (without it the demo would breach its quick commitment at once).
                ticket_commit(
                    ticket=entry.ticket,
                    by=clerk_yesterday,
                    what="工程部上门处理",
                    by_when=now + dt.timedelta(hours=20),
                    by_whom="工程部",
                )
            if kind == "emergency":
                incident = services.incident_record(
                    project=project,
                    by=clerk_yesterday,
                    what="地下车库积水",
                    where="B2层",
                    occurred_at=entry.at,
                    entries=[entry],
                    tickets=[entry.ticket] if entry.ticket else [],
                )
                services.incident_step(
                    incident=incident,
                    by=clerk_yesterday,
                    kind="called",
                    who="工程部值班",
                    at=entry.at + dt.timedelta(minutes=2),
                )
        handover = services.shift_close(
            shift=yesterday, by=clerk_yesterday, notes="B2积水已通知工程部，明早复查。"
        )
        if code == "jinxiu":
            services.handover_acknowledge(handover=handover, by=clerk_today)
            services.tracking_open(
                project=project,
                by=supervisor,
                matter="3栋业主反复反映电梯异响",
                owner=clerk_today,
                next_check_on=data.today,
                referred_to="head",
            )
        review = services.review_open(
            project=project, kind="daily", day=data.today - dt.timedelta(days=1), by=supervisor
        )
        services.review_sign(review=review, by=supervisor, comment="记录完整，投诉跟进及时。")
        line = services.phone_line_set_key(project=project, key=DEMO_PHONE_KEYS[code])
        Extension.objects.create(line=line, number="801", clerk=clerk_today)
        for n, desk_clerk in enumerate(data.staff_of(code, Role.DESK)):
            if desk_clerk != clerk_today:
                Extension.objects.create(line=line, number=f"80{n + 2}", clerk=desk_clerk)
