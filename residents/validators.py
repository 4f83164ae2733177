"""Validators for the personal data a household file keeps."""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

_MOBILE = re.compile(r"^1[3-9]\d{9}$")
_LANDLINE = re.compile(r"^0\d{2,3}-?\d{7,8}(-\d{1,6})?$")
_PLATE = re.compile(
    r"^[京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼使领]"
    r"[A-HJ-NP-Z][A-HJ-NP-Z0-9]{4,5}[A-HJ-NP-Z0-9挂学警港澳]$"
)
_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"


def normalize_phone(value: str) -> str:
    """Drop spaces and a +86 prefix so numbers compare and search alike."""
    value = re.sub(r"[\s()]", "", value or "")
    if value.startswith("+86"):
        value = value[3:]
    return value


def validate_phone(value: str) -> None:
    phone = normalize_phone(value)
    if not (_MOBILE.match(phone) or _LANDLINE.match(phone)):
        raise ValidationError(
            _("Enter a mobile number of 11 digits (13812345678) or a landline (0755-12345678)."),
            code="invalid_phone",
        )


def resident_id_is_valid(value: str) -> bool:
    """An 18-character resident ID number with a correct GB 11643 check digit."""
    if not re.fullmatch(r"\d{17}[\dX]", value):
        return False
    total = sum(int(d) * w for d, w in zip(value[:17], _ID_WEIGHTS, strict=True))
    return _ID_CHECK[total % 11] == value[17]


def validate_resident_id(value: str) -> None:
    if not resident_id_is_valid(value.upper()):
        raise ValidationError(
            _("Enter an 18-character resident ID number with a valid check digit."),
            code="invalid_id_number",
        )


def validate_plate(value: str) -> None:
    if not _PLATE.match(value.upper().replace(" ", "").replace("·", "")):
        raise ValidationError(
            _("Enter a Chinese licence plate such as 粤B12345."), code="invalid_plate"
        )
