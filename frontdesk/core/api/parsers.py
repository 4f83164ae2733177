"""The API's JSON parser: text that cannot be stored is refused as it arrives.

JSON may spell a lone UTF-16 surrogate (`"\\udfff"`), which Python decodes to
a string that neither PostgreSQL nor the JSON renderer can encode. DRF's
`CharField` refuses it, but choice, slug, date, JSON and every other field
would pass it on (a "not a valid choice" message repeating the value cannot
be rendered: a 500). The parser checks every key and string of the body once,
so no field, serializer or service ever sees one: the request is a 400 on the
top-level field that holds it.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from django.utils.translation import gettext as _
from rest_framework.exceptions import ParseError, ValidationError
from rest_framework.parsers import JSONParser

from ..errors import NON_FIELD

SURROGATE = re.compile("[\ud800-\udfff]")


def surrogate_message(text: str) -> str:
    found = SURROGATE.search(text)
    code = f"{ord(found.group()):04X}" if found else "?"
    return _(
        "Contains U+%(code)s, which is not a character (a lone surrogate): "
        "send the text as valid UTF-8."
    ) % {"code": code}


def find_surrogates(data: Any) -> dict[str, list[str]]:
    """Messages per top-level key of `data` for each lone surrogate anywhere below it."""
    errors: dict[str, list[str]] = {}
    # Iterative walk: a body nested thousands deep must not exhaust the stack.
    stack: list[tuple[str, Any]] = []
    if isinstance(data, Mapping):
        for key, value in data.items():
            if isinstance(key, str) and SURROGATE.search(key):
                errors.setdefault(NON_FIELD, [surrogate_message(key)])
                continue
            stack.append((str(key), value))
    else:
        stack.append((NON_FIELD, data))
    while stack:
        field, value = stack.pop()
        if field in errors:
            continue
        if isinstance(value, str):
            if SURROGATE.search(value):
                errors[field] = [surrogate_message(value)]
        elif isinstance(value, Mapping):
            for key, inner in value.items():
                stack.append((field, key))
                stack.append((field, inner))
        elif isinstance(value, list):
            stack.extend((field, inner) for inner in value)
    return errors


class DeskJSONParser(JSONParser):
    """DRF's JSON parser, refusing lone surrogates and bodies nested too deep to read."""

    def parse(
        self,
        stream: Any,
        media_type: str | None = None,
        parser_context: Mapping[str, Any] | None = None,
    ) -> Any:
        try:
            data = super().parse(stream, media_type, parser_context)
        except RecursionError as exc:
            raise ParseError(_("JSON parse error - nested too deep.")) from exc
        errors = find_surrogates(data)
        if errors:
            raise ValidationError(errors)
        return data
