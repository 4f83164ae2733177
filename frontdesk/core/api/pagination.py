"""Cursor (keyset) pagination: constant cost on any page of a large table.

A cursor is only ever one the server handed out in a `next` or `previous`
link: it is signed (with the secret key) together with the ordering it was
issued for. Anything else in `?cursor=` (a forged position such as `p=abc`, a
cursor of another ordering, a truncated one) is refused with a 400 on the
`cursor` parameter, before any query is built from it.
"""

from __future__ import annotations

from typing import Any, NoReturn

from django.core import signing
from django.utils.translation import gettext_lazy as _
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import Cursor, CursorPagination, replace_query_param
from rest_framework.request import Request

CURSOR_SALT = "frontdesk.api.cursor"


class DeskCursorPagination(CursorPagination):
    ordering = "-id"
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200
    invalid_cursor_message = _(
        "This cursor was not issued for this list: start again from the first page."
    )

    def encode_cursor(self, cursor: Cursor) -> str:
        payload = {
            "o": cursor.offset,
            "r": bool(cursor.reverse),
            "p": cursor.position,
            "k": list(self.ordering),
        }
        encoded = signing.dumps(payload, salt=CURSOR_SALT, compress=False)
        return str(replace_query_param(self.base_url, self.cursor_query_param, encoded))

    def decode_cursor(self, request: Request) -> Cursor | None:
        encoded = request.query_params.get(self.cursor_query_param)
        if encoded is None:
            return None
        try:
            payload: Any = signing.loads(encoded, salt=CURSOR_SALT)
        except (signing.BadSignature, ValueError, TypeError):
            # BadSignature covers forged and damaged cursors; the others an
            # undecodable payload under a valid signature (a changed codec).
            self._refuse()
        if not isinstance(payload, dict) or payload.get("k") != list(self.ordering):
            # A cursor of another ordering (`?ordering=` changed between pages)
            # would compare a position with the wrong column.
            self._refuse()
        offset, reverse, position = payload.get("o"), payload.get("r"), payload.get("p")
        if (
            not isinstance(offset, int)
            or isinstance(offset, bool)
            or not 0 <= offset <= self.offset_cutoff
            or not isinstance(reverse, bool)
            or not (position is None or isinstance(position, str))
        ):
            self._refuse()
        return Cursor(offset=offset, reverse=reverse, position=position)

    def _refuse(self) -> NoReturn:
        raise ValidationError({self.cursor_query_param: [str(self.invalid_cursor_message)]})
