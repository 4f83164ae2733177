"""Visitors (访客登记), and messages and items left for residents (留言、代客转交物品).

A visitor is registered at the desk or the gate against the household visited, or
announced by the resident beforehand (expected); the arrival and the departure are
steps. A message or an item left for a household is received at the desk, the
resident is told, and it is collected against a name and a signature, once.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from ..choices.visitors import MessageKind, MessageStatus, TellHow, VisitorPost, VisitorStatus

__all__ = ["Visitor", "VisitorMessage", "VisitorSettings"]

USER = settings.AUTH_USER_MODEL


class VisitorSettings(models.Model):
    """A project's visitor procedure: whether the household must confirm a visitor by phone
    before they are let in (absent: not required)."""

    project = models.OneToOneField(
        "core.Project", on_delete=models.CASCADE, related_name="+", verbose_name=_("project")
    )
    confirm_by_phone = models.BooleanField(_("confirm visitors by phone"), default=False)

    class Meta:
        verbose_name = _("visitor settings")
        verbose_name_plural = _("visitor settings")

    def __str__(self) -> str:
        return str(self.project)


class Visitor(models.Model):
    """One visit to a household: registered on arrival, or expected (announced by the resident).

    An expected visitor who has not arrived by the end of the expected day has lapsed:
    that is read from the date, no step writes it.
    """

    project = models.ForeignKey(
        "core.Project", on_delete=models.PROTECT, related_name="+", verbose_name=_("project")
    )
    household = models.ForeignKey(
        "residents.Household",
        on_delete=models.PROTECT,
        related_name="visitors",
        verbose_name=_("household visited"),
    )
    name = models.CharField(_("visitor"), max_length=50)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    id_number = models.CharField(_("ID number"), max_length=30, blank=True)
    people = models.PositiveSmallIntegerField(_("number of people"), default=1)
    purpose = models.CharField(_("purpose"), max_length=200)
    plate = models.CharField(_("vehicle plate"), max_length=16, blank=True)
    post = models.CharField(
        _("registered at"), max_length=6, choices=VisitorPost.choices, default=VisitorPost.DESK
    )
    status = models.CharField(_("status"), max_length=10, choices=VisitorStatus.choices)
    expected_on = models.DateField(_("expected on"), null=True, blank=True)
    expected_at = models.TimeField(_("expected at"), null=True, blank=True)
    confirmed_by_phone = models.BooleanField(_("household confirmed by phone"), default=False)
    confirmed_with = models.CharField(_("who answered"), max_length=50, blank=True)
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)
    arrived_at = models.DateTimeField(_("arrived at"), null=True, blank=True)
    left_at = models.DateTimeField(_("left at"), null=True, blank=True)
    registered_by = models.ForeignKey(
        USER, on_delete=models.PROTECT, related_name="+", verbose_name=_("registered by")
    )
    registered_at = models.DateTimeField(_("registered at"))
    left_recorded_by = models.ForeignKey(
        USER,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("departure recorded by"),
    )

    class Meta:
        ordering = ["-registered_at", "-id"]
        verbose_name = _("visitor")
        verbose_name_plural = _("visitors")
        indexes = [
            models.Index(fields=["project", "-registered_at"], name="reg_visitor_project_reg"),
            models.Index(fields=["project", "expected_on"], name="reg_visitor_expected"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(people__gte=1), name="reg_visitor_people_positive"),
            models.CheckConstraint(
                condition=Q(status="expected") | Q(arrived_at__isnull=False),
                name="reg_visitor_arrived_has_time",
            ),
            models.CheckConstraint(
                condition=~Q(status="left") | Q(left_at__isnull=False),
                name="reg_visitor_left_has_time",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} → {self.household_id}"


class VisitorMessage(models.Model):
    """A message (留言) or an item handed over on someone's behalf (代客转交物品) for a household.

    Who left it, what, who at the desk received it; the resident told (how, when,
    by whom); and who collected it, with a signature. Collected once.
    """

    project = models.ForeignKey(
        "core.Project", on_delete=models.PROTECT, related_name="+", verbose_name=_("project")
    )
    household = models.ForeignKey(
        "residents.Household",
        on_delete=models.PROTECT,
        related_name="visitor_messages",
        verbose_name=_("household"),
    )
    kind = models.CharField(_("kind"), max_length=8, choices=MessageKind.choices)
    left_by = models.CharField(_("left by"), max_length=50)
    left_by_phone = models.CharField(_("phone of who left it"), max_length=20, blank=True)
    content = models.TextField(_("message or item"))
    status = models.CharField(
        _("status"), max_length=10, choices=MessageStatus.choices, default=MessageStatus.WAITING
    )
    received_at = models.DateTimeField(_("received at"))
    received_by = models.ForeignKey(
        USER, on_delete=models.PROTECT, related_name="+", verbose_name=_("received by")
    )
    told_at = models.DateTimeField(_("resident told at"), null=True, blank=True)
    told_how = models.CharField(_("told how"), max_length=10, choices=TellHow.choices, blank=True)
    told_whom = models.CharField(_("who was told"), max_length=50, blank=True)
    told_by = models.ForeignKey(
        USER,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("told by"),
    )
    collected_at = models.DateTimeField(_("collected at"), null=True, blank=True)
    collector_name = models.CharField(_("collected by"), max_length=50, blank=True)
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

    class Meta:
        ordering = ["-received_at", "-id"]
        verbose_name = _("message or item left")
        verbose_name_plural = _("messages and items left")
        indexes = [
            models.Index(fields=["project", "-received_at"], name="reg_message_project_recv"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="collected")
                | (Q(collected_at__isnull=False) & ~Q(collector_name="")),
                name="reg_message_collected_has_collector",
            ),
            models.CheckConstraint(
                condition=~Q(status="collected") | ~Q(signature="") | Q(signed_on_paper=True),
                name="reg_message_collected_signed",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.left_by}"
