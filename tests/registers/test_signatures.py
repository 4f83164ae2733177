"""Signatures from the pad: a real PNG is kept, anything else is refused with a message."""

import base64
import io

import pytest
from django.core.exceptions import ValidationError
from PIL import Image

from frontdesk.registers.signatures import SignatureFormField, decode_signature


def png_data_url(width=60, height=20):
    buffer = io.BytesIO()
    Image.new("RGBA", (width, height), (0, 0, 0, 0)).save(buffer, format="PNG")
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode()


def test_a_drawing_from_the_pad_becomes_a_png_file():
    """The pad's data URL is decoded into the PNG bytes it carries, named by its content."""
    signature = decode_signature(png_data_url())
    assert signature is not None
    assert signature.read().startswith(b"\x89PNG") and signature.name.endswith(".png")


@pytest.mark.parametrize(
    "value",
    [
        "data:image/svg+xml;base64,PHN2Zz48L3N2Zz4=",  # a drawing that can carry a script
        "data:image/png;base64,not-base64!!",
        "data:image/png;base64," + base64.b64encode(b"GIF89a fake").decode(),
        "data:image/png;base64," + base64.b64encode(b"\x89PNG\r\n\x1a\n broken").decode(),
    ],
)
def test_anything_but_a_png_drawing_is_refused(value):
    """Other image types, bad base64 and a broken PNG are each a validation error."""
    with pytest.raises(ValidationError):
        decode_signature(value)


def test_an_oversized_signature_is_refused():
    """A data URL over the size limit is refused before it is opened as an image."""
    big = (
        "data:image/png;base64," + base64.b64encode(b"\x89PNG\r\n\x1a\n" + b"0" * 400_000).decode()
    )
    with pytest.raises(ValidationError, match="过大"):
        decode_signature(big)


def test_a_required_signature_asks_for_one_and_an_optional_one_may_be_empty():
    """The form field says "please sign" when nothing was drawn, and gives None when optional."""
    with pytest.raises(ValidationError, match="签名"):
        SignatureFormField().clean("")
    assert SignatureFormField(required=False).clean("") is None
