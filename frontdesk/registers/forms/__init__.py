"""Page forms of the registers, one module per register."""

from typing import Any

from django.utils.translation import gettext_lazy as _


def project_choices(projects: list[tuple[int, str]]) -> list[tuple[Any, Any]]:
    """A register form's project choices: a user of several projects picks one, nothing is
    preselected for them (the first project is never the silent default)."""
    if len(projects) > 1:
        return [("", _("Choose the project")), *projects]
    return list(projects)
