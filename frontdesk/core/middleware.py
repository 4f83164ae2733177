"""Per-session middleware: the interface language, idle logout and the screen lock.

The language is the staff member's own choice, else the project's default.

The choice is saved on the user's StaffProfile and copied into the session at
login (see `frontdesk.core.signals`), so a request costs no extra query; a
language picked with Django's set_language view (its cookie) is a choice too.
Without a choice the desk speaks `LANGUAGE_CODE` (zh-hans): a browser's
Accept-Language header decides only the login page, where nothing else is known.
"""

import time
from collections.abc import Callable
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import auth, messages
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

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


# --- Idle sessions and the screen lock ------------------------------------------------
# A desk is shared: a session idle for SESSION_IDLE_MINUTES is logged out, and a
# clerk who leaves the desk locks the screen (the top bar's button, or the browser
# after SCREEN_LOCK_MINUTES without a key or mouse): a locked session is refused
# every page until its owner types the password again (frontdesk.core.views_lock).

LAST_SEEN = "desk_last_seen"
LOCKED = "desk_locked"
# Requests a page makes by itself (the bell's poll) are not the clerk's activity.
BACKGROUND_HEADER = "HTTP_X_DESK_BACKGROUND"
# The last-seen time is written at most this often, not on every request.
LAST_SEEN_RESOLUTION = 30


class SessionGuardMiddleware:
    """After AuthenticationMiddleware: logs out idle sessions and holds locked ones.

    Only sessions are concerned; API clients with a token are not (they have no screen).
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and hasattr(request, "session"):
            refusal = self.guard(request)
            if refusal is not None:
                return refusal
        return self.get_response(request)

    def guard(self, request: HttpRequest) -> HttpResponse | None:
        session = request.session
        now = int(time.time())
        last = session.get(LAST_SEEN)
        idle = int(settings.SESSION_IDLE_MINUTES * 60)
        if last is not None and now - last > idle:
            auth.logout(request)
            messages.info(
                request,
                _("You were logged out after %(minutes)s minutes without activity.")
                % {"minutes": settings.SESSION_IDLE_MINUTES},
            )
            return None  # on as anonymous: the page sends them to the login page
        if session.get(LOCKED):
            if request.path_info in _open_when_locked():
                return None
            return _locked(request)
        if not request.META.get(BACKGROUND_HEADER) and (
            last is None or now - last >= LAST_SEEN_RESOLUTION
        ):
            session[LAST_SEEN] = now
        return None


def _open_when_locked() -> set[str]:
    return {reverse("unlock"), reverse("logout"), reverse("set_language")}


def _locked(request: HttpRequest) -> HttpResponse:
    """What a locked session gets instead of the page it asked for."""
    unlock = reverse("unlock")
    if request.path_info.startswith("/api/"):
        return JsonResponse({"detail": _("The screen is locked.")}, status=403)
    if request.headers.get("HX-Request"):
        # An htmx fragment: send the whole page to the unlock screen.
        return HttpResponse(status=200, headers={"HX-Redirect": unlock})
    return redirect(f"{unlock}?{urlencode({'next': request.get_full_path()})}")
