"""Project scoping: every query a user runs is narrowed to their projects.

A row of a project the user is not a member of does not exist for them: pages
and the API answer 404, never 403, so that nothing about it leaks.
"""

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import Model, QuerySet

from .models import Project

AnyUser = AbstractBaseUser | AnonymousUser


def project_ids_for(user: AnyUser) -> list[int]:
    """Ids of the projects a user works in (all active ones for a superuser).

    Cached on the user object, so one request costs one query however often
    it is asked.
    """
    if not user.is_authenticated:
        return []
    cached: list[int] | None = getattr(user, "_desk_project_ids", None)
    if cached is None:
        if getattr(user, "is_superuser", False):
            cached = list(Project.objects.filter(is_active=True).values_list("id", flat=True))
        else:
            cached = list(
                Project.objects.filter(memberships__user_id=user.pk, is_active=True).values_list(
                    "id", flat=True
                )
            )
        user._desk_project_ids = cached  # type: ignore[attr-defined]
    return cached


def projects_for(user: AnyUser) -> QuerySet[Project]:
    return Project.objects.filter(id__in=project_ids_for(user))


def scope[M: Model](queryset: QuerySet[M], user: AnyUser, path: str = "project") -> QuerySet[M]:
    """Narrow `queryset` to rows whose `path` project the user belongs to."""
    return queryset.filter(**{f"{path}_id__in": project_ids_for(user)})


def can_access_project(user: AnyUser, project_id: int | None) -> bool:
    return project_id is not None and project_id in project_ids_for(user)
