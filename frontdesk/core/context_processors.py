"""Template context every desk page needs: the user's projects and roles."""

from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from .roles import Role, user_roles
from .scoping import projects_for


def desk(request: HttpRequest) -> dict[str, Any]:
    user = request.user
    if not user.is_authenticated:
        return {}
    return {
        "desk_projects": projects_for(user),
        # Read (one query) only by a page that names rows' projects (`{% project_of row %}`).
        "desk_project_names": SimpleLazyObject(
            lambda: dict(projects_for(user).values_list("id", "name"))
        ),
        "desk_roles": [Role(r).label for r in sorted(user_roles(user)) if r in Role.values],
        # A string: the page's script reads it, whatever the language's decimal mark.
        "screen_lock_minutes": str(settings.SCREEN_LOCK_MINUTES),
    }
