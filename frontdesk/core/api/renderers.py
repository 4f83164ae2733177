"""The API's JSON renderer: never fails on text it cannot encode.

Input with lone surrogates is refused by the parser, but a value can reach a
response by other ways (an error message quoting a query parameter, a row
written before the check). Such a character is rendered as U+FFFD rather than
turning the response into a 500.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from rest_framework.renderers import JSONRenderer

from .parsers import SURROGATE


def _replace_surrogates(data: Any) -> Any:
    if isinstance(data, str):
        return SURROGATE.sub("\ufffd", data)
    if isinstance(data, Mapping):
        return {_replace_surrogates(k): _replace_surrogates(v) for k, v in data.items()}
    if isinstance(data, list | tuple):
        return [_replace_surrogates(item) for item in data]
    return data


class DeskJSONRenderer(JSONRenderer):
    def render(
        self,
        data: Any,
        accepted_media_type: str | None = None,
        renderer_context: Mapping[str, Any] | None = None,
    ) -> bytes:
        try:
            return super().render(data, accepted_media_type, renderer_context)
        except UnicodeEncodeError:
            return super().render(_replace_surrogates(data), accepted_media_type, renderer_context)
