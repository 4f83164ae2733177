"""Choices of patrols and inspections (巡查)."""

from django.db.models import TextChoices
from django.utils.translation import gettext_lazy as _


class ChecklistKind(TextChoices):
    LOBBY = "lobby", _("Morning check of the lobby and its facilities")
    CLEANING = "cleaning", _("Inspection of the cleaners' work")
    PATROL = "patrol", _("Building patrol")
    DESK_AREA = "desk_area", _("Inspection of the desk area")
