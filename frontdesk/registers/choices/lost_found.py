"""Choices of the lost and found register (失物招领)."""

from django.db.models import TextChoices
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

# How long a found item is kept before it may be disposed of, unless the project says otherwise.
DEFAULT_HOLDING_DAYS = 90


class FoundStatus(TextChoices):
    WAITING = "waiting", _("Waiting for the owner")
    RETURNED = "returned", pgettext_lazy("lost and found status", "Returned")
    DISPOSED = "disposed", _("Disposed of")


class Disposal(TextChoices):
    POLICE = "police", _("Handed to the police")
    DONATED = "donated", _("Donated")
    DESTROYED = "destroyed", _("Destroyed")
    OTHER = "other", _("Other")
