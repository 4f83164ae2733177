"""Lost and found (失物招领): found items registered, kept, and returned or disposed of.

A found item is kept for the project's holding period (`LostFoundSettings`, 90 days
unless the supervisor sets otherwise); it goes back to an owner who proves it is theirs
and signs, or after the period it is disposed of (handed to the police, donated,
destroyed) with the reason and the supervisor or manager who approved. A perishable
item may be disposed of earlier, with a reason. Rows change only through
`frontdesk.registers.services.lost_found`.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from ..choices.lost_found import DEFAULT_HOLDING_DAYS, Disposal, FoundStatus

__all__ = ["FoundItem", "LostFoundSettings"]

USER = settings.AUTH_USER_MODEL


class LostFoundSettings(models.Model):
    """A project's rules for found items: how many days one is kept before disposal."""

    project = models.OneToOneField(
        "core.Project", on_delete=models.PROTECT, related_name="+", verbose_name=_("project")
    )
    holding_days = models.PositiveSmallIntegerField(
        _("holding period (days)"),
        default=DEFAULT_HOLDING_DAYS,
        help_text=_("A found item may be disposed of after this many days."),
    )

    class Meta:
        verbose_name = _("lost and found settings")
        verbose_name_plural = _("lost and found settings")
        constraints = [
            models.CheckConstraint(
                condition=Q(holding_days__gte=1),
                name="registers_lostfound_holding_positive",
                violation_error_message=_("The holding period is at least one day."),
            )
        ]

    def __str__(self) -> str:
        return str(self.project)

    @classmethod
    def for_project(cls, project_id: int) -> LostFoundSettings:
        """The project's settings, or unsaved defaults when it has none."""
        found = cls.objects.filter(project_id=project_id).first()
        return found or cls(project_id=project_id)


class FoundItem(models.Model):
    """An item found in the estate: what, where and when, who found it, where it is kept.

    `hold_until` is fixed when it is registered (the holding period then in force).
    """

    project = models.ForeignKey(
        "core.Project", on_delete=models.PROTECT, related_name="+", verbose_name=_("project")
    )
    what = models.CharField(_("what"), max_length=200)
    where_found = models.CharField(_("where found"), max_length=200)
    found_at = models.DateTimeField(_("found at"))
    found_by_name = models.CharField(_("found by"), max_length=50)
    found_by = models.ForeignKey(
        USER,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("found by (staff)"),
    )
    kept_at = models.CharField(_("kept at"), max_length=100)
    perishable = models.BooleanField(_("perishable"), default=False)
    photo = models.FileField(_("photo"), upload_to="lost_found/%Y/%m/", blank=True)
    registered_by = models.ForeignKey(
        USER, on_delete=models.PROTECT, related_name="+", verbose_name=_("registered by")
    )
    registered_at = models.DateTimeField(_("registered at"))
    hold_until = models.DateField(_("held until"))
    status = models.CharField(
        _("status"), max_length=10, choices=FoundStatus.choices, default=FoundStatus.WAITING
    )
    # The return to the owner.
    owner_name = models.CharField(_("owner of the item"), max_length=50, blank=True)
    owner_phone = models.CharField(_("phone of the owner of the item"), max_length=20, blank=True)
    proof = models.CharField(_("how ownership was proved"), max_length=200, blank=True)
    signature = models.FileField(_("signature"), upload_to="signatures/%Y/%m/", blank=True)
    signed_on_paper = models.BooleanField(_("signed on paper"), default=False)
    returned_at = models.DateTimeField(_("returned at"), null=True, blank=True)
    returned_by = models.ForeignKey(
        USER,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("handed back by"),
    )
    # Or its disposal.
    disposal = models.CharField(_("disposal"), max_length=10, choices=Disposal.choices, blank=True)
    disposal_reason = models.CharField(_("reason"), max_length=200, blank=True)
    disposed_at = models.DateTimeField(_("disposed of at"), null=True, blank=True)
    approved_by = models.ForeignKey(
        USER,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("approved by"),
    )

    class Meta:
        ordering = ["-found_at", "-id"]
        verbose_name = _("found item")
        verbose_name_plural = _("lost and found")
        indexes = [
            models.Index(fields=["project", "-found_at"], name="registers_found_project_at"),
            models.Index(
                fields=["project", "hold_until"],
                condition=Q(status="waiting"),
                name="registers_found_waiting",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="returned")
                | (~Q(owner_name="") & (~Q(signature="") | Q(signed_on_paper=True))),
                name="registers_found_return_signed",
                violation_error_message=_("A return names the owner and is signed."),
            ),
            models.CheckConstraint(
                condition=~Q(status="disposed")
                | (~Q(disposal="") & ~Q(disposal_reason="") & Q(approved_by__isnull=False)),
                name="registers_found_disposal_reasoned",
                violation_error_message=_("A disposal says how, why and who approved."),
            ),
        ]

    def __str__(self) -> str:
        return self.what
