"""The API's error shape: every refusal is a 400 with messages per field."""

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from rest_framework import exceptions
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from ..errors import ApplicationError


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    if isinstance(exc, DjangoValidationError):
        exc = ApplicationError.from_validation_error(exc)
    if isinstance(exc, ApplicationError):
        exc = exceptions.ValidationError(exc.fields)
    if isinstance(exc, Http404):
        # Django's message names the model in English ("No Household matches the given
        # query."): answer DRF's translated "not found" instead.
        exc = exceptions.NotFound()
    return drf_exception_handler(exc, context)
