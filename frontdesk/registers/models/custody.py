"""Valuables kept in custody for residents (贵重物品寄存).

A deposit is received with a numbered receipt (JC-2026-0001, gap-free per project and
year) that the owner keeps; the valuables are given back only against that number, to
the owner or a delegate the owner named (at deposit or later, each naming a recorded
step), with the collector's ID checked (type and last four characters only) and a
signature. Rows change only through `frontdesk.registers.services.custody`.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from residents.choices import IdType

from ..choices.custody import Collector, CustodyStatus

__all__ = ["CustodyDelegate", "CustodyPhoto", "Deposit"]

USER = settings.AUTH_USER_MODEL


class Deposit(models.Model):
    """Valuables received for a resident, held until returned against the receipt number."""

    project = models.ForeignKey(
        "core.Project", on_delete=models.PROTECT, related_name="+", verbose_name=_("project")
    )
    number = models.CharField(_("receipt number"), max_length=20, editable=False)
    household = models.ForeignKey(
        "residents.Household",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("household"),
    )
    owner_name = models.CharField(_("owner"), max_length=50)
    owner_phone = models.CharField(_("owner's phone"), max_length=20)
    description = models.TextField(_("items"))
    declared_value = models.DecimalField(
        _("declared value (¥)"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    received_by = models.ForeignKey(
        USER, on_delete=models.PROTECT, related_name="+", verbose_name=_("received by")
    )
    received_at = models.DateTimeField(_("received at"))
    status = models.CharField(
        _("status"), max_length=10, choices=CustodyStatus.choices, default=CustodyStatus.HELD
    )
    print_count = models.PositiveIntegerField(_("times printed"), default=0)
    # The return (filled once, by the return step).
    returned_at = models.DateTimeField(_("returned at"), null=True, blank=True)
    returned_by = models.ForeignKey(
        USER,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("handed back by"),
    )
    collector = models.CharField(
        _("collected by"), max_length=10, choices=Collector.choices, blank=True
    )
    collector_name = models.CharField(_("collector's name"), max_length=50, blank=True)
    collector_id_type = models.CharField(
        _("ID checked"), max_length=16, choices=IdType.choices, blank=True
    )
    collector_id_last4 = models.CharField(_("last four of the ID"), max_length=4, blank=True)
    signature = models.FileField(_("signature"), upload_to="signatures/%Y/%m/", blank=True)
    signed_on_paper = models.BooleanField(_("signed on paper"), default=False)

    class Meta:
        ordering = ["-received_at", "-id"]
        verbose_name = _("valuables in custody")
        verbose_name_plural = _("valuables in custody")
        indexes = [
            models.Index(fields=["project", "-received_at"], name="registers_dep_project_at"),
            models.Index(
                fields=["project", "received_at"],
                condition=Q(status="held"),
                name="registers_dep_held",
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["project", "number"],
                name="registers_deposit_number_unique",
                violation_error_message=_("This receipt number is already in use."),
            ),
            models.CheckConstraint(
                condition=Q(status="held")
                | (Q(returned_at__isnull=False) & ~Q(collector_name=""))
                & (~Q(signature="") | Q(signed_on_paper=True)),
                name="registers_deposit_return_signed",
                violation_error_message=_("A return names the collector and is signed."),
            ),
        ]

    def __str__(self) -> str:
        return self.number


class CustodyDelegate(models.Model):
    """Someone the owner named to collect the valuables: at deposit, or later (a recorded step:
    who recorded it, when, and how the owner said so)."""

    deposit = models.ForeignKey(
        Deposit, on_delete=models.PROTECT, related_name="delegates", verbose_name=_("deposit")
    )
    name = models.CharField(_("delegate"), max_length=50)
    phone = models.CharField(_("delegate's phone"), max_length=20, blank=True)
    note = models.CharField(_("how the owner named them"), max_length=200, blank=True)
    named_at = models.DateTimeField(_("named at"))
    recorded_by = models.ForeignKey(
        USER, on_delete=models.PROTECT, related_name="+", verbose_name=_("recorded by")
    )

    class Meta:
        ordering = ["named_at", "id"]
        verbose_name = _("named delegate")
        verbose_name_plural = _("named delegates")

    def __str__(self) -> str:
        return self.name


class CustodyPhoto(models.Model):
    """A photo of the valuables, taken when they were received."""

    project = models.ForeignKey(
        "core.Project", on_delete=models.PROTECT, related_name="+", verbose_name=_("project")
    )
    deposit = models.ForeignKey(
        Deposit, on_delete=models.PROTECT, related_name="photos", verbose_name=_("deposit")
    )
    file = models.FileField(_("photo"), upload_to="custody/%Y/%m/")
    size = models.PositiveIntegerField(_("size (bytes)"), editable=False)
    uploaded_by = models.ForeignKey(
        USER, on_delete=models.PROTECT, related_name="+", verbose_name=_("uploaded by")
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("photo of valuables")
        verbose_name_plural = _("photos of valuables")

    def __str__(self) -> str:
        return self.file.name.rsplit("/", 1)[-1]
