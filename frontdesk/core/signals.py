"""At login: copy the saved language into the session and start its idle clock;
end API tokens on a new password."""

import time
from typing import Any

from django.conf import settings
from django.contrib.auth.signals import user_logged_in
from django.db.models.signals import pre_save
from django.dispatch import receiver
from rest_framework.authtoken.models import Token

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


@receiver(pre_save, sender=settings.AUTH_USER_MODEL, dispatch_uid="core.tokens_on_password")
def revoke_api_token_on_password_change(
    sender: Any, instance: Any, raw: bool = False, update_fields: Any = None, **kwargs: Any
) -> None:
    """A new password ends the user's API token, as it ends their other sessions."""
    if raw or instance.pk is None:
        return
    if update_fields is not None and "password" not in update_fields:
        return  # e.g. the last_login stamp of every login: no query
    stored = sender._default_manager.filter(pk=instance.pk).values_list("password", flat=True)
    if stored.first() not in (None, instance.password):
        Token.objects.filter(user_id=instance.pk).delete()


@receiver(user_logged_in, dispatch_uid="core.session_start_on_login")
def session_start_on_login(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    """A new session starts active and unlocked (SessionGuardMiddleware reads both)."""
    if request is not None and hasattr(request, "session"):
        request.session[LAST_SEEN] = int(time.time())
        request.session.pop(LOCKED, None)
