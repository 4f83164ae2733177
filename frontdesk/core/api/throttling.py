"""Rate limits of the token endpoint, and the one way to tell a client's address.

Password guessing through `POST /api/v1/auth/token/` is slowed twice:

- per client address (`API_TOKEN_RATE`), so one machine cannot try many
  passwords or many accounts quickly;
- per submitted username (`API_TOKEN_USERNAME_RATE`), so one account cannot be
  tried from many addresses, and one password sprayed over many accounts is
  slowed for each of them.

The client address is `REMOTE_ADDR` unless the deployment says how many
proxies of its own stand in front (`NUM_PROXIES`): only then is
`X-Forwarded-For` read, and only the entry the nearest trusted proxy wrote.
Anything a client puts in that header itself is ignored, so changing it on
every request does not escape the limit.
"""

from __future__ import annotations

import hashlib
from typing import Any

from django.http import HttpRequest
from rest_framework.request import Request
from rest_framework.settings import api_settings
from rest_framework.throttling import ScopedRateThrottle, SimpleRateThrottle


def client_address(request: HttpRequest | Request) -> str:
    """The address of the client, given `NUM_PROXIES` trusted proxies in front (0: none)."""
    meta = request.META
    remote = str(meta.get("REMOTE_ADDR") or "")
    proxies = int(api_settings.NUM_PROXIES or 0)
    forwarded = meta.get("HTTP_X_FORWARDED_FOR")
    if proxies <= 0 or not forwarded:
        return remote
    hops = [hop.strip() for hop in str(forwarded).split(",")]
    # Each trusted proxy appends the address it received the request from; the
    # entry written by the outermost of ours is `proxies` from the end.
    return hops[-min(proxies, len(hops))] or remote


class TokenAddressThrottle(ScopedRateThrottle):
    """`API_TOKEN_RATE` requests per client address to the token endpoint."""

    def get_ident(self, request: Request) -> str:
        return client_address(request)


class TokenUsernameThrottle(SimpleRateThrottle):
    """`API_TOKEN_USERNAME_RATE` requests per submitted username, from any address."""

    scope = "token_username"

    def get_cache_key(self, request: Request, view: Any) -> str | None:
        data = request.data
        username = data.get("username") if hasattr(data, "get") else None
        if username is None:
            return None  # refused by the serializer: nothing to guess with
        normalized = str(username).strip().casefold()
        if not normalized:
            return None
        # Hashed: a username is any text, while a cache key must be short and plain.
        digest = hashlib.sha256(normalized.encode("utf-8", "replace")).hexdigest()
        return self.cache_format % {"scope": self.scope, "ident": digest}
