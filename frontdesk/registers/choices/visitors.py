"""Choices of the visitors register (访客登记) and of visitor messages and items (留言、转交)."""

from django.db.models import TextChoices
from django.utils.translation import gettext_lazy as _


class VisitorStatus(TextChoices):
    EXPECTED = "expected", _("Expected")
    ARRIVED = "arrived", _("In the estate")
    LEFT = "left", _("Has left")


class VisitorPost(TextChoices):
    DESK = "desk", _("Front desk")
    GATE = "gate", _("Gate")


class MessageKind(TextChoices):
    MESSAGE = "message", _("Message")
    ITEM = "item", _("Item handed over")


class MessageStatus(TextChoices):
    WAITING = "waiting", _("Not told yet")
    TOLD = "told", _("Resident told")
    COLLECTED = "collected", _("Picked up")


class TellHow(TextChoices):
    PHONE = "phone", _("By phone")
    IN_PERSON = "in_person", _("In person")
    NOTE = "note", _("Note in the mailbox")
