"""Input checks shared by the key loans, custody and lost-and-found services.

Each raises ApplicationError on the field it checks, before anything is written.
"""

from __future__ import annotations

import datetime as dt
import io
import secrets
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from frontdesk.core.errors import ApplicationError
from frontdesk.core.models import Membership
from residents.validators import normalize_phone, validate_phone

# What a photo of valuables or of a found item may be (checked by reading it, not by its name).
PHOTO_FORMATS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp"}


def collect(checks: dict[str, Callable[[], Any]]) -> dict[str, Any]:
    """Run each field's check; raise every field's message at once, or answer the values."""
    errors: dict[str, list[str]] = {}
    clean: dict[str, Any] = {}
    for name, run in checks.items():
        try:
            clean[name] = run()
        except ApplicationError as error:
            errors.update(error.fields)
    if errors:
        raise ApplicationError(fields=errors)
    return clean


def text(value: Any, field: str, *, max_length: int, required: bool = True) -> str:
    result = ("" if value is None else str(value)).strip()
    if required and not result:
        raise ApplicationError(fields={field: [_("This field is required.")]})
    if len(result) > max_length:
        raise ApplicationError(fields={field: [_("At most %(n)d characters.") % {"n": max_length}]})
    return result


def phone(value: Any, field: str, *, required: bool = True) -> str:
    number = normalize_phone(str(value or ""))
    if not number:
        if required:
            raise ApplicationError(fields={field: [_("This field is required.")]})
        return ""
    try:
        validate_phone(number)
    except ValidationError as error:
        raise ApplicationError(fields={field: [str(m) for m in error.messages]}) from None
    return number


def aware(value: dt.datetime | None, field: str) -> dt.datetime | None:
    if value is None:
        return None
    if timezone.is_naive(value):
        value = timezone.make_aware(value)
    if not 2000 <= value.year <= 2999:
        raise ApplicationError(fields={field: [_("Enter a date between 2000 and 2999.")]})
    return value


def works_in(user: Any, project_id: int, field: str) -> None:
    """`user` must be active staff of the project (a superuser works in all)."""
    if user is None:
        return
    if not getattr(user, "is_active", False):
        raise ApplicationError(fields={field: [_("Unknown user.")]})
    if getattr(user, "is_superuser", False):
        return
    if not Membership.objects.filter(user=user, project_id=project_id).exists():
        raise ApplicationError(fields={field: [_("This person does not work in this project.")]})


def signed(signature: Any, signed_on_paper: bool) -> None:
    """A step the procedure has signed: a drawing from the pad, or a tick for paper."""
    if not signature and not signed_on_paper:
        raise ApplicationError(
            fields={
                "signature": [_("Have the collector sign on the pad, or tick signed on paper.")]
            }
        )


def photo(upload: Any, field: str) -> None:
    """An uploaded photo: a JPEG, PNG or WebP image no larger than the upload limit.

    The file is renamed to a random name with the extension of what it is, so that neither
    the name the phone gave it nor a misleading extension is kept or served.
    """
    size = getattr(upload, "size", None)
    if size is None or size > settings.MAX_UPLOAD_BYTES:
        raise ApplicationError(
            fields={
                field: [
                    _("The file is larger than %(mb)d MB.")
                    % {"mb": settings.MAX_UPLOAD_BYTES // (1024 * 1024)}
                ]
            }
        )
    from PIL import Image, UnidentifiedImageError

    try:
        upload.seek(0)
        with Image.open(io.BytesIO(upload.read())) as image:
            kind = image.format
            image.verify()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        kind = None
    finally:
        upload.seek(0)
    if kind not in PHOTO_FORMATS:
        raise ApplicationError(fields={field: [_("Upload a photo: a JPEG, PNG or WebP image.")]})
    upload.name = f"{secrets.token_hex(8)}.{PHOTO_FORMATS[kind]}"
