"""The API's error shape: every refusal, whatever its status, has one body.

    {"field": ["message", ...], "non_field_errors": ["message", ...]}

Messages about a field are under its name; a field inside a list or a nested
object is named by its path (`persons.0.name`). Everything that is not about
one field (a wrong password, a malformed JSON body, 401, 403, 404, 405, 413,
429) is under `non_field_errors`. The status says what kind of refusal it is.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.core.exceptions import RequestDataTooBig, SuspiciousOperation
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpRequest, JsonResponse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from ..errors import NON_FIELD, ApplicationError


class PayloadTooLarge(exceptions.APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_code = "too_large"

    def __init__(self) -> None:
        super().__init__(_("The request body is larger than the server accepts."))


def _messages(detail: Any) -> list[str]:
    if isinstance(detail, list | tuple):
        return [str(item) for item in detail]
    return [str(detail)]


def _flatten(detail: Any, prefix: str, into: dict[str, list[str]]) -> None:
    if isinstance(detail, Mapping):
        for key, inner in detail.items():
            name = NON_FIELD if key in (NON_FIELD, "__all__") and not prefix else str(key)
            _flatten(inner, f"{prefix}.{name}" if prefix else name, into)
    elif isinstance(detail, list | tuple) and any(
        isinstance(item, Mapping | list | tuple) for item in detail
    ):
        # The errors of each item of a list: `[{}, {"name": [...]}]`.
        for index, inner in enumerate(detail):
            if inner:
                _flatten(inner, f"{prefix}.{index}" if prefix else str(index), into)
    else:
        into.setdefault(prefix or NON_FIELD, []).extend(_messages(detail))


def error_body(detail: Any) -> dict[str, list[str]]:
    """The one error shape for the `detail` of a DRF exception."""
    body: dict[str, list[str]] = {}
    _flatten(detail, "", body)
    return body


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    if isinstance(exc, RequestDataTooBig):
        exc = PayloadTooLarge()
    elif isinstance(exc, SuspiciousOperation):
        exc = exceptions.ParseError(_("The request could not be read."))
    if isinstance(exc, DjangoValidationError):
        exc = ApplicationError.from_validation_error(exc)
    if isinstance(exc, ApplicationError):
        exc = exceptions.ValidationError(exc.fields)
    if isinstance(exc, Http404):
        # Django's message names the model in English ("No Household matches the given
        # query."): answer DRF's translated "not found" instead.
        exc = exceptions.NotFound()
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        response.data = error_body(response.data)
    else:
        detail = exc.detail if isinstance(exc, exceptions.APIException) else response.data
        if isinstance(detail, Mapping) and set(detail) == {"detail"}:
            detail = detail["detail"]
        response.data = error_body(detail)
    return response


@csrf_exempt
def api_not_found(request: HttpRequest, *args: Any, **kwargs: Any) -> JsonResponse:
    """Any path under /api/v1/ that names no endpoint: a 404 in the API's shape, whatever the
    method (exempt from the CSRF check, which would answer a POST with an HTML 403)."""
    return JsonResponse(
        {NON_FIELD: [_("No API endpoint at this address.")]},
        status=status.HTTP_404_NOT_FOUND,
        json_dumps_params={"ensure_ascii": False},
    )
