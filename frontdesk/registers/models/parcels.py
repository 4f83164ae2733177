"""Mail, newspapers and parcels (邮件、报刊、快递) received at the desk for the households.

A parcel is received (often in a batch, the tracking numbers scanned), the household
is told, the building's area staff get the daily list, and it is collected against a
name and a signature (registered mail also against an ID checked), or returned to the
sender with a reason. Nothing is deleted; each step is a field set once, by its service.
"""

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from ..choices.parcels import Carrier, CollectorKind, IdType, ParcelKind, ParcelStatus, TellChannel

__all__ = ["Parcel", "ParcelDailyList", "ParcelSettings"]

USER = settings.AUTH_USER_MODEL


class ParcelSettings(models.Model):
    """How a project runs its mail desk: when the daily list goes to the area staff, and after
    how many days a parcel not collected is flagged (absent: 10:00 and 3 days)."""

    project = models.OneToOneField(
        "core.Project", on_delete=models.CASCADE, related_name="+", verbose_name=_("project")
    )
    daily_list_at = models.TimeField(_("daily list to the area staff at"), default=dt.time(10, 0))
    overdue_days = models.PositiveSmallIntegerField(_("flag uncollected after (days)"), default=3)

    class Meta:
        verbose_name = _("mail desk settings")
        verbose_name_plural = _("mail desk settings")

    def __str__(self) -> str:
        return str(self.project)


class Parcel(models.Model):
    """A letter, registered letter, newspaper or parcel received for a household.

    `tracking_number` is unique in the project among the ones still waiting (a number
    may come back later). `building` repeats the household's, for the area staff's lists.
    """

    project = models.ForeignKey(
        "core.Project", on_delete=models.PROTECT, related_name="+", verbose_name=_("project")
    )
    household = models.ForeignKey(
        "residents.Household",
        on_delete=models.PROTECT,
        related_name="parcels",
        verbose_name=_("household"),
    )
    building = models.ForeignKey(
        "residents.Building", on_delete=models.PROTECT, related_name="+", verbose_name=_("building")
    )
    kind = models.CharField(_("kind"), max_length=12, choices=ParcelKind.choices)
    carrier = models.CharField(_("carrier"), max_length=10, choices=Carrier.choices)
    tracking_number = models.CharField(_("tracking number"), max_length=40, blank=True)
    note = models.CharField(_("note"), max_length=200, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=ParcelStatus.choices, default=ParcelStatus.WAITING
    )
    received_at = models.DateTimeField(_("received at"))
    received_by = models.ForeignKey(
        USER, on_delete=models.PROTECT, related_name="+", verbose_name=_("received by")
    )
    # The household told (no SMS gateway: the desk phones and records it).
    told_at = models.DateTimeField(_("household told at"), null=True, blank=True)
    told_channel = models.CharField(
        _("told how"), max_length=10, choices=TellChannel.choices, blank=True
    )
    told_by = models.ForeignKey(
        USER,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("told by"),
    )
    # Pickup.
    collected_at = models.DateTimeField(_("collected at"), null=True, blank=True)
    collector_name = models.CharField(_("collected by"), max_length=50, blank=True)
    collector_kind = models.CharField(
        _("collector"), max_length=12, choices=CollectorKind.choices, blank=True
    )
    collector_id_type = models.CharField(
        _("ID checked"), max_length=12, choices=IdType.choices, blank=True
    )
    collector_id_last = models.CharField(_("last digits of the ID"), max_length=6, blank=True)
    signature = models.FileField(_("signature"), upload_to="signatures/%Y/%m/", blank=True)
    signed_on_paper = models.BooleanField(_("signed on paper"), default=False)
    handed_over_by = models.ForeignKey(
        USER,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("handed over by"),
    )
    # Returned to the sender.
    returned_at = models.DateTimeField(_("returned at"), null=True, blank=True)
    return_reason = models.CharField(_("why returned"), max_length=200, blank=True)
    returned_by = models.ForeignKey(
        USER,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("returned by"),
    )

    class Meta:
        ordering = ["-received_at", "-id"]
        verbose_name = _("parcel")
        verbose_name_plural = _("mail and parcels")
        indexes = [
            models.Index(fields=["project", "-received_at"], name="reg_parcel_project_recv"),
            models.Index(
                fields=["project", "building", "received_at"],
                condition=Q(status="waiting"),
                name="reg_parcel_waiting",
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["project", "tracking_number"],
                condition=Q(status="waiting") & ~Q(tracking_number=""),
                name="reg_parcel_tracking_waiting_unique",
                violation_error_message=_(
                    "A parcel with this tracking number is already waiting for pickup."
                ),
            ),
            models.CheckConstraint(
                condition=~Q(status="collected")
                | (Q(collected_at__isnull=False) & ~Q(collector_name="")),
                name="reg_parcel_collected_has_collector",
            ),
            models.CheckConstraint(
                condition=~Q(status="collected") | ~Q(signature="") | Q(signed_on_paper=True),
                name="reg_parcel_collected_signed",
            ),
            models.CheckConstraint(
                condition=~Q(status="returned") | ~Q(return_reason=""),
                name="reg_parcel_returned_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.tracking_number}".strip()


class ParcelDailyList(models.Model):
    """The daily list of one project's waiting parcels, sent once a day to the area staff.

    Its row is the proof that the day's list went out: the daily task skips a project
    that has one for the day, so running it twice sends nothing twice.
    """

    project = models.ForeignKey(
        "core.Project", on_delete=models.PROTECT, related_name="+", verbose_name=_("project")
    )
    day = models.DateField(_("day"))
    sent_at = models.DateTimeField(_("sent at"))
    # {"<butler id>": <number of parcels listed>}
    counts = models.JSONField(_("parcels listed per area staff"), default=dict)

    class Meta:
        ordering = ["-day", "project"]
        verbose_name = _("daily parcel list")
        verbose_name_plural = _("daily parcel lists")
        constraints = [
            models.UniqueConstraint(fields=["project", "day"], name="reg_parcel_list_once_a_day")
        ]

    def __str__(self) -> str:
        return f"{self.project} {self.day:%Y-%m-%d}"
