"""Households with something of everything, written through the services."""

import datetime as dt
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile

from residents import services
from residents.choices import DecorationStatus, InspectionKind, InspectionResult


def fill_file(household, by, n, start=0):
    """Give a household n of everything its file shows, through the services."""
    for i in range(start, start + n):
        services.person_add(
            household=household,
            data={"name": f"成员{i}", "phone": f"1370000{i:04d}", "role": "member"},
            by=by,
        )
        vehicle = services.vehicle_add(household=household, plate=f"粤B1234{i}", by=by)
        services.card_issue(
            household=household,
            kind="parking",
            number=f"P-{household.pk}-{i}",
            issued_on=dt.date(2026, 2, 1),
            vehicle=vehicle,
            by=by,
        )
        services.note_add(household=household, text=f"第{i}条备注", by=by)
        services.attachment_add(
            household=household,
            file=SimpleUploadedFile(f"scan{i}.pdf", b"%PDF-1.4 test"),
            title=f"扫描件{i}",
            by=by,
        )
        decoration = services.decoration_apply(
            household=household,
            data={
                "applied_on": dt.date(2026, 3, 1),
                "description": "厨房改造",
                "contractor": "好家装修",
                "contractor_phone": "13698765432",
                "planned_start": dt.date(2026, 3, 10),
                "planned_end": dt.date(2026, 4, 10),
                "deposit": Decimal("2000"),
            },
            by=by,
        )
        services.decoration_set_status(
            decoration=decoration, status=DecorationStatus.APPROVED, by=by
        )
        services.decoration_pass_issue(
            decoration=decoration,
            name=f"工人{i}",
            phone="13512345678",
            id_number="11010519491231002X",
            valid_until=dt.date(2026, 4, 10),
            by=by,
        )
        services.decoration_inspect(
            decoration=decoration,
            kind=InspectionKind.ROUTINE,
            inspected_on=dt.date(2026, 3, 20),
            result=InspectionResult.PASSED,
            by=by,
        )
    services.movein_record(
        household=household,
        data={
            "keys_handed": 3,
            "water_reading": Decimal("12.5"),
            "checklist": [{"item": "入户门", "condition": "good", "note": ""}],
        },
        by=by,
    )
