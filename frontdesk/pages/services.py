"""Writes of the desk's own pages: a staff member's preferences."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _

from frontdesk.core.errors import ApplicationError
from frontdesk.core.models import StaffProfile


@transaction.atomic
def profile_set_language(*, user: Any, language: str) -> StaffProfile:
    """Save the interface language a staff member chose ("" follows the browser)."""
    if language and language not in dict(settings.LANGUAGES):
        raise ApplicationError(fields={"language": [_("Unknown language.")]})
    profile, _created = StaffProfile.objects.get_or_create(user=user)
    if profile.language != language:
        profile.language = language
        profile.save(update_fields=["language"])
    return profile
