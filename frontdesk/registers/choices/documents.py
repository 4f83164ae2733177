"""Choices of the incoming documents' register (外来文件登记表 R01—WKF08)."""

from django.db.models import TextChoices
from django.utils.translation import gettext_lazy as _


class Urgency(TextChoices):
    NORMAL = "normal", _("Normal")
    URGENT = "urgent", _("Urgent")


class DocumentStatus(TextChoices):
    REGISTERED = "registered", _("Awaiting the manager's instruction")
    DISTRIBUTED = "distributed", _("Distributed, receipts pending")
    DONE = "done", _("All receipts in")
    VOIDED = "voided", _("Voided")


# Open until every receipt is in: these are listed as open and join the handover.
OPEN_STATUSES = frozenset({DocumentStatus.REGISTERED, DocumentStatus.DISTRIBUTED})
