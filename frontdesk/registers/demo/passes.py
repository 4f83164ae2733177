"""Demo item release passes: in each project one checked out at the gate, one good today and
one voided, issued through the services so that they carry real numbers."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from residents.choices import PersonRole

from ..services.passes import PassInput, release_pass_issue, release_pass_verify, release_pass_void

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
