"""Item release passes (物品放行): goods leaving the estate with the desk's written leave.

A pass is issued at the desk for one household, checked at the gate once, and
then reads "used" (by whom, when, at which gate). A wrong pass is voided with a
reason, never deleted. Rows change only through `frontdesk.registers.services.passes`.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from ..choices.passes import ConfirmedVia, PassStatus

__all__ = ["ReleasePass"]

USER = settings.AUTH_USER_MODEL


class ReleasePass(models.Model):
    """An item release pass (物品放行条): who takes which goods out of which household, when.

    The person taking the goods out is a listed owner or tenant of the
    household (`carrier_person`), or someone else whose leave the owner
    confirmed (`confirmed_by`, `confirmed_via`, `confirmed_at`). The pass is good
    from `valid_from` to `valid_until` (one day when equal) and at the gate only
    once. `number` runs without gaps per project and year (FX-2026-000001).
    """

    project = models.ForeignKey(
        "core.Project", on_delete=models.PROTECT, related_name="+", verbose_name=_("project")
    )
    number = models.CharField(_("pass number"), max_length=20, editable=False)
    household = models.ForeignKey(
        "residents.Household",
        on_delete=models.PROTECT,
        related_name="release_passes",
        verbose_name=_("household"),
    )
    carrier_person = models.ForeignKey(
        "residents.Person",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("listed person"),
    )
    carrier_name = models.CharField(_("taken out by"), max_length=50)
    carrier_phone = models.CharField(_("phone"), max_length=20, blank=True)
    carrier_id_number = models.CharField(_("ID number"), max_length=30, blank=True)
    confirmed_by = models.CharField(_("confirmed by (owner)"), max_length=50, blank=True)
    confirmed_via = models.CharField(
        _("confirmed how"), max_length=10, choices=ConfirmedVia.choices, blank=True
    )
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)
    goods = models.TextField(_("goods"))
    quantity = models.PositiveIntegerField(_("quantity (pieces)"))
    valid_from = models.DateField(_("valid from"))
    valid_until = models.DateField(_("valid until"))
    gate = models.CharField(_("gate"), max_length=50)
    status = models.CharField(
        _("status"), max_length=8, choices=PassStatus.choices, default=PassStatus.ISSUED
    )
    issued_by = models.ForeignKey(
        USER, on_delete=models.PROTECT, related_name="+", verbose_name=_("issued by")
    )
    issued_at = models.DateTimeField(_("issued at"), auto_now_add=True)
    used_at = models.DateTimeField(_("used at"), null=True, blank=True)
    used_by = models.ForeignKey(
        USER,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("checked by"),
    )
    used_gate = models.CharField(_("checked at gate"), max_length=50, blank=True)
    voided_at = models.DateTimeField(_("voided at"), null=True, blank=True)
    voided_by = models.ForeignKey(
        USER,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("voided by"),
    )
    void_reason = models.CharField(_("reason for voiding"), max_length=200, blank=True)
    print_count = models.PositiveIntegerField(_("times printed"), default=0)

    class Meta:
        ordering = ["-issued_at", "-id"]
        verbose_name = _("item release pass")
        verbose_name_plural = _("item release passes")
        constraints = [
            models.UniqueConstraint(fields=["project", "number"], name="registers_pass_number"),
            models.CheckConstraint(
                condition=Q(valid_until__gte=models.F("valid_from")),
                name="registers_pass_dates",
            ),
            models.CheckConstraint(
                condition=~Q(status=PassStatus.USED) | Q(used_at__isnull=False),
                name="registers_pass_used_when",
            ),
            models.CheckConstraint(
                condition=~Q(status=PassStatus.VOID) | ~Q(void_reason=""),
                name="registers_pass_void_reason",
            ),
        ]
        indexes = [
            models.Index(fields=["project", "status", "valid_until"], name="registers_pass_open"),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def confirmed(self) -> bool:
        return bool(self.confirmed_by and self.confirmed_via and self.confirmed_at)
