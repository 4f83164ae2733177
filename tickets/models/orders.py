"""Work orders (工单) of the four kinds and the desk's convenience services.

Rows are written only by `tickets.services`, which checks each change against
the transition table in `tickets.transitions` and records it as a
`TicketEvent`. An order is never deleted: a wrong one is voided and keeps its
serial number.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext, pgettext
from django.utils.translation import gettext_lazy as _

from frontdesk.core.models import Project
from residents.models import Building, Household

from ..choices import (
    DEFAULT_EMERGENCY_WORDS,
    DEFAULT_MAJOR_PLACES,
    OPEN_STATUSES,
    ComplaintCategory,
    ComplaintReason,
    ContractKind,
    Department,
    Dissatisfied,
    LiaisonStatus,
    Place,
    Priority,
    Rating,
    ReferredTo,
    Satisfaction,
    ScheduleType,
    Source,
    Temper,
    TicketKind,
    TicketStatus,
)

USER = settings.AUTH_USER_MODEL
MONEY = {"max_digits": 10, "decimal_places": 2}


# --- Settings per project ---------------------------------------------------------


def default_major_places() -> list[str]:
    return list(DEFAULT_MAJOR_PLACES)


def default_emergency_words() -> str:
    return "\n".join(DEFAULT_EMERGENCY_WORDS)


def split_words(text: str) -> list[str]:
    """The words of a settings list: one a line, or separated by commas (either script)."""
    return [w.strip() for w in re.split(r"[\n,，、;；]+", text or "") if w.strip()]


class TicketSettings(models.Model):
    """A project's settings of the work-order process that are not deadlines.

    The durations of the process (the butler's reply, the three-day answer,
    the return by the end of the working day) are the project's deadline
    rules and working calendar in `frontdesk.core`. A project without a row
    uses the defaults of the fields.
    """

    project = models.OneToOneField(
        Project, on_delete=models.CASCADE, related_name="ticket_settings", verbose_name=_("project")
    )
    resident_link_days = models.PositiveSmallIntegerField(
        _("resident's link valid for (days)"),
        default=30,
        help_text=_("How long the link on the resident's copy opens the order's progress."),
    )
    # What the quick commitment (快速响应) counts as major or an emergency.
    major_places = models.JSONField(
        _("public places that make a matter major"),
        default=default_major_places,
        blank=True,
        help_text=_("An order about one of these places is a major matter."),
    )
    emergency_words = models.TextField(
        _("words that mark an emergency"),
        default=default_emergency_words,
        blank=True,
        help_text=_(
            "One word or phrase a line (commas also separate them). A matter containing one "
            "is an emergency: its priority is raised and the commitment is due soonest."
        ),
    )
    major_words = models.TextField(
        _("words that mark a major matter"),
        default="",
        blank=True,
        help_text=_("One word or phrase a line (commas also separate them)."),
    )
    # Household alert: a resident who complains again and again (重复投诉).
    repeat_complaints = models.PositiveSmallIntegerField(
        _("complaints that make a repeated complainant"),
        default=3,
        help_text=_("A household with this many complaints within the days below is flagged."),
    )
    repeat_complaint_days = models.PositiveSmallIntegerField(_("within (days)"), default=30)

    class Meta:
        verbose_name = _("work-order settings")
        verbose_name_plural = _("work-order settings")

    def __str__(self) -> str:
        return str(self.project)

    def clean(self) -> None:
        places = self.major_places if isinstance(self.major_places, list) else None
        if places is None or any(p not in Place.values for p in places):
            raise ValidationError({"major_places": _("Choose public places from the list.")})

    @property
    def emergency_word_list(self) -> list[str]:
        return split_words(self.emergency_words)

    @property
    def major_word_list(self) -> list[str]:
        return split_words(self.major_words)

    @classmethod
    def for_project(cls, project_id: int) -> TicketSettings:
        """The project's settings, or unsaved defaults when it has none."""
        found = cls.objects.filter(project_id=project_id).first()
        return found or cls(project_id=project_id)


# --- The order -------------------------------------------------------------------------


