"""Small pieces the registers' pages share."""

from typing import Any

from django.http import HttpRequest

from frontdesk.core.scoping import projects_for


def int_or_none(value: Any) -> int | None:
    """A positive id from a query string or a form, or None for anything else."""
    try:
        number = int(value)
    except (TypeError, ValueError):
        return None
    return number if 0 < number < 2**63 else None


def project_pairs(request: HttpRequest) -> list[tuple[int, str]]:
    """The user's projects as (id, name), by name: the choices of a register form."""
    return [(p.pk, p.name) for p in projects_for(request.user).order_by("name")]
