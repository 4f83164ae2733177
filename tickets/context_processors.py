"""Template context of the work-order pages drawn on every page (the register links)."""

from typing import Any

from django.http import HttpRequest

from .transitions import can_register


def tickets(request: HttpRequest) -> dict[str, Any]:
    user = request.user
    if not user.is_authenticated:
        return {}
    return {"may_register": can_register(user)}
