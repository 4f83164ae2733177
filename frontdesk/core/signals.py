"""At login: copy the user's saved language into the session and start its idle clock."""

import time
from typing import Any

from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver

from .middleware import LAST_SEEN, LOCKED, SESSION_KEY
from .models import StaffProfile


@receiver(user_logged_in, dispatch_uid="core.language_on_login")
def language_on_login(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    language = StaffProfile.objects.filter(user=user).values_list("language", flat=True).first()
    if request is not None and hasattr(request, "session"):
        if language:
            request.session[SESSION_KEY] = language
        else:
            request.session.pop(SESSION_KEY, None)


@receiver(user_logged_in, dispatch_uid="core.session_start_on_login")
def session_start_on_login(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    """A new session starts active and unlocked (SessionGuardMiddleware reads both)."""
    if request is not None and hasattr(request, "session"):
        request.session[LAST_SEEN] = int(time.time())
        request.session.pop(LOCKED, None)
