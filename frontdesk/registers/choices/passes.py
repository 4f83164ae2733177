"""Choices of the item release passes (物品放行) and the card work of the desk."""

from django.db.models import TextChoices
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

# Printed before the year and the serial: FX-2026-000001 (放行), LS-2026-0001 (临时).
PASS_PREFIX = "FX"
TEMPORARY_PASS_PREFIX = "LS"


class PassStatus(TextChoices):
    ISSUED = "issued", pgettext_lazy("release pass status", "Issued")
    USED = "used", pgettext_lazy("release pass status", "Used")
    VOID = "void", _("Voided")


class ConfirmedVia(TextChoices):
    PHONE = "phone", _("By phone")
    IN_PERSON = "in_person", _("In person")


class HolderKind(TextChoices):
    WORKER = "worker", _("Worker")
    DECORATOR = "decorator", _("Decoration worker")
    VISITOR = "visitor", _("Visitor")


class TemporaryPassStatus(TextChoices):
    OUT = "out", _("Out")
    RETURNED = "returned", pgettext_lazy("temporary pass status", "Returned")
    LOST = "lost", _("Reported lost")


class CardWorkKind(TextChoices):
    LOSE = "lose", _("Card reported lost")
    REPLACE = "replace", _("Card replaced")
    RETURN = "return", _("Card returned")
