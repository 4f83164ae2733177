"""Activate the interface language a staff member chose for themselves.

The choice is saved on the user's StaffProfile and copied into the session at
login (see `frontdesk.core.signals`), so a request costs no extra query.
"""

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.utils import translation

SESSION_KEY = "desk_language"


class UserLanguageMiddleware:
    """After LocaleMiddleware: a logged-in user's saved language wins."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        language = request.session.get(SESSION_KEY) if hasattr(request, "session") else None
        if language:
            translation.activate(language)
            request.LANGUAGE_CODE = language
        return self.get_response(request)
