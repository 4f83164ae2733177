"""Choices of the valuables in custody register (贵重物品寄存)."""

from django.db.models import TextChoices
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

# Receipt numbers: JC-2026-0001, gap-free per project and year.
RECEIPT_PREFIX = "JC"
# Valuables held longer than this are listed for follow-up (the handover's open items).
FOLLOW_UP_DAYS = 30
# Photos of one deposit, at most.
MAX_PHOTOS = 8


class CustodyStatus(TextChoices):
    HELD = "held", _("In custody")
    RETURNED = "returned", pgettext_lazy("custody status", "Returned")


class Collector(TextChoices):
    OWNER = "owner", _("The owner")
    DELEGATE = "delegate", _("The named delegate")
