"""Demo key boards: per project the keys of a few vacant units, the file-cabinet key and the
machine-room key; loans out, overdue and returned, and a household file lent to a butler."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Exists, OuterRef
from django.utils import timezone

from frontdesk.core.roles import Role
from residents.choices import UnitStatus
from residents.models import Household, Unit

from ..choices.loans import KeyKind
from ..models.loans import Key, Loan
from ..services.loans import loan_lend, loan_return

WORKERS = [
    ("李师傅", "恒兴装饰", "13900001111"),
    ("周师傅", "美家装修", "13900002222"),
    ("钱工", "安居水电", "13900003333"),
]


def _backdate(loan: Loan, hours: float) -> None:
    """Move a demo loan back in time (the demo shows a day that already happened)."""
    shift = dt.timedelta(hours=hours)
    Loan.objects.filter(pk=loan.pk).update(
        lent_at=loan.lent_at - shift,
        due_at=loan.due_at - shift,
        **({"returned_at": loan.returned_at - shift} if loan.returned_at else {}),
    )


def load(data: Any) -> None:
    for code, project in data.projects.items():
        desk = (data.staff_of(code, Role.DESK) or [None])[0]
        if desk is None:
            continue
        butlers = data.staff_of(code, Role.BUTLER)
        units = list(
            Unit.objects.filter(project=project, status=UnitStatus.VACANT)
            .exclude(
                Exists(Household.objects.filter(unit=OuterRef("pk"), moved_out_on__isnull=True))
            )
            .order_by("building__number", "number")[:4]
        )
        keys = [
            Key.objects.create(
                project=project,
                kind=KeyKind.VACANT_UNIT,
                label=f"{unit.code} 入户门",
                hook=f"A{n:02d}",
                unit=unit,
            )
            for n, unit in enumerate(units, start=1)
        ]
        cabinet = Key.objects.create(
            project=project, kind=KeyKind.FILE_CABINET, label="客户资料柜", hook="B01"
        )
        Key.objects.create(project=project, kind=KeyKind.OTHER, label="水泵房", hook="C01")
        now = timezone.now()
        # Returned loans of the past days.
        for n, key in enumerate(keys[:3]):
            name, company, phone = WORKERS[n % len(WORKERS)]
            loan = loan_lend(
                project=project,
                by=desk,
                key=key,
                borrower_name=name,
                borrower_company=company,
                borrower_phone=phone,
                purpose="带装修工人量房",
            )
            loan = loan_return(loan=loan, by=desk)
            _backdate(loan, 24 * (n + 1))
        loan = loan_lend(project=project, by=desk, key=cabinet, borrower=desk, purpose="取档案")
        _backdate(loan_return(loan=loan, by=desk), 30)
        # One out now, one overdue since this morning.
        if keys:
            loan_lend(
                project=project,
                by=desk,
                key=keys[0],
                borrower_name="李师傅",
                borrower_company="恒兴装饰",
                borrower_phone="13900001111",
                purpose="空置房验水电",
                due_at=now + dt.timedelta(hours=3),
            )
        if len(keys) > 1:
            overdue = loan_lend(
                project=project,
                by=desk,
                key=keys[1],
                borrower_name="周师傅",
                borrower_company="美家装修",
                borrower_phone="13900002222",
                purpose="带业主看房",
                due_at=now + dt.timedelta(hours=2),
            )
            _backdate(overdue, 6)
        households = data.households.get(code) or []
        if households and butlers:
            loan_lend(
                project=project,
                by=desk,
                household=households[0],
                borrower=butlers[0],
                purpose="核对业主联系方式",
            )
