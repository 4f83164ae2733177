"""Rows of the supervision side: the frozen monthly complaint report, the project's
settings of callbacks and statistics, and the record of each periodic job's run.

Imported by `tickets.models` so that Django sees them; written only by
`tickets.statistics`, `tickets.callbacks` and `tickets.jobs`.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from frontdesk.core.models import Project


class EffectivenessBasis(models.TextChoices):
    """Which of the two rates a project prints under the name 投诉有效率."""

    VALID = "valid", _("Share of complaints found valid by the supervisor")
    SATISFIED = "satisfied", _("Share of complaints resolved to the resident's satisfaction")


class ReportSettings(models.Model):
    """A project's settings of callbacks and the monthly statistics.

    A project without a row uses the defaults of the fields.
    """

    project = models.OneToOneField(
        Project, on_delete=models.CASCADE, related_name="report_settings", verbose_name=_("project")
    )
    effectiveness_basis = models.CharField(
        _("complaint effectiveness rate means"),
        max_length=16,
        choices=EffectivenessBasis.choices,
        default=EffectivenessBasis.VALID,
        help_text=_("Which rate the report prints as the complaint effectiveness rate."),
    )
    callback_attempts = models.PositiveSmallIntegerField(
        _("callback attempts"),
        default=3,
        help_text=_("How many calls that do not reach the resident before the desk gives up."),
    )
    callback_retry_minutes = models.PositiveIntegerField(
        _("call again after (minutes)"),
        default=120,
        help_text=_("How long a callback that did not reach the resident waits before the next."),
    )

    class Meta:
        verbose_name = _("callback and statistics settings")
        verbose_name_plural = _("callback and statistics settings")

    def __str__(self) -> str:
        return str(self.project)

    @classmethod
    def for_project(cls, project_id: int) -> ReportSettings:
        """The project's settings, or unsaved defaults when it has none."""
        found = cls.objects.filter(project_id=project_id).first()
        return found or cls(project_id=project_id)


class ComplaintReport(models.Model):
    """The monthly complaint statistics of a project for one period, frozen when issued.

    `period` "2026-11" covers from the 27th of the previous month 00:00 to the
    27th of its month 00:00, local time, so consecutive periods cover every
    day exactly once. `figures` holds every number of the report as it was
    computed; later edits to orders never change it. Regenerating a period
    replaces the row (one per project and period).
    """

    project = models.ForeignKey(
        Project, on_delete=models.PROTECT, related_name="+", verbose_name=_("project")
    )
    period = models.CharField(_("period"), max_length=7)
    starts_at = models.DateTimeField(_("from"))
    ends_at = models.DateTimeField(_("until (not included)"))
    figures = models.JSONField(_("figures"), default=dict)
    generated_at = models.DateTimeField(_("issued at"))
    generated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("issued by"),
    )

    class Meta:
        ordering = ["project", "-period"]
        verbose_name = _("monthly complaint report")
        verbose_name_plural = _("monthly complaint reports")
        constraints = [
            models.UniqueConstraint(
                fields=["project", "period"], name="tickets_complaint_report_period"
            )
        ]

    def __str__(self) -> str:
        return f"{self.project} {self.period}"


class JobRun(models.Model):
    """One periodic job done for a project and a key (a day, a week): it is done once.

    The row is written in the transaction of the job's notifications, so a job
    run twice (two beats, a retried task) finds it and does nothing more.
    """

    job = models.CharField(_("job"), max_length=40)
    project = models.ForeignKey(
        Project, on_delete=models.CASCADE, related_name="+", verbose_name=_("project")
    )
    key = models.CharField(_("for"), max_length=20)
    ran_at = models.DateTimeField(_("ran at"))
    result = models.JSONField(_("result"), default=dict, blank=True)

    class Meta:
        ordering = ["-ran_at"]
        verbose_name = _("periodic job run")
        verbose_name_plural = _("periodic job runs")
        constraints = [
            models.UniqueConstraint(fields=["job", "project", "key"], name="tickets_job_run_once")
        ]

    def __str__(self) -> str:
        return f"{self.job} {self.key}"
