"""Demo visitors of each demo project (today's and past days'), and a few messages and items
left for residents. 翠湖名苑 confirms visitors with the household by phone."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from frontdesk.core.roles import Role

from ..models.visitors import VisitorSettings
from ..services import visitors as services

PURPOSES = ["探亲访友", "送货上门", "维修上门", "看房", "家政服务", "朋友聚会"]
PLATES = ["粤B12345", "", "粤B6K789", "", "粤S88A21", ""]


def _at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute)))


def _visit(
    ctx: dict[str, Any],
    day: dt.date,
    hour: int,
    index: int,
    *,
    by: Any,
    left_after: float | None,
    post: str = "desk",
    people: int = 1,
) -> None:
    """One past or present visit: registered on arrival, and left after some hours."""
    arrived = _at(day, hour, (index * 7) % 60)
    visitor = services.visitor_register(
        project=ctx["project"],
        by=by,
        data=services.VisitorInput(
            household=ctx["households"][index],
            name=ctx["faker"].name(),
            phone=ctx["faker"].phone_number(),
            people=people,
            purpose=PURPOSES[index % len(PURPOSES)],
            plate=PLATES[index % len(PLATES)],
            post=post,
            confirmed_by_phone=ctx["confirm"],
            confirmed_with="业主本人" if ctx["confirm"] else "",
        ),
        now=arrived,
    )
    if left_after is not None:
        services.visitor_leave(visitor=visitor, by=by, now=arrived + dt.timedelta(hours=left_after))


def load(data: Any) -> None:
    for code, project in data.projects.items():
        desk = data.staff_of(code, Role.DESK)
        guards = data.staff_of(code, Role.SECURITY)
        households = data.households.get(code, [])
        if not desk or len(households) < 6:
            continue
        clerk = desk[0]
        gate = guards[0] if guards else clerk
        confirm = code == "cuihu"
        VisitorSettings.objects.get_or_create(
            project=project, defaults={"confirm_by_phone": confirm}
        )
        faker = data.faker
        ctx = {"project": project, "households": households, "faker": faker, "confirm": confirm}

        today = data.today
        for ago in (3, 2, 1):
            day = today - dt.timedelta(days=ago)
            _visit(ctx, day, 10, ago, by=clerk, left_after=1.5)
            _visit(ctx, day, 15, ago + 2, by=gate, left_after=2, post="gate", people=2)
        # Today: one came and left, one is in, two are expected (one announced for later).
        _visit(ctx, today, 8, 0, by=gate, left_after=0.5, post="gate")
        _visit(ctx, today, 9, 4, by=clerk, left_after=None, people=3)
        announced = _at(today, 8, 30)
        for index, at in ((1, dt.time(14, 0)), (5, dt.time(16, 30))):
            services.visitor_register(
                project=project,
                by=clerk,
                data=services.VisitorInput(
                    household=households[index],
                    name=faker.name(),
                    phone=faker.phone_number(),
                    purpose="业主来电预约来访",
                    expected_on=today,
                    expected_at=at,
                    confirmed_by_phone=True,
                    confirmed_with="业主来电",
                ),
                now=announced,
            )
        # A visitor announced yesterday who never came: lapsed.
        services.visitor_register(
            project=project,
            by=clerk,
            data=services.VisitorInput(
                household=households[2],
                name=faker.name(),
                purpose="送文件",
                expected_on=today - dt.timedelta(days=1),
            ),
            now=_at(today - dt.timedelta(days=1), 9),
        )
        # Messages and items left at the desk.
        rows = [
            (1, "message", "王先生的同事", "明早九点的会议改到十点,请回电", "collect"),
            (0, "item", "快递员李师傅", "一把备用钥匙(信封装)", "told"),
            (0, "message", "物业维修部", "周五上午检修水表,请留人在家", "waiting"),
        ]
        for i, (ago, kind, who, what, then) in enumerate(rows):
            received = _at(today - dt.timedelta(days=ago), 11 + i)
            message = services.message_receive(
                project=project,
                by=clerk,
                data=services.MessageInput(
                    household=households[i + 3], kind=kind, left_by=who, content=what
                ),
                now=received,
            )
            if then in ("told", "collect"):
                services.message_tell(
                    message=message,
                    by=clerk,
                    how="phone",
                    whom="业主",
                    now=received + dt.timedelta(minutes=15),
                )
            if then == "collect":
                services.message_collect(
                    message=message,
                    by=clerk,
                    collector_name=faker.name(),
                    signed_on_paper=True,
                    now=received + dt.timedelta(hours=4),
                )
