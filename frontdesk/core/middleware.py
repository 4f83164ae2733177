"""Activate the interface language: the staff member's own choice, else the project's default.

The choice is saved on the user's StaffProfile and copied into the session at
login (see `frontdesk.core.signals`), so a request costs no extra query; a
language picked with Django's set_language view (its cookie) is a choice too.
Without a choice the desk speaks `LANGUAGE_CODE` (zh-hans): a browser's
Accept-Language header decides only the login page, where nothing else is known.
"""

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import translation

SESSION_KEY = "desk_language"


class UserLanguageMiddleware:
    """After LocaleMiddleware: a user's choice wins; the browser's header counts only on
    the login page."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response
        self.languages = {code for code, _name in settings.LANGUAGES}

    def __call__(self, request: HttpRequest) -> HttpResponse:
        language = request.session.get(SESSION_KEY) if hasattr(request, "session") else None
        if not language:
            cookie = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
            language = cookie if cookie in self.languages else None
        if not language and request.path != reverse(settings.LOGIN_URL):
            language = settings.LANGUAGE_CODE
        if language:
            translation.activate(language)
            request.LANGUAGE_CODE = language
        return self.get_response(request)
