"""Demo lost and found: per project one item returned to its owner, one waiting, one past its
holding period (waiting for the supervisor's disposal) and one perishable disposed of."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from frontdesk.core.roles import Role

from ..models.lost_found import FoundItem, LostFoundSettings
from ..services.lost_found import found_dispose, found_register, found_return


def load(data: Any) -> None:
    for code, project in data.projects.items():
        desk = (data.staff_of(code, Role.DESK) or [None])[0]
        supervisor = (data.staff_of(code, Role.SUPERVISOR) or [None])[0]
        if desk is None:
            continue
        LostFoundSettings.objects.get_or_create(project=project, defaults={"holding_days": 90})
        now = timezone.now()
        returned = found_register(
            project=project,
            by=desk,
            what="黑色钱包(内有身份证、银行卡)",
            where_found="2 栋大堂沙发",
            kept_at="前台保险柜",
            found_by_name="住户张女士",
            found_at=now - dt.timedelta(days=3),
        )
        found_return(
            item=returned,
            by=desk,
            owner_name="刘洋",
            owner_phone="13711112222",
            proof="核对钱包内身份证与本人一致",
            signed_on_paper=True,
        )
        found_register(
            project=project,
            by=desk,
            what="儿童蓝色水壶",
            where_found="儿童游乐区",
            kept_at="前台失物柜第 2 格",
            found_by_name="保洁员林阿姨",
            found_at=now - dt.timedelta(days=5),
        )
        old = found_register(
            project=project,
            by=desk,
            what="黑色长柄雨伞",
            where_found="会所门口",
            kept_at="前台失物柜第 1 格",
            found_by_name="保安巡逻",
            found_at=now - dt.timedelta(days=1),
        )
        # Found four months ago: past the 90 days, waiting for the supervisor's decision.
        FoundItem.objects.filter(pk=old.pk).update(
            found_at=now - dt.timedelta(days=120),
            registered_at=now - dt.timedelta(days=120),
            hold_until=timezone.localdate() - dt.timedelta(days=30),
        )
        if supervisor is not None:
            fruit = found_register(
                project=project,
                by=desk,
                what="一袋水果",
                where_found="快递柜旁",
                kept_at="前台",
                found_by_name="保安巡逻",
                perishable=True,
            )
            found_dispose(item=fruit, by=supervisor, disposal="destroyed", reason="已变质,无人认领")
