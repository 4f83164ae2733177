"""Item release passes (物品放行): goods leaving the estate with the desk's written leave.

A pass is issued at the desk for one household, checked at the gate once, and
then reads "used" (by whom, when, at which gate). A wrong pass is voided with a
reason, never deleted. Rows change only through `frontdesk.registers.services.passes`.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from ..choices.passes import (
    CardWorkKind,
    ConfirmedVia,
    HolderKind,
    PassStatus,
    TemporaryPassStatus,
)

__all__ = ["CardWork", "ReleasePass", "TemporaryPass"]

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


# --- Temporary passes and card work (证件办理, seed 004 4.6.5) -----------------------------------


class TemporaryPass(models.Model):
    """A temporary pass (临时出入证) lent to a worker, decoration worker or visitor.

    For a household's work or a company's; good from `valid_from` to `valid_until`
    and then due back. A deposit taken is noted here and given back on return; a
    fee goes to the household's next bill through `desk_charge` (billing). The
    pass is returned or reported lost as a step; nothing is edited or deleted.
    """

    project = models.ForeignKey(
        "core.Project", on_delete=models.PROTECT, related_name="+", verbose_name=_("project")
    )
    number = models.CharField(_("pass number"), max_length=20, editable=False)
    holder_kind = models.CharField(_("for a"), max_length=10, choices=HolderKind.choices)
    holder_name = models.CharField(_("holder"), max_length=50)
    holder_phone = models.CharField(_("phone"), max_length=20, blank=True)
    holder_id_number = models.CharField(_("ID number"), max_length=30, blank=True)
    household = models.ForeignKey(
        "residents.Household",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="temporary_passes",
        verbose_name=_("household"),
    )
    company = models.CharField(_("company"), max_length=100, blank=True)
    valid_from = models.DateField(_("valid from"))
    valid_until = models.DateField(_("valid until"))
    deposit = models.DecimalField(_("deposit"), max_digits=10, decimal_places=2, default=0)
    fee = models.DecimalField(_("fee"), max_digits=10, decimal_places=2, default=0)
    desk_charge = models.OneToOneField(
        "billing.DeskCharge",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("charge for the bill"),
    )
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=TemporaryPassStatus.choices,
        default=TemporaryPassStatus.OUT,
    )
    issued_by = models.ForeignKey(
        USER, on_delete=models.PROTECT, related_name="+", verbose_name=_("issued by")
    )
    issued_at = models.DateTimeField(_("issued at"), auto_now_add=True)
    closed_at = models.DateTimeField(_("returned or lost at"), null=True, blank=True)
    closed_by = models.ForeignKey(
        USER,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("taken back by"),
    )
    deposit_returned = models.BooleanField(_("deposit given back"), default=False)
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        ordering = ["-issued_at", "-id"]
        verbose_name = _("temporary pass")
        verbose_name_plural = _("temporary passes")
        constraints = [
            models.UniqueConstraint(
                fields=["project", "number"], name="registers_temporary_pass_number"
            ),
            models.CheckConstraint(
                condition=Q(valid_until__gte=models.F("valid_from")),
                name="registers_temporary_pass_dates",
            ),
            models.CheckConstraint(
                condition=Q(deposit__gte=0) & Q(fee__gte=0),
                name="registers_temporary_pass_money",
            ),
            models.CheckConstraint(
                condition=Q(household__isnull=False) | ~Q(company=""),
                name="registers_temporary_pass_for_whom",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.holder_name}"


class CardWork(models.Model):
    """One piece of the desk's work on a household's card: reported lost, replaced, returned.

    Each is a new entry of the register, never edited; the card on the household
    file changes through the residents' services, and a replacement names the new
    card. A fee goes to the household's next bill through `desk_charge` (billing).
    """

    project = models.ForeignKey(
        "core.Project", on_delete=models.PROTECT, related_name="+", verbose_name=_("project")
    )
    household = models.ForeignKey(
        "residents.Household",
        on_delete=models.PROTECT,
        related_name="card_work",
        verbose_name=_("household"),
    )
    card = models.ForeignKey(
        "residents.Card", on_delete=models.PROTECT, related_name="+", verbose_name=_("card")
    )
    kind = models.CharField(_("work"), max_length=10, choices=CardWorkKind.choices)
    new_card = models.ForeignKey(
        "residents.Card",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("new card"),
    )
    fee = models.DecimalField(_("fee"), max_digits=10, decimal_places=2, default=0)
    desk_charge = models.OneToOneField(
        "billing.DeskCharge",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("charge for the bill"),
    )
    note = models.CharField(_("note"), max_length=200, blank=True)
    done_by = models.ForeignKey(
        USER, on_delete=models.PROTECT, related_name="+", verbose_name=_("done by")
    )
    done_at = models.DateTimeField(_("done at"), auto_now_add=True)

    class Meta:
        ordering = ["-done_at", "-id"]
        verbose_name = _("card work")
        verbose_name_plural = _("card work")
        constraints = [
            models.CheckConstraint(condition=Q(fee__gte=0), name="registers_card_work_fee"),
            models.CheckConstraint(
                condition=~Q(kind=CardWorkKind.REPLACE) | Q(new_card__isnull=False),
                name="registers_card_work_replacement",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.card_id}"
