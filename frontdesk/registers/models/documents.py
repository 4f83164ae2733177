"""Incoming documents (外来文件登记表, form R01—WKF08, seed 004 4.7).

A letter or notice that arrives at the desk is registered at once, read by the
service-center manager, who writes an instruction (批示) naming the departments
it goes to, and each department signs for its copy. Nothing is edited: a wrong
registration is voided with a reason (a correction is a new registration that
points at the one it replaces); an instruction and a receipt are final.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from tickets.choices import Department

from ..choices.documents import DocumentStatus, Urgency

USER = settings.AUTH_USER_MODEL

__all__ = ["DocumentReceipt", "IncomingDocument"]


class IncomingDocument(models.Model):
    """One incoming document: who sent it, what it is, who signed for it at the desk.

    `serial` is gap-free per project and year (WJ-2026-0001). `instruction` and the
    departments of its receipts are the manager's; the document stays open until
    every department named has signed for it.
    """

    project = models.ForeignKey(
        "core.Project", on_delete=models.PROTECT, related_name="+", verbose_name=_("project")
    )
    serial = models.CharField(_("number"), max_length=20)
    sender = models.CharField(_("sender"), max_length=100)
    title = models.CharField(_("title"), max_length=200)
    reference = models.CharField(_("document number"), max_length=50, blank=True)
    pages = models.PositiveSmallIntegerField(_("pages"), default=1)
    copies = models.PositiveSmallIntegerField(_("copies"), default=1)
    urgency = models.CharField(
        _("urgency"), max_length=10, choices=Urgency.choices, default=Urgency.NORMAL
    )
    received_at = models.DateTimeField(_("received at"))
    received_by = models.ForeignKey(
        USER, on_delete=models.PROTECT, related_name="+", verbose_name=_("received by")
    )
    scan = models.FileField(_("scan"), upload_to="documents/%Y/%m/", blank=True)
    status = models.CharField(
        _("status"),
        max_length=12,
        choices=DocumentStatus.choices,
        default=DocumentStatus.REGISTERED,
    )
    instruction = models.TextField(_("instruction"), blank=True)
    instructed_by = models.ForeignKey(
        USER,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("instructed by"),
    )
    instructed_at = models.DateTimeField(_("instructed at"), null=True, blank=True)
    corrects = models.OneToOneField(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="corrected_by",
        verbose_name=_("corrects"),
    )
    void_reason = models.CharField(_("reason for voiding"), max_length=200, blank=True)
    voided_by = models.ForeignKey(
        USER,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("voided by"),
    )
    voided_at = models.DateTimeField(_("voided at"), null=True, blank=True)
    created_by = models.ForeignKey(
        USER, on_delete=models.PROTECT, related_name="+", verbose_name=_("registered by")
    )
    created_at = models.DateTimeField(_("registered at"), auto_now_add=True)

    class Meta:
        ordering = ["-received_at", "-id"]
        verbose_name = _("incoming document")
        verbose_name_plural = _("incoming documents")
        constraints = [
            models.UniqueConstraint(fields=["project", "serial"], name="registers_document_serial"),
            models.CheckConstraint(
                condition=Q(pages__gte=1) & Q(copies__gte=1), name="registers_document_counts"
            ),
        ]
        indexes = [models.Index(fields=["project", "status", "received_at"])]

    def __str__(self) -> str:
        return f"{self.serial} {self.title}"


class DocumentReceipt(models.Model):
    """One department a document is distributed to, and its receipt (签收) once signed.

    `acknowledged_by` is who recorded the receipt: someone of the department, or the
    desk on its behalf, which then writes the name of who signed on paper (`signer`).
    """

    document = models.ForeignKey(
        IncomingDocument,
        on_delete=models.PROTECT,
        related_name="receipts",
        verbose_name=_("document"),
    )
    department = models.CharField(_("department"), max_length=20, choices=Department.choices)
    acknowledged_at = models.DateTimeField(_("signed for at"), null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        USER,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    signer = models.CharField(_("signed by"), max_length=50, blank=True)

    class Meta:
        ordering = ["document", "id"]
        verbose_name = _("document receipt")
        verbose_name_plural = _("document receipts")
        constraints = [
            models.UniqueConstraint(
                fields=["document", "department"], name="registers_document_receipt_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.document_id} {self.department}"
