"""Demo mail of each demo project: some collected, some waiting, one overdue, one returned."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from frontdesk.core.roles import Role

from ..models.parcels import ParcelSettings
from ..services import parcels as services

CARRIERS = ["sf", "jd", "zto", "yto", "post", "yunda"]


def _at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute)))


def load(data: Any) -> None:
    for n, (code, project) in enumerate(data.projects.items()):
        desk = data.staff_of(code, Role.DESK)
        households = data.households.get(code, [])
        if not desk or len(households) < 6:
            continue
        clerk = desk[0]
        ParcelSettings.objects.get_or_create(
            project=project, defaults={"daily_list_at": dt.time(10, 0), "overdue_days": 3}
        )
        butlers = data.staff_of(code, Role.BUTLER)
        rows = [
            # (days ago, hour, household index, kind, then)
            (6, 9, 0, "parcel", "overdue"),
            (5, 14, 1, "registered", "returned"),
            (2, 10, 2, "parcel", "collected"),
            (1, 16, 3, "letter", "collected_by_staff"),
            (1, 11, 4, "registered", "collected_with_id"),
            (0, 9, 5, "parcel", "told"),
            (0, 10, 0, "newspaper", "waiting"),
            (0, 11, 2, "parcel", "waiting"),
        ]
        for i, (ago, hour, index, kind, then) in enumerate(rows):
            day = data.today - dt.timedelta(days=ago)
            received = _at(day, hour, 5 * i)
            number = (
                ""
                if kind in ("letter", "newspaper")
                else f"{CARRIERS[i % 6].upper()}{n}{90210 + i:08d}"
            )
            parcel = services.parcel_receive(
                project=project,
                by=clerk,
                data=services.ParcelInput(
                    household=households[index],
                    kind=kind,
                    carrier="post"
                    if kind in ("letter", "newspaper", "registered")
                    else CARRIERS[i % 6],
                    tracking_number=number,
                ),
                now=received,
            )
            if then in ("told", "collected", "collected_with_id", "returned", "overdue"):
                services.parcel_tell(
                    parcel=parcel,
                    by=clerk,
                    channel="phone",
                    now=received + dt.timedelta(minutes=20),
                )
            later = received + dt.timedelta(hours=5)
            if then == "collected":
                services.parcel_pickup(
                    parcel=parcel,
                    by=clerk,
                    collector_name=data.faker.name(),
                    signed_on_paper=True,
                    now=later,
                )
            elif then == "collected_by_staff" and butlers:
                services.parcel_pickup(
                    parcel=parcel,
                    by=butlers[0],
                    collector_name=butlers[0].get_full_name() or butlers[0].username,
                    collector_kind="area_staff",
                    signed_on_paper=True,
                    now=later,
                )
            elif then == "collected_with_id":
                services.parcel_pickup(
                    parcel=parcel,
                    by=clerk,
                    collector_name=data.faker.name(),
                    signed_on_paper=True,
                    id_type="resident_id",
                    id_last_digits=f"{data.random.randint(0, 9999):04d}",
                    now=later,
                )
            elif then == "returned":
                services.parcel_return(
                    parcel=parcel, by=clerk, reason="地址有误,住户确认非本户邮件", now=later
                )