class Ticket(models.Model):
    """A work order: a repair, complaint, housekeeping, greening or convenience service.

    It concerns a household, or a public place (a lift, a lobby...) with the
    person who reported it. `serial` (WX-2026-000123) is numbered per
    project, kind and year without gaps, in the transaction that creates the
    order. `building` is filled from the household when there is one, so
    that a building's orders are one indexed filter.
    """

    project = models.ForeignKey(
        Project, on_delete=models.PROTECT, related_name="tickets", verbose_name=_("project")
    )
    kind = models.CharField(_("kind"), max_length=16, choices=TicketKind.choices)
    serial = models.CharField(_("serial number"), max_length=24, editable=False)
    status = models.CharField(
        _("status"), max_length=16, choices=TicketStatus.choices, default=TicketStatus.REGISTERED
    )

    # What it concerns
    household = models.ForeignKey(
        Household,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="tickets",
        verbose_name=_("household"),
    )
    building = models.ForeignKey(
        Building,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="tickets",
        verbose_name=_("building"),
    )
    place = models.CharField(_("public place"), max_length=16, choices=Place.choices, blank=True)
    location = models.CharField(_("location"), max_length=200, blank=True)
    reporter_name = models.CharField(_("reported by"), max_length=50, blank=True)
    reporter_phone = models.CharField(_("reporter's phone"), max_length=20, blank=True)

    # The matter
    matter = models.CharField(_("matter"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    source = models.CharField(
        _("source"), max_length=16, choices=Source.choices, default=Source.PHONE
    )
    priority = models.CharField(
        _("priority"), max_length=16, choices=Priority.choices, default=Priority.NORMAL
    )
    appointment_at = models.DateTimeField(_("appointment"), null=True, blank=True)
    address_confirmed = models.BooleanField(_("address confirmed"), default=False)
    confirmed_time_at = models.DateTimeField(
        _("time confirmed with the customer at"), null=True, blank=True
    )
    due_at = models.DateTimeField(
        _("due back at"),
        null=True,
        blank=True,
        editable=False,
        help_text=_("When the order must be back at the desk (a complaint: answered)."),
    )

    # Who does it
    department = models.CharField(
        _("department"), max_length=20, choices=Department.choices, blank=True
    )
    assignee = models.ForeignKey(
        USER,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="assigned_tickets",
        verbose_name=_("assignee"),
    )
    created_by = models.ForeignKey(
        USER, on_delete=models.PROTECT, related_name="registered_tickets", verbose_name=_("handler")
    )
    # Who recorded the work done: never the one who calls the resident back.
    done_by = models.ForeignKey(
        USER,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("work done by"),
    )

    # Fees of a paid service (有偿服务)
    paid = models.BooleanField(_("paid service"), default=False)
    is_hourly = models.BooleanField(
        _("hourly service"), default=False, help_text=_("Hourly cleaning: no on-site pricing.")
    )
    fee_quote = models.DecimalField(_("fee quoted"), null=True, blank=True, **MONEY)
    fee_acknowledged_at = models.DateTimeField(_("quote acknowledged at"), null=True, blank=True)
    priced_at = models.DateTimeField(_("priced on site at"), null=True, blank=True)
    priced_by = models.ForeignKey(
        USER,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("priced by"),
    )
    priced_with = models.ForeignKey(
        USER,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("area lead"),
    )
    fee_charged = models.DecimalField(_("fee charged"), null=True, blank=True, **MONEY)
    material_cost = models.DecimalField(_("material cost"), null=True, blank=True, **MONEY)

    rework_of = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reworks",
        verbose_name=_("rework of"),
    )
    complaint_from = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="complaints",
        verbose_name=_("complaint about"),
    )

    # The stages
    created_at = models.DateTimeField(_("registered at"), auto_now_add=True, db_index=False)
    dispatched_at = models.DateTimeField(_("dispatched at"), null=True, blank=True)
    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True)
    arrived_at = models.DateTimeField(_("arrived at"), null=True, blank=True)
    done_at = models.DateTimeField(_("work done at"), null=True, blank=True)
    returned_at = models.DateTimeField(_("returned at"), null=True, blank=True)
    visited_at = models.DateTimeField(_("called back at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    return_late_reason = models.CharField(_("reason for late return"), max_length=200, blank=True)
    result = models.TextField(_("work done"), blank=True)
    paused_from = models.CharField(
        _("paused from"), max_length=16, choices=TicketStatus.choices, blank=True
    )
    pause_reason = models.CharField(_("pause reason"), max_length=200, blank=True)
    close_reason = models.CharField(_("reason for a forced close"), max_length=200, blank=True)

    voided_at = models.DateTimeField(_("voided at"), null=True, blank=True)
    void_reason = models.CharField(_("reason for voiding"), max_length=200, blank=True)
    voided_by = models.ForeignKey(
        USER,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("voided by"),
    )

    print_count = models.PositiveIntegerField(_("times printed"), default=0)
    follow_up_count = models.PositiveIntegerField(_("follow-up calls"), default=0)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["-id"]
        verbose_name = _("work order")
        verbose_name_plural = _("work orders")
        constraints = [
            models.UniqueConstraint(
                fields=["project", "serial"], name="tickets_ticket_serial_unique"
            ),
            models.CheckConstraint(
                condition=Q(household__isnull=False) | ~Q(place=""),
                name="tickets_ticket_household_or_place",
            ),
            models.CheckConstraint(
                condition=Q(fee_quote__isnull=True) | Q(fee_quote__gte=0),
                name="tickets_ticket_quote_nonneg",
            ),
            models.CheckConstraint(
                condition=Q(fee_charged__isnull=True) | Q(fee_charged__gte=0),
                name="tickets_ticket_fee_nonneg",
            ),
            models.CheckConstraint(
                condition=Q(material_cost__isnull=True) | Q(material_cost__gte=0),
                name="tickets_ticket_material_nonneg",
            ),
            models.CheckConstraint(
                condition=~Q(status="voided") | Q(voided_at__isnull=False),
                name="tickets_ticket_voided_at",
            ),
            # One rework per order's callback outcome (a voided one does not count).
            models.UniqueConstraint(
                fields=["rework_of"],
                condition=Q(rework_of__isnull=False) & ~Q(status="voided"),
                name="tickets_ticket_one_rework",
            ),
        ]
        indexes = [
            # The lists are paged by id (cursor pagination, newest first), so each
            # list filter's index ends with the id.
            models.Index(fields=["project", "status", "-id"], name="tickets_project_status_id"),
            models.Index(fields=["project", "kind", "-id"], name="tickets_project_kind_id"),
            models.Index(
                fields=["project", "department", "status", "-id"], name="tickets_department_id"
            ),
            models.Index(fields=["project", "created_at"], name="tickets_project_created"),
            models.Index(fields=["project", "status", "due_at"], name="tickets_project_due"),
            models.Index(fields=["household", "-id"], name="tickets_household"),
            models.Index(fields=["building", "-id"], name="tickets_building"),
            models.Index(fields=["assignee", "status"], name="tickets_assignee_status"),
            # A serial typed whole or by its start (WX-2026-0431) is a prefix match: the
            # pattern operator class lets the index serve LIKE 'x%' (and equality) under any
            # collation.
            models.Index(
                fields=["serial"], name="tickets_serial_prefix", opclasses=["varchar_pattern_ops"]
            ),
            # The queue's first page, unfiltered: newest of the user's projects.
            models.Index(fields=["project", "-id"], name="tickets_project_id"),
            # The monthly statistics count the orders returned in a month.
            models.Index(fields=["project", "returned_at"], name="tickets_project_returned"),
            # ... and the complaints registered in a period (a tenth of the orders): their
            # pass reads the period's complaints only, not every order of the month.
            models.Index(
                fields=["project", "created_at"],
                condition=Q(kind="complaint"),
                name="tickets_complaints_created",
            ),
            # The callback queue: orders back at the desk, oldest return first, read a page
            # at a time in this order (a few thousand of a million orders).
            models.Index(
                fields=["returned_at", "id"],
                condition=Q(status="returned"),
                name="tickets_callbacks_due",
            ),
            # The weekly list of unfinished matters, oldest first: the open orders only (the
            # oldest orders of a project are long closed, and the plain index walks past them).
            models.Index(
                fields=["project", "created_at", "id"],
                condition=Q(status__in=sorted(OPEN_STATUSES)),
                name="tickets_open_created",
            ),
            # The lists of open orders (overdue, the overdue badge) read the open orders
            # only, newest first: a few thousand rows, whatever the history.
            models.Index(
                fields=["project", "-id"],
                condition=Q(status__in=sorted(OPEN_STATUSES)),
                name="tickets_open_id",
            ),
            # The priority filter asks for the few orders that are not normal (urgent ones
            # may be none at all): read from them alone, not by walking every order.
            models.Index(
                fields=["project", "priority", "-id"],
                condition=~Q(priority="normal"),
                name="tickets_priority_id",
            ),
            # The emergency banner on every queue page reads the open emergencies only:
            # a few rows, whatever the history.
            models.Index(
                fields=["project", "id"],
                condition=Q(priority="emergency") & Q(status__in=sorted(OPEN_STATUSES)),
                name="tickets_open_emergencies",
            ),
        ]

    def __str__(self) -> str:
        return self.serial

    @property
    def is_voided(self) -> bool:
        return self.status == TicketStatus.VOIDED

    @property
    def is_public(self) -> bool:
        return self.household_id is None

    @property
    def where(self) -> str:
        """The household's unit, or the public place as the desk writes it."""
        if self.household_id is not None:
            return self.household.unit.code
        parts = [
            str(self.building) if self.building_id else "",
            self.get_place_display(),
            self.location,
        ]
        return " ".join(p for p in parts if p)

    def progress(self) -> list[tuple[str, dt.datetime | None]]:
        """The main stages of the order with when each was reached: the page's progress bar.

        A complaint's stages are the complaint's own (with the butler, butler replied,
        answered, signed off); reads `complaint` (join it on lists).
        """
        if self.kind == TicketKind.COMPLAINT:
            detail = getattr(self, "complaint", None)
            return [
                (pgettext("work order status", "Registered"), self.created_at),
                (gettext("With the butler"), self.dispatched_at),
                (gettext("Butler replied"), detail.butler_replied_at if detail else None),
                (gettext("Answered"), detail.answered_at if detail else None),
                (gettext("Signed off"), self.returned_at),
                (gettext("Called back"), self.visited_at),
                (gettext("Closed"), self.closed_at),
            ]
        return [
            (pgettext("work order status", "Registered"), self.created_at),
            (gettext("Dispatched"), self.dispatched_at),
            (gettext("Accepted"), self.accepted_at),
            (gettext("Arrived on site"), self.arrived_at),
            (gettext("Work done"), self.done_at),
            (pgettext("work order step", "Returned"), self.returned_at),
            (gettext("Called back"), self.visited_at),
            (gettext("Closed"), self.closed_at),
        ]

    @property
    def status_word(self) -> str:
        """The one word for where the order stands, shown on its badge everywhere: the last
        stage the progress bar has reached, or the status when paused or voided."""
        if self.status in {TicketStatus.PAUSED, TicketStatus.VOIDED}:
            return str(self.get_status_display())
        reached = [label for label, at in self.progress() if at is not None]
        return reached[-1] if reached else str(self.get_status_display())


class TicketEvent(models.Model):
    """One step of an order's timeline: who did what, when, from which status to which.

    Append-only; written by the service that makes the change, in its
    transaction. `data` keeps the step's details (department, fee, reason).
    """

    ticket = models.ForeignKey(
        Ticket, on_delete=models.PROTECT, related_name="events", verbose_name=_("work order")
    )
    at = models.DateTimeField(_("at"))
    actor = models.ForeignKey(
        USER,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
    )
    action = models.CharField(_("action"), max_length=24)
    from_status = models.CharField(
        _("from"), max_length=16, choices=TicketStatus.choices, blank=True
    )
    to_status = models.CharField(_("to"), max_length=16, choices=TicketStatus.choices, blank=True)
    note = models.TextField(_("note"), blank=True)
    data = models.JSONField(_("details"), default=dict, blank=True)

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("work-order event")
        verbose_name_plural = _("work-order events")
        indexes = [models.Index(fields=["ticket", "at"], name="tickets_event_ticket_at")]

    def __str__(self) -> str:
        return f"{self.ticket_id} {self.action} {self.at:%Y-%m-%d %H:%M}"

    @property
    def action_label(self) -> str:
        from ..transitions import action_label

        return str(action_label(self.action))


# --- Complaints ------------------------------------------------------------------------


class ComplaintDetail(models.Model):
    """What a complaint adds to its order: category, reason, the butler and each step's record."""

    ticket = models.OneToOneField(
        Ticket, on_delete=models.PROTECT, related_name="complaint", verbose_name=_("work order")
    )
    category = models.CharField(_("category"), max_length=16, choices=ComplaintCategory.choices)
    reason = models.CharField(_("reason"), max_length=20, choices=ComplaintReason.choices)
    temper = models.CharField(
        _("temper"), max_length=16, choices=Temper.choices, default=Temper.RATIONAL
    )
    resident_wants = models.TextField(_("what the resident wants"), blank=True)
    butler = models.ForeignKey(
        USER,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("butler"),
    )
    butler_reply_due_at = models.DateTimeField(_("butler's reply due at"), null=True, blank=True)
    answer_due_at = models.DateTimeField(_("answer due at"), null=True, blank=True)

    investigated_at = models.DateTimeField(_("investigated at"), null=True, blank=True)
    findings = models.TextField(_("investigation and verification"), blank=True)
    butler_replied_at = models.DateTimeField(_("butler replied at"), null=True, blank=True)
    butler_reply = models.TextField(_("butler's reply"), blank=True)
    answer = models.TextField(_("answer to the resident"), blank=True)
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    butler_signed_off_at = models.DateTimeField(
        _("signed off by the butler at"), null=True, blank=True
    )
    resident_confirmed_at = models.DateTimeField(
        _("confirmed closed by the resident at"), null=True, blank=True
    )

    referred_to = models.CharField(
        _("referred to"), max_length=32, choices=ReferredTo.choices, blank=True
    )
    referred_at = models.DateTimeField(_("referred at"), null=True, blank=True)
    referral_note = models.TextField(_("why it was referred"), blank=True)
    decision = models.TextField(_("decision"), blank=True)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decided_by = models.ForeignKey(
        USER,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
    )
    close_tracking = models.BooleanField(_("close tracking"), default=False)

    valid = models.BooleanField(_("valid complaint"), null=True, blank=True)
    cause = models.TextField(_("cause"), blank=True)
    lesson = models.TextField(_("lesson"), blank=True)
    change = models.TextField(_("what changes"), blank=True)
    marked_at = models.DateTimeField(_("marked at"), null=True, blank=True)
    marked_by = models.ForeignKey(
        USER,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("marked by"),
    )

    class Meta:
        verbose_name = _("complaint")
        verbose_name_plural = _("complaints")
        indexes = [
            models.Index(fields=["category"], name="tickets_complaint_category"),
            models.Index(fields=["butler", "butler_replied_at"], name="tickets_complaint_butler"),
        ]

    def __str__(self) -> str:
        return str(self.ticket)


class PromiseSlip(models.Model):
    """A promise to a resident that could not be kept, told to them with reason and remedy."""

    ticket = models.ForeignKey(
        Ticket, on_delete=models.PROTECT, related_name="promise_slips", verbose_name=_("work order")
    )
    reason = models.TextField(_("why the promise slipped"))
    remedy = models.TextField(_("remedy"))
    told_resident_at = models.DateTimeField(_("resident told at"))
    by = models.ForeignKey(
        USER, on_delete=models.PROTECT, related_name="+", verbose_name=_("recorded by")
    )
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        ordering = ["told_resident_at", "id"]
        verbose_name = _("slipped promise")
        verbose_name_plural = _("slipped promises")

    def __str__(self) -> str:
        return f"{self.ticket} {self.told_resident_at:%Y-%m-%d}"


# --- Warranty repairs ------------------------------------------------------------------


class WarrantyRepair(models.Model):
    """A defect the developer fixes under warranty (返修), through the company's liaison."""

    ticket = models.OneToOneField(
        Ticket, on_delete=models.PROTECT, related_name="warranty", verbose_name=_("work order")
    )
    contractor = models.CharField(_("developer or contractor"), max_length=100)
    contractor_contact = models.CharField(_("their contact"), max_length=100, blank=True)
    liaison = models.ForeignKey(
        USER, on_delete=models.PROTECT, related_name="+", verbose_name=_("liaison")
    )
    passed_at = models.DateTimeField(_("passed on at"))

    class Meta:
        verbose_name = _("warranty repair")
        verbose_name_plural = _("warranty repairs")

    def __str__(self) -> str:
        return f"{self.ticket} ({self.contractor})"


class WarrantyReport(models.Model):
    """The liaison's daily progress report (返修进度日报表): one per day."""

    warranty = models.ForeignKey(
        WarrantyRepair,
        on_delete=models.PROTECT,
        related_name="reports",
        verbose_name=_("warranty repair"),
    )
    date = models.DateField(_("date"))
    progress = models.TextField(_("progress"))
    by = models.ForeignKey(
        USER, on_delete=models.PROTECT, related_name="+", verbose_name=_("reported by")
    )
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        ordering = ["date"]
        verbose_name = _("warranty progress report")
        verbose_name_plural = _("warranty progress reports")
        constraints = [
            models.UniqueConstraint(
                fields=["warranty", "date"], name="tickets_warranty_report_daily"
            )
        ]

    def __str__(self) -> str:
        return f"{self.warranty} {self.date}"


# --- Callbacks ------------------------------------------------------------------------


class Callback(models.Model):
    """The desk's phone callback (回访) after an order is returned.

    A call that did not reach the resident is recorded too (`reached` False)
    and leaves the order waiting for another call.
    """

    ticket = models.ForeignKey(
        Ticket, on_delete=models.PROTECT, related_name="callbacks", verbose_name=_("work order")
    )
    at = models.DateTimeField(_("called at"))
    by = models.ForeignKey(
        USER, on_delete=models.PROTECT, related_name="+", verbose_name=_("called by")
    )
    reached = models.BooleanField(_("resident reached"), default=True)
    attitude = models.CharField(
        _("worker's attitude"), max_length=8, choices=Rating.choices, blank=True
    )
    quality = models.CharField(
        _("quality of the work"), max_length=8, choices=Rating.choices, blank=True
    )
    improper_charge = models.BooleanField(_("improper charge by the worker"), default=False)
    improper_charge_note = models.CharField(
        _("about the improper charge"), max_length=200, blank=True
    )
    satisfaction = models.CharField(
        _("satisfaction"), max_length=24, choices=Satisfaction.choices, blank=True
    )
    comment = models.TextField(_("comment"), blank=True)
    follow_up = models.CharField(
        _("when not satisfied"), max_length=16, choices=Dissatisfied.choices, blank=True
    )
    follow_up_ticket = models.ForeignKey(
        Ticket,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("follow-up order"),
    )

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("callback")
        verbose_name_plural = _("callbacks")
        indexes = [models.Index(fields=["ticket", "at"], name="tickets_callback_ticket")]
        constraints = [
            models.CheckConstraint(
                condition=Q(reached=False) | ~Q(satisfaction=""),
                name="tickets_callback_reached_rated",
            )
        ]

    def __str__(self) -> str:
        return f"{self.ticket} {self.at:%Y-%m-%d %H:%M}"


class ResidentRating(models.Model):
    """The resident's own rating, given on the signed link of their copy; one per order.

    Kept beside the desk's callback, which still happens.
    """

    ticket = models.OneToOneField(
        Ticket,
        on_delete=models.PROTECT,
        related_name="resident_rating",
        verbose_name=_("work order"),
    )
    at = models.DateTimeField(_("rated at"))
    satisfaction = models.CharField(_("satisfaction"), max_length=24, choices=Satisfaction.choices)
    comment = models.TextField(_("comment"), blank=True)

    class Meta:
        verbose_name = _("resident's rating")
        verbose_name_plural = _("residents' ratings")

    def __str__(self) -> str:
        return f"{self.ticket} {self.get_satisfaction_display()}"


# --- Liaison forms ------------------------------------------------------------------------


class LiaisonForm(models.Model):
    """A numbered work liaison form (工作联系单) to another department: LX-2026-0001."""

    project = models.ForeignKey(
        Project, on_delete=models.PROTECT, related_name="liaison_forms", verbose_name=_("project")
    )
    number = models.CharField(_("number"), max_length=20, editable=False)
    from_department = models.CharField(_("from"), max_length=20, choices=Department.choices)
    to_department = models.CharField(_("to"), max_length=20, choices=Department.choices)
    matter = models.TextField(_("matter"))
    ticket = models.ForeignKey(
        Ticket,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="liaison_forms",
        verbose_name=_("work order"),
    )
    status = models.CharField(
        _("status"), max_length=16, choices=LiaisonStatus.choices, default=LiaisonStatus.OPEN
    )
    reply = models.TextField(_("reply"), blank=True)
    replied_at = models.DateTimeField(_("replied at"), null=True, blank=True)
    replied_by = models.ForeignKey(
        USER,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("replied by"),
    )
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    created_by = models.ForeignKey(
        USER, on_delete=models.PROTECT, related_name="+", verbose_name=_("written by")
    )
    created_at = models.DateTimeField(_("written at"), auto_now_add=True)

    class Meta:
        ordering = ["-id"]
        verbose_name = _("liaison form")
        verbose_name_plural = _("liaison forms")
        constraints = [
            models.UniqueConstraint(
                fields=["project", "number"], name="tickets_liaison_number_unique"
            )
        ]
        indexes = [
            models.Index(fields=["project", "status", "-created_at"], name="tickets_liaison_status")
        ]

    def __str__(self) -> str:
        return self.number


# --- Monthly contracts -----------------------------------------------------------------------


class MonthlyContract(models.Model):
    """A monthly housekeeping or greening contract (包月) and its schedule of visits.

    `schedule_days` lists ISO weekdays (1 = Monday) or days of the month,
    as `schedule_type` says. A day of the month the month lacks (31 in
    April) falls on the month's last day.
    """

    project = models.ForeignKey(
        Project, on_delete=models.PROTECT, related_name="+", verbose_name=_("project")
    )
    household = models.ForeignKey(
        Household,
        on_delete=models.PROTECT,
        related_name="monthly_contracts",
        verbose_name=_("household"),
    )
    kind = models.CharField(
        _("service"),
        max_length=16,
        choices=ContractKind.choices,
    )
    service = models.CharField(_("what is done"), max_length=200)
    schedule_type = models.CharField(_("schedule"), max_length=16, choices=ScheduleType.choices)
    schedule_days = models.JSONField(_("days"), default=list)
    visit_time = models.TimeField(_("usual time"), null=True, blank=True)
    price = models.DecimalField(_("monthly price"), **MONEY)
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"), null=True, blank=True)
    created_by = models.ForeignKey(
        USER, on_delete=models.PROTECT, related_name="+", verbose_name=_("registered by")
    )
    created_at = models.DateTimeField(_("registered at"), auto_now_add=True)

    class Meta:
        ordering = ["-id"]
        verbose_name = _("monthly contract")
        verbose_name_plural = _("monthly contracts")
        constraints = [
            models.CheckConstraint(condition=Q(price__gte=0), name="tickets_contract_price_nonneg"),
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=models.F("starts_on")),
                name="tickets_contract_dates",
            ),
        ]
        indexes = [
            models.Index(fields=["project", "kind", "ends_on"], name="tickets_contract_project")
        ]

    def __str__(self) -> str:
        return f"{self.household} {self.get_kind_display()}"

    def is_running_on(self, day: dt.date) -> bool:
        return self.starts_on <= day and (self.ends_on is None or day <= self.ends_on)

    def due_dates(self, year: int, month: int) -> list[dt.date]:
        """The visits the schedule says are due in a month, within the contract's dates."""
        last = calendar.monthrange(year, month)[1]
        days = {int(d) for d in self.schedule_days}
        if self.schedule_type == ScheduleType.WEEKDAYS:
            dates = [
                dt.date(year, month, d)
                for d in range(1, last + 1)
                if dt.date(year, month, d).isoweekday() in days
            ]
        else:
            dates = sorted({dt.date(year, month, min(d, last)) for d in days})
        return [d for d in dates if self.is_running_on(d)]


class ContractVisit(models.Model):
    """One visit of a monthly contract: due on a date, with the order opened for it."""

    contract = models.ForeignKey(
        MonthlyContract, on_delete=models.PROTECT, related_name="visits", verbose_name=_("contract")
    )
    date = models.DateField(_("date"))
    ticket = models.OneToOneField(
        Ticket,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="contract_visit",
        verbose_name=_("work order"),
    )

    class Meta:
        ordering = ["date"]
        verbose_name = _("contract visit")
        verbose_name_plural = _("contract visits")
        constraints = [
            models.UniqueConstraint(
                fields=["contract", "date"], name="tickets_contract_visit_daily"
            )
        ]

    def __str__(self) -> str:
        return f"{self.contract} {self.date}"
