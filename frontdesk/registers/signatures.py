"""Signatures taken at the desk: a resident or a colleague signs on the desk's touch screen.

The page draws a pad (`static/js/signature.js`) that writes the drawing into a hidden
input as a PNG data URL; the API takes the same data URL as a string. Either way it
is checked here (a real PNG, not too large) and kept as a file beside the entry it
signs. Where the desk has no pad, the entry records that it was signed on paper.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import io
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

PREFIX = "data:image/png;base64,"
# A signature drawn on a pad is a few kilobytes; anything much larger is not one.
MAX_BYTES = 300_000
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def decode_signature(value: str) -> ContentFile[bytes] | None:
    """The PNG file of a signature data URL, None for an empty value, or ValidationError."""
    value = (value or "").strip()
    if not value:
        return None
    if not value.startswith(PREFIX):
        raise ValidationError(_("The signature is not a drawing from the signature pad."))
    try:
        data = base64.b64decode(value[len(PREFIX) :], validate=True)
    except (binascii.Error, ValueError):
        raise ValidationError(_("The signature could not be read.")) from None
    if len(data) > MAX_BYTES:
        raise ValidationError(_("The signature is too large."))
    if not data.startswith(PNG_MAGIC):
        raise ValidationError(_("The signature is not a drawing from the signature pad."))
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(io.BytesIO(data)) as image:
            image.verify()
    except (UnidentifiedImageError, OSError, SyntaxError):
        raise ValidationError(_("The signature could not be read.")) from None
    name = hashlib.sha256(data).hexdigest()[:16] + ".png"
    return ContentFile(data, name=name)


class SignatureWidget(forms.HiddenInput):
    """A hidden input with a drawing pad before it (the pad fills the input)."""

    template_name = "registers/widgets/signature.html"


class SignatureFormField(forms.CharField):
    """A signature from the pad, cleaned to a PNG `ContentFile` (or None when not required)."""

    widget = SignatureWidget

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("label", _("Signature"))
        kwargs.setdefault("strip", True)
        super().__init__(**kwargs)
        self.error_messages.setdefault("required", _("Please sign on the pad."))
        self.error_messages["required"] = _("Please sign on the pad.")

    def clean(self, value: Any) -> ContentFile[bytes] | None:
        text = super().clean(value)
        return decode_signature(text)


class SignatureSerializerField(serializers.CharField):
    """A signature in the API: a `data:image/png;base64,...` string, written only."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("write_only", True)
        kwargs.setdefault(
            "help_text",
            "The signature drawn on a pad, as a PNG data URL (data:image/png;base64,...).",
        )
        super().__init__(**kwargs)

    def to_internal_value(self, data: Any) -> ContentFile[bytes] | None:  # type: ignore[override]
        text = super().to_internal_value(data)
        try:
            return decode_signature(text)
        except ValidationError as error:
            raise serializers.ValidationError(error.messages) from None
