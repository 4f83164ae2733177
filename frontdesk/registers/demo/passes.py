"""Demo item release passes: in each project one checked out at the gate, one good today and
one voided; and a couple of temporary passes and a card replaced. All through the services, so
that they carry real numbers and their fees reach the bills."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.utils import timezone

from residents.choices import CardKind, CardStatus, PersonRole

from ..choices.passes import CardWorkKind, HolderKind
from ..services.passes import (
    PassInput,
    TemporaryPassInput,
    card_work_record,
    release_pass_issue,
    release_pass_verify,
    release_pass_void,
    temporary_pass_issue,
)

GOODS = [
    ("旧沙发一套、茶几一张", 2, "东门"),
    ("冰箱一台（搬家）", 1, "南门"),
    ("纸箱装书籍", 6, "东门"),
]


def _owner(household: Any) -> Any:
    return next(
        (p for p in household.persons.all() if p.is_active and p.role == PersonRole.OWNER), None
    )


def load(data: Any) -> None:
    today = timezone.localdate()
    desk = data.staff["desk"]
    guard = data.staff["security"]
    for code, project in data.projects.items():
        households = [h for h in data.households[code] if _owner(h) is not None][:3]
        issued = []
        for household, (goods, quantity, gate) in zip(households, GOODS, strict=False):
            owner = _owner(household)
            issued.append(
                release_pass_issue(
                    project=project,
                    household=household,
                    by=desk,
                    data=PassInput(
                        carrier_name=owner.name,
                        goods=goods,
                        quantity=quantity,
                        valid_from=today,
                        gate=gate,
                    ),
                )
            )
        if len(issued) == 3:
            release_pass_verify(release_pass=issued[0], by=guard, gate=issued[0].gate)
            release_pass_void(release_pass=issued[2], by=desk, reason="业主改期搬家，重新开具")
    load_cards(data)


def load_cards(data: Any) -> None:
    """A couple of temporary passes (one due back today) and card work in each project."""
    today = timezone.localdate()
    desk = data.staff["desk"]
    for code, project in data.projects.items():
        households = list(data.households[code])
        decorated = households[3] if len(households) > 3 else households[0]
        temporary_pass_issue(
            project=project,
            by=desk,
            data=TemporaryPassInput(
                holder_kind=HolderKind.DECORATOR,
                holder_name="张建军",
                household=decorated,
                company="美家装饰工程有限公司",
                valid_from=today,
                valid_until=today + dt.timedelta(days=14),
                deposit=Decimal("50.00"),
                fee=Decimal("10.00"),
            ),
        )
        temporary_pass_issue(
            project=project,
            by=desk,
            data=TemporaryPassInput(
                holder_kind=HolderKind.WORKER,
                holder_name="李师傅",
                company="城市燃气公司",
                valid_from=today,
                valid_until=today,
            ),
        )
        card = next(
            (
                c
                for h in households
                for c in h.cards.all()
                if c.status == CardStatus.ACTIVE and c.kind == CardKind.ACCESS
            ),
            None,
        )
        if card is not None:
            card_work_record(
                card=card,
                kind=CardWorkKind.REPLACE,
                by=desk,
                fee=Decimal("20.00"),
                new_number=f"{card.number}-R",
                note="门禁卡磨损，住户申请补办",
            )
