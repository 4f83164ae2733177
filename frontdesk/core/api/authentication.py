"""API tokens that expire, and end when their owner changes password or logs out.

A user has at most one token (`rest_framework.authtoken`). It is good for
`API_TOKEN_TTL_HOURS` from when it was issued: after that it is refused (and
deleted) and the client asks for a new one with username and password.
Changing the password deletes the user's token (`frontdesk.core.signals`),
and `DELETE /api/v1/auth/token/` lets its owner revoke it at once.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions
from rest_framework.authentication import TokenAuthentication
from rest_framework.authtoken.models import Token


def token_lifetime() -> dt.timedelta:
    return dt.timedelta(hours=float(settings.API_TOKEN_TTL_HOURS))


def token_expires_at(token: Token) -> dt.datetime:
    return token.created + token_lifetime()


def token_expired(token: Token, *, now: dt.datetime | None = None) -> bool:
    return (now or timezone.now()) >= token_expires_at(token)


def token_for(user: Any) -> Token:
    """The user's token, or a new one when they have none or theirs has expired."""
    token = Token.objects.filter(user=user).first()
    if token is not None and token_expired(token):
        Token.objects.filter(pk=token.pk).delete()
        token = None
    if token is None:
        # get_or_create: two logins at once end with the same single token.
        token, _created = Token.objects.get_or_create(user=user)
    return token


def token_revoke(user: Any) -> int:
    """Delete the user's token; answers how many there were (0 or 1)."""
    deleted, _kinds = Token.objects.filter(user=user).delete()
    return deleted


class ExpiringTokenAuthentication(TokenAuthentication):
    """`Authorization: Token …`, refusing a token older than API_TOKEN_TTL_HOURS."""

    def authenticate_credentials(self, key: str) -> tuple[Any, Token]:
        user, token = super().authenticate_credentials(key)
        if token_expired(token):
            token.delete()
            raise exceptions.AuthenticationFailed(
                _("The token has expired: ask for a new one with your username and password.")
            )
        return user, token
