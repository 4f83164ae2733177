"""Demo valuables in custody: per project one deposit held (with a delegate) and one handed
back against its receipt."""

from __future__ import annotations

import io
from typing import Any

from django.core.files.base import ContentFile

from frontdesk.core.roles import Role

from ..services.custody import deposit_name_delegate, deposit_receive, deposit_return


def _photo(colour: tuple[int, int, int]) -> ContentFile[bytes]:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), colour).save(buffer, format="JPEG")
    return ContentFile(buffer.getvalue(), name="valuables.jpg")


def load(data: Any) -> None:
    for code, project in data.projects.items():
        desk = (data.staff_of(code, Role.DESK) or [None])[0]
        if desk is None:
            continue
        households = data.households.get(code) or []
        home = households[1] if len(households) > 1 else None
        owner = next((p for p in home.persons.all() if p.phone), None) if home else None
        held = deposit_receive(
            project=project,
            by=desk,
            household=home,
            owner_name=owner.name if owner else "王建国",
            owner_phone=owner.phone if owner else "13812345678",
            description="金项链一条(约 20 克)\n玉镯一只,带红色锦盒",
            declared_value="12000",
            photos=[_photo((212, 175, 55)), _photo((120, 180, 120))],
        )
        deposit_name_delegate(
            deposit=held, by=desk, name="王小明", phone="13912340000", note="业主来电委托其儿子领取"
        )
        returned = deposit_receive(
            project=project,
            by=desk,
            owner_name="陈美玲",
            owner_phone="13698765432",
            description="笔记本电脑一台(银色,带电源)",
            photos=[_photo((180, 180, 190))],
            delegate_name="陈志远",
        )
        deposit_return(
            deposit=returned,
            by=desk,
            receipt_number=returned.number,
            collector_name="陈美玲",
            id_type="resident_id",
            id_last4="2315",
            signed_on_paper=True,
        )
