"""Patrols and inspections (巡查, seed 004: the lobby's morning check, the cleaners' work,
the building patrols, the desk area's own inspection).

A checklist is the supervisor's: its items in order, each with the department
that rectifies it when it fails, and the times of day a walk is due. A run is
recorded item by item by whoever walked it; a failed item becomes a
rectification (整改) work order for its department. Checklists are not edited
once walked: a changed list is a new checklist and the old one is retired, so a
past run still reads as it was walked.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from tickets.choices import Department, Place

from ..choices.inspections import ChecklistKind

USER = settings.AUTH_USER_MODEL

__all__ = ["Checklist", "ChecklistItem", "InspectionResult", "InspectionRun"]


class Checklist(models.Model):
    """What is checked on one kind of walk in a project, and when it is due.

    `times` are the local times of day a walk is due (09:00, 13:00 ...); a walk
    not started by a time plus `grace_minutes` is missed. No times: walked as needed.
    """

    project = models.ForeignKey(
        "core.Project", on_delete=models.PROTECT, related_name="+", verbose_name=_("project")
    )
    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=12, choices=ChecklistKind.choices)
    place = models.CharField(
        _("public place"), max_length=16, choices=Place.choices, default=Place.LOBBY
    )
    # "HH:MM" strings, in order (JSON, so that the list reads the same on every database).
    times = models.JSONField(_("due at"), default=list, blank=True)
    grace_minutes = models.PositiveSmallIntegerField(_("grace (minutes)"), default=30)
    is_active = models.BooleanField(_("in use"), default=True)
    created_by = models.ForeignKey(
        USER, on_delete=models.PROTECT, related_name="+", verbose_name=_("created by")
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    retired_at = models.DateTimeField(_("retired at"), null=True, blank=True)

    class Meta:
        ordering = ["project", "kind", "name", "id"]
        verbose_name = _("checklist")
        verbose_name_plural = _("checklists")

    def __str__(self) -> str:
        return self.name

    @property
    def status(self) -> str:
        """For the steps' table: "active" while in use, then "retired"."""
        return "active" if self.is_active else "retired"


class ChecklistItem(models.Model):
    """One thing to check, in its place on the list, and who rectifies it when it fails."""

    checklist = models.ForeignKey(
        Checklist, on_delete=models.PROTECT, related_name="items", verbose_name=_("checklist")
    )
    position = models.PositiveSmallIntegerField(_("position"))
    name = models.CharField(_("item"), max_length=100)
    department = models.CharField(_("department"), max_length=20, choices=Department.choices)

    class Meta:
        ordering = ["checklist", "position", "id"]
        verbose_name = _("checklist item")
        verbose_name_plural = _("checklist items")
        constraints = [
            models.UniqueConstraint(
                fields=["checklist", "position"], name="registers_checklist_item_position"
            )
        ]

    def __str__(self) -> str:
        return self.name


class InspectionRun(models.Model):
    """One walk of a checklist: who walked it, from when to when, and its results."""

    project = models.ForeignKey(
        "core.Project", on_delete=models.PROTECT, related_name="+", verbose_name=_("project")
    )
    checklist = models.ForeignKey(
        Checklist, on_delete=models.PROTECT, related_name="runs", verbose_name=_("checklist")
    )
    walked_by = models.ForeignKey(
        USER, on_delete=models.PROTECT, related_name="+", verbose_name=_("walked by")
    )
    started_at = models.DateTimeField(_("started at"))
    finished_at = models.DateTimeField(_("finished at"))
    failed_count = models.PositiveSmallIntegerField(_("items not OK"), default=0)
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        ordering = ["-started_at", "-id"]
        verbose_name = _("inspection")
        verbose_name_plural = _("inspections")
        indexes = [models.Index(fields=["project", "started_at"])]

    def __str__(self) -> str:
        return f"{self.checklist_id} {self.started_at:%Y-%m-%d %H:%M}"


class InspectionResult(models.Model):
    """One item of a run: OK or not, a note, a photo; a failed item's rectification order."""

    run = models.ForeignKey(
        InspectionRun,
        on_delete=models.PROTECT,
        related_name="results",
        verbose_name=_("inspection"),
    )
    item = models.ForeignKey(
        ChecklistItem, on_delete=models.PROTECT, related_name="+", verbose_name=_("item")
    )
    ok = models.BooleanField(_("OK"))
    note = models.CharField(_("note"), max_length=200, blank=True)
    photo = models.ImageField(_("photo"), upload_to="inspections/%Y/%m/", blank=True)
    ticket = models.OneToOneField(
        "tickets.Ticket",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="inspection_result",
        verbose_name=_("rectification order"),
    )

    class Meta:
        ordering = ["run", "item__position", "id"]
        verbose_name = _("inspection result")
        verbose_name_plural = _("inspection results")
        constraints = [
            models.UniqueConstraint(fields=["run", "item"], name="registers_inspection_item_once")
        ]

    def __str__(self) -> str:
        return f"{self.run_id} {self.item_id} {'OK' if self.ok else 'NOT OK'}"
