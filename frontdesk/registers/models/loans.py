"""Keys and household files lent against the register (钥匙借用 / 档案借阅, seed 004 4.8.2–4.8.3).

The desk keeps the keys of vacant units, the file-cabinet key and other keys on a
key board, and the households' files; staff (or, for a vacant unit, a decoration
worker) borrow them for a purpose until a due time. A thing out is lent to nobody
else until it is back: the database holds at most one open loan per key and per
file. Rows change only through `frontdesk.registers.services.loans`.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ..choices.loans import KeyKind, LoanStatus

__all__ = ["Key", "Loan"]

USER = settings.AUTH_USER_MODEL


class Key(models.Model):
    """A key on the project's key board: its label, the hook it hangs on, and for a vacant
    unit's key the unit. Kept by the supervisor (admin); never deleted, retired instead."""

    project = models.ForeignKey(
        "core.Project", on_delete=models.PROTECT, related_name="+", verbose_name=_("project")
    )
    kind = models.CharField(_("kind"), max_length=16, choices=KeyKind.choices)
    label = models.CharField(_("label"), max_length=100)
    hook = models.CharField(_("hook number"), max_length=20)
    unit = models.ForeignKey(
        "residents.Unit",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("unit"),
    )
    is_active = models.BooleanField(_("on the board"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["project", "hook", "id"]
        verbose_name = _("key")
        verbose_name_plural = _("key board")
        constraints = [
            models.UniqueConstraint(
                fields=["project", "hook"],
                condition=Q(is_active=True),
                name="registers_key_hook_unique",
                violation_error_message=_("Another key of this project hangs on this hook."),
            ),
            models.CheckConstraint(
                condition=~Q(kind=KeyKind.VACANT_UNIT) | Q(unit__isnull=False),
                name="registers_key_unit_for_vacant",
                violation_error_message=_("A vacant unit's key names its unit."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.hook} · {self.label}"

    def clean(self) -> None:
        if self.unit_id is not None and self.unit.project_id != self.project_id:
            raise ValidationError({"unit": _("This unit is in another project.")})


class Loan(models.Model):
    """One loan of a key or a household file: who borrowed it, why, until when, and its return.

    The borrower is a staff member of the project (`borrower`) or an outside person by
    name, company and phone. `item_label` keeps what was lent as written at the time.
    """

    project = models.ForeignKey(
        "core.Project", on_delete=models.PROTECT, related_name="+", verbose_name=_("project")
    )
    key = models.ForeignKey(
        Key,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="loans",
        verbose_name=_("key"),
    )
    household = models.ForeignKey(
        "residents.Household",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("household file"),
    )
    item_label = models.CharField(_("what"), max_length=150)
    borrower = models.ForeignKey(
        USER,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("borrower (staff)"),
    )
    borrower_name = models.CharField(_("borrower"), max_length=50)
    borrower_company = models.CharField(_("company"), max_length=100, blank=True)
    borrower_phone = models.CharField(_("borrower's phone"), max_length=20, blank=True)
    purpose = models.CharField(_("purpose"), max_length=200)
    lent_by = models.ForeignKey(
        USER, on_delete=models.PROTECT, related_name="+", verbose_name=_("lent by")
    )
    lent_at = models.DateTimeField(_("lent at"))
    due_at = models.DateTimeField(_("due back at"))
    status = models.CharField(
        _("status"), max_length=10, choices=LoanStatus.choices, default=LoanStatus.OUT
    )
    returned_at = models.DateTimeField(_("returned at"), null=True, blank=True)
    returned_by_name = models.CharField(_("brought back by"), max_length=50, blank=True)
    received_by = models.ForeignKey(
        USER,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("received by"),
    )
    return_note = models.CharField(_("note on return"), max_length=200, blank=True)

    class Meta:
        ordering = ["-lent_at", "-id"]
        verbose_name = _("key or file loan")
        verbose_name_plural = _("key and file loans")
        indexes = [
            models.Index(fields=["project", "-lent_at"], name="registers_loan_project_lent"),
            models.Index(
                fields=["project", "due_at"],
                condition=Q(status="out"),
                name="registers_loan_out_due",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(key__isnull=False, household__isnull=True)
                | Q(key__isnull=True, household__isnull=False),
                name="registers_loan_key_or_file",
                violation_error_message=_("A loan is of one key or one household file."),
            ),
            models.UniqueConstraint(
                fields=["key"],
                condition=Q(status="out"),
                name="registers_loan_one_open_per_key",
                violation_error_message=_("This key is already lent out."),
            ),
            models.UniqueConstraint(
                fields=["household"],
                condition=Q(status="out"),
                name="registers_loan_one_open_per_file",
                violation_error_message=_("This household file is already lent out."),
            ),
            models.CheckConstraint(
                condition=Q(lent_at__lt=models.F("due_at")),
                name="registers_loan_due_after_lent",
                violation_error_message=_("The due time must be after the loan."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.item_label} → {self.borrower_name}"

    @property
    def is_overdue(self) -> bool:
        return self.status == LoanStatus.OUT and self.due_at < timezone.now()
