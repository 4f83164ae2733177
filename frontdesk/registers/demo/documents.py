"""Demo rows of the incoming documents' register: a few letters of the last days in each
project, one awaiting the manager, one awaiting a department's receipt, the rest done."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from ..services import documents as services

# sender, title, reference, pages, urgency, days ago, instruction, departments, signed
DOCUMENTS: list[tuple[str, str, str, int, str, int, str, list[str], bool]] = [
    ("区住建局", "关于开展冬季消防安全检查的通知", "住建〔2026〕118号", 3, "urgent", 6,
     "工程部、保安部按通知自查，周五前报整改情况。", ["engineering", "security"], True),
    ("街道办事处", "垃圾分类宣传月活动安排", "", 2, "normal", 4,
     "保洁部配合宣传，客服在宣传栏张贴。", ["cleaning", "customer_service"], True),
    ("供电局", "计划停电通知（12月5日 9:00-15:00）", "供电停〔2026〕45号", 1, "urgent", 2,
     "客服通知全体业主，工程部做好应急准备。", ["customer_service", "engineering"], False),
    ("业主委员会", "关于调整停车收费标准的意见函", "", 4, "normal", 0, "", [], False),
]  # fmt: skip


# Who signed the paper when the desk records a department's receipt on its behalf.
SIGNERS = {"cleaning": "林桂英", "security": "高峰", "greening": "黄永福"}


def load(data: Any) -> None:
    now = timezone.now()
    desk = data.staff["desk"]
    manager = data.staff["manager"]
    engineer = data.staff["engineer"]
    for project in data.projects.values():
        for sender, title, ref, pages, urgency, days, instruction, departments, signed in DOCUMENTS:
            received = now - dt.timedelta(days=days, hours=2)
            document = services.document_register(
                project=project,
                by=desk,
                data=services.DocumentInput(
                    sender=sender,
                    title=title,
                    reference=ref,
                    pages=pages,
                    urgency=urgency,
                    received_at=received,
                ),
            )
            if not instruction:
                continue  # awaits the manager
            services.document_instruct(
                document=document, by=manager, instruction=instruction, departments=departments
            )
            for department in departments:
                if department == "engineering":
                    services.document_acknowledge(
                        document=document, by=engineer, department=department
                    )
                elif signed:
                    services.document_acknowledge(
                        document=document,
                        by=desk,
                        department=department,
                        signer=SIGNERS.get(department, ""),
                    )
