"""The desk's own records: the duty log, the shift roster and handovers, the reviews.

Nothing here is edited after the fact: a wrong duty-log entry is corrected by
a new entry pointing at it, an acknowledged handover and a signed review are
frozen. Rows change only through `frontdesk.desk.services`.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from tickets.choices import Department, Place

from .choices import (
    Channel,
    EntryKind,
    EntryStatus,
    ExchangeTime,
    FollowUpKind,
    HandoverStatus,
    IncidentStatus,
    IncidentStepKind,
    Post,
    ReferredTo,
    ReviewKind,
    ReviewStatus,
    ShiftStatus,
    TrackingStatus,
)

USER = settings.AUTH_USER_MODEL


# --- Duty log (值班记录表 R02—WKF07) -----------------------------------------------------


class DutyLogEntry(models.Model):
    """One call, visit, letter or message taken at the desk (值班记录表, form R02—WKF07).

    It concerns a household of the project or a public place. What cannot be
    answered on the spot is owed an answer (the `matter.answer` deadline,
    three days unless a time was promised); `promise_*` say what was promised,
    by when and by whom. A correction is a new entry whose `corrects` points
    at the wrong one, which then reads "corrected" and is never changed again.
    """

    project = models.ForeignKey(
        "core.Project", on_delete=models.PROTECT, related_name="+", verbose_name=_("project")
    )
    at = models.DateTimeField(_("time"))
    channel = models.CharField(_("channel"), max_length=12, choices=Channel.choices)
    kind = models.CharField(_("kind"), max_length=16, choices=EntryKind.choices)
    caller_name = models.CharField(_("caller"), max_length=50, blank=True)
    caller_phone = models.CharField(_("caller's phone"), max_length=20, blank=True)
    household = models.ForeignKey(
        "residents.Household",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="duty_log_entries",
        verbose_name=_("household"),
    )
    place = models.CharField(_("public place"), max_length=16, choices=Place.choices, blank=True)
    matter = models.TextField(_("matter"))
    taken_by = models.ForeignKey(
        USER, on_delete=models.PROTECT, related_name="+", verbose_name=_("taken by")
    )
    assigned_to = models.ForeignKey(
        USER,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("assigned to"),
    )
    answered_on_spot = models.BooleanField(_("answered on the spot"), default=False)
    promise = models.CharField(_("promised"), max_length=200, blank=True)
    promise_due_at = models.DateTimeField(_("promised by"), null=True, blank=True)
    promise_by = models.ForeignKey(
        USER,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("promised by whom"),
    )
    status = models.CharField(_("status"), max_length=10, choices=EntryStatus.choices)
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    corrects = models.OneToOneField(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="corrected_by",
        verbose_name=_("corrects"),
    )
    correction_reason = models.CharField(_("why corrected"), max_length=200, blank=True)
    ticket = models.OneToOneField(
        "tickets.Ticket",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="duty_log_entry",
        verbose_name=_("work order opened"),
    )
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("duty-log entry")
        verbose_name_plural = _("duty log")
        indexes = [
            models.Index(fields=["project", "-at"], name="desk_entry_project_at"),
            models.Index(
                fields=["project", "promise_due_at"],
                condition=Q(status="pending"),
                name="desk_entry_pending",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(household__isnull=False) | ~Q(place=""),
                name="desk_entry_household_or_place",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.matter[:40]}"

    @property
    def is_emergency(self) -> bool:
        return self.kind == EntryKind.EMERGENCY


class DutyLogFollowUp(models.Model):
    """What happened later to a duty-log entry: progress, the answer, or a slipped promise
    told to the resident with the reason and the remedy."""

    entry = models.ForeignKey(
        DutyLogEntry,
        on_delete=models.PROTECT,
        related_name="follow_ups",
        verbose_name=_("duty-log entry"),
    )
    kind = models.CharField(_("kind"), max_length=10, choices=FollowUpKind.choices)
    at = models.DateTimeField(_("time"))
    note = models.TextField(_("note"))
    reason = models.TextField(_("why the promise slipped"), blank=True)
    new_due_at = models.DateTimeField(_("new promised time"), null=True, blank=True)
    by = models.ForeignKey(
        USER, on_delete=models.PROTECT, related_name="+", verbose_name=_("recorded by")
    )

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("duty-log follow-up")
        verbose_name_plural = _("duty-log follow-ups")

    def __str__(self) -> str:
        return f"{self.entry_id} {self.kind} {self.at:%Y-%m-%d %H:%M}"


# --- Shifts and handover (交接班记录表 R03—WKF07) -------------------------------------------


class Shift(models.Model):
    """One shift of the desk's roster: who is on the desk of a project, from when to when."""

    project = models.ForeignKey(
        "core.Project", on_delete=models.PROTECT, related_name="+", verbose_name=_("project")
    )
    clerk = models.ForeignKey(
        USER, on_delete=models.PROTECT, related_name="desk_shifts", verbose_name=_("clerk")
    )
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    status = models.CharField(
        _("status"), max_length=10, choices=ShiftStatus.choices, default=ShiftStatus.PLANNED
    )
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)

    class Meta:
        ordering = ["starts_at", "id"]
        verbose_name = _("shift")
        verbose_name_plural = _("shifts")
        indexes = [models.Index(fields=["project", "starts_at"], name="desk_shift_project_start")]
        constraints = [
            models.CheckConstraint(
                condition=Q(starts_at__lt=models.F("ends_at")),
                name="desk_shift_starts_before_end",
                violation_error_message=_("A shift must start before it ends."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.starts_at:%Y-%m-%d %H:%M}–{self.ends_at:%H:%M}"


class Handover(models.Model):
    """The handover of a closed shift to the next (交接班记录表, form R03—WKF07).

    `items` is the frozen snapshot of everything still open when the shift
    closed, gathered by the open-item registry (`frontdesk.core.open_items`):
    a list of sections ``{"key", "title", "items": [{"text", "url", "due_at", "due"}]}``
    (`due` is the due time as the clerk read it, in local time).
    The incoming clerk acknowledges it before recording anything; from then on
    nothing of it changes.
    """

    project = models.ForeignKey(
        "core.Project", on_delete=models.PROTECT, related_name="+", verbose_name=_("project")
    )
    shift = models.OneToOneField(
        Shift,
        on_delete=models.PROTECT,
        related_name="handover",
        verbose_name=_("shift handed over"),
    )
    next_shift = models.ForeignKey(
        Shift,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="handovers_in",
        verbose_name=_("next shift"),
    )
    closed_by = models.ForeignKey(
        USER, on_delete=models.PROTECT, related_name="+", verbose_name=_("handed over by")
    )
    closed_at = models.DateTimeField(_("handed over at"))
    items = models.JSONField(_("open items"), default=list)
    notes = models.TextField(_("notes"), blank=True)
    status = models.CharField(
        _("status"),
        max_length=14,
        choices=HandoverStatus.choices,
        default=HandoverStatus.AWAITING,
    )
    acknowledged_by = models.ForeignKey(
        USER,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("acknowledged by"),
    )
    acknowledged_at = models.DateTimeField(_("acknowledged at"), null=True, blank=True)

    class Meta:
        ordering = ["-closed_at", "-id"]
        verbose_name = _("handover")
        verbose_name_plural = _("handovers")
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="acknowledged") | Q(acknowledged_at__isnull=False),
                name="desk_handover_acknowledged_has_time",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.shift} → {self.next_shift or '-'}"

    @property
    def item_count(self) -> int:
        return sum(len(section.get("items", [])) for section in self.items)


# --- Reviews (主管每日检查、每周审阅) --------------------------------------------------------


class Review(models.Model):
    """A signed review of the desk's records: the supervisor's check of a day or review of a
    week, a department head's review of the previous day's orders of the department (the
    copies returned), or the manager's spot check with its findings.

    Until signed its figures are read live; signing freezes them in `figures`
    with the comment, and nothing of it changes afterwards.
    """

    project = models.ForeignKey(
        "core.Project", on_delete=models.PROTECT, related_name="+", verbose_name=_("project")
    )
    kind = models.CharField(_("kind"), max_length=10, choices=ReviewKind.choices)
    department = models.CharField(
        _("department"), max_length=20, choices=Department.choices, blank=True
    )
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("to"))
    status = models.CharField(
        _("status"), max_length=10, choices=ReviewStatus.choices, default=ReviewStatus.OPEN
    )
    figures = models.JSONField(_("figures"), default=dict, blank=True)
    comment = models.TextField(_("comment"), blank=True)
    signed_by = models.ForeignKey(
        USER,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("signed by"),
    )
    signed_at = models.DateTimeField(_("signed at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["-starts_on", "kind", "-id"]
        verbose_name = _("review")
        verbose_name_plural = _("reviews")
        constraints = [
            models.UniqueConstraint(
                fields=["project", "kind", "department", "starts_on"],
                name="desk_review_one_per_period",
            ),
            models.CheckConstraint(
                condition=~Q(status="signed") | Q(signed_at__isnull=False),
                name="desk_review_signed_has_time",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.starts_on:%Y-%m-%d}"


# --- Incidents (突发事件) -------------------------------------------------------------------


class Incident(models.Model):
    """An emergency or incident: what, where, when, and its handling step by step in time order.

    Linked to its duty-log entries and emergency orders; the manager is told
    the moment it is recorded. Steps are appended, never edited.
    """

    project = models.ForeignKey(
        "core.Project", on_delete=models.PROTECT, related_name="+", verbose_name=_("project")
    )
    what = models.CharField(_("what happened"), max_length=200)
    where = models.CharField(_("where"), max_length=200)
    occurred_at = models.DateTimeField(_("occurred at"))
    status = models.CharField(
        _("status"), max_length=10, choices=IncidentStatus.choices, default=IncidentStatus.OPEN
    )
    entries = models.ManyToManyField(
        DutyLogEntry, blank=True, related_name="incidents", verbose_name=_("duty-log entries")
    )
    tickets = models.ManyToManyField(
        "tickets.Ticket", blank=True, related_name="incidents", verbose_name=_("work orders")
    )
    recorded_by = models.ForeignKey(
        USER, on_delete=models.PROTECT, related_name="+", verbose_name=_("recorded by")
    )
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    outcome = models.TextField(_("outcome"), blank=True)

    class Meta:
        ordering = ["-occurred_at", "-id"]
        verbose_name = _("incident")
        verbose_name_plural = _("incidents")

    def __str__(self) -> str:
        return f"{self.occurred_at:%Y-%m-%d %H:%M} {self.what}"


class IncidentStep(models.Model):
    """One step of an incident's handling: who was called, who arrived, what was done."""

    incident = models.ForeignKey(
        Incident, on_delete=models.PROTECT, related_name="steps", verbose_name=_("incident")
    )
    kind = models.CharField(_("kind"), max_length=10, choices=IncidentStepKind.choices)
    at = models.DateTimeField(_("time"))
    who = models.CharField(_("who"), max_length=100, blank=True)
    text = models.TextField(_("what"), blank=True)
    by = models.ForeignKey(
        USER, on_delete=models.PROTECT, related_name="+", verbose_name=_("recorded by")
    )

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("incident step")
        verbose_name_plural = _("incident steps")

    def __str__(self) -> str:
        return f"{self.incident_id} {self.kind} {self.at:%H:%M}"


# --- Key follow-up and referral (重点跟踪、报请) -----------------------------------------------


class Tracking(models.Model):
    """A matter under key follow-up (重点跟踪), or referred (报请) for an instruction.

    It has an owner and a next check date; each check is a `TrackingCheck`.
    A problem found by a review becomes one, pointing at its review.
    """

    project = models.ForeignKey(
        "core.Project", on_delete=models.PROTECT, related_name="+", verbose_name=_("project")
    )
    matter = models.CharField(_("matter"), max_length=200)
    household = models.ForeignKey(
        "residents.Household",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("household"),
    )
    entry = models.ForeignKey(
        DutyLogEntry,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="trackings",
        verbose_name=_("duty-log entry"),
    )
    review = models.ForeignKey(
        Review,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="trackings",
        verbose_name=_("found in review"),
    )
    owner = models.ForeignKey(
        USER, on_delete=models.PROTECT, related_name="desk_trackings", verbose_name=_("owner")
    )
    next_check_on = models.DateField(_("next check on"))
    referred_to = models.CharField(
        _("referred to"), max_length=10, choices=ReferredTo.choices, blank=True
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
    status = models.CharField(
        _("status"), max_length=10, choices=TrackingStatus.choices, default=TrackingStatus.OPEN
    )
    created_by = models.ForeignKey(
        USER, on_delete=models.PROTECT, related_name="+", verbose_name=_("opened by")
    )
    created_at = models.DateTimeField(_("opened at"), auto_now_add=True)
    closed_at = models.DateTimeField(_("ended at"), null=True, blank=True)

    class Meta:
        ordering = ["next_check_on", "id"]
        verbose_name = _("key follow-up")
        verbose_name_plural = _("key follow-ups")
        indexes = [
            models.Index(
                fields=["project", "next_check_on"],
                condition=Q(status="open"),
                name="desk_tracking_due",
            )
        ]

    def __str__(self) -> str:
        return self.matter


class TrackingCheck(models.Model):
    """One check of a matter under follow-up: what was found, and when to look again."""

    tracking = models.ForeignKey(
        Tracking, on_delete=models.PROTECT, related_name="checks", verbose_name=_("follow-up")
    )
    at = models.DateTimeField(_("checked at"))
    note = models.TextField(_("found"))
    next_check_on = models.DateField(_("next check on"), null=True, blank=True)
    by = models.ForeignKey(
        USER, on_delete=models.PROTECT, related_name="+", verbose_name=_("checked by")
    )

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("follow-up check")
        verbose_name_plural = _("follow-up checks")

    def __str__(self) -> str:
        return f"{self.tracking_id} {self.at:%Y-%m-%d}"


# --- Caller-ID pop (来电弹屏) -----------------------------------------------------------------


class PhoneLine(models.Model):
    """A project's phone system, known by the hash of its key, with its desk extensions."""

    project = models.OneToOneField(
        "core.Project", on_delete=models.PROTECT, related_name="+", verbose_name=_("project")
    )
    key_hash = models.CharField(_("key (SHA-256)"), max_length=64, unique=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("phone system")
        verbose_name_plural = _("phone systems")

    def __str__(self) -> str:
        return str(self.project)


class Extension(models.Model):
    """A desk telephone extension and the clerk who answers it."""

    line = models.ForeignKey(
        PhoneLine,
        on_delete=models.CASCADE,
        related_name="extensions",
        verbose_name=_("phone system"),
    )
    number = models.CharField(_("extension"), max_length=10)
    clerk = models.ForeignKey(
        USER, on_delete=models.PROTECT, related_name="+", verbose_name=_("clerk")
    )

    class Meta:
        verbose_name = _("extension")
        verbose_name_plural = _("extensions")
        constraints = [
            models.UniqueConstraint(fields=["line", "number"], name="desk_extension_unique")
        ]

    def __str__(self) -> str:
        return self.number


class Ring(models.Model):
    """One ring of a desk phone, as the phone system reported it: who called which extension.

    The clerk's open page shows it within a second; `answered_at` is when the
    clerk took the call on the page, and `entry` the duty-log entry it became.
    """

    project = models.ForeignKey(
        "core.Project", on_delete=models.PROTECT, related_name="+", verbose_name=_("project")
    )
    number = models.CharField(_("caller's number"), max_length=20)
    extension = models.CharField(_("extension"), max_length=10)
    clerk = models.ForeignKey(
        USER, on_delete=models.PROTECT, related_name="+", verbose_name=_("clerk")
    )
    rang_at = models.DateTimeField(_("rang at"))
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    entry = models.OneToOneField(
        DutyLogEntry,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="ring",
        verbose_name=_("duty-log entry"),
    )

    class Meta:
        ordering = ["-rang_at", "-id"]
        verbose_name = _("ring")
        verbose_name_plural = _("rings")
        indexes = [models.Index(fields=["clerk", "-rang_at"], name="desk_ring_clerk")]

    def __str__(self) -> str:
        return f"{self.rang_at:%H:%M:%S} {self.extension}"


# --- The morning's start (大堂门岗 / 监控中心, 管家与前台交流) ------------------------------------


class PostRecord(models.Model):
    """A record of the lobby gate post or the monitoring center, read by the desk first thing.

    Entered by security or the desk; the desk acknowledges it (once) and takes
    up what concerns it as a duty-log entry or an order, linked here.
    """

    project = models.ForeignKey(
        "core.Project", on_delete=models.PROTECT, related_name="+", verbose_name=_("project")
    )
    post = models.CharField(_("post"), max_length=12, choices=Post.choices)
    day = models.DateField(_("day"))
    text = models.TextField(_("record"))
    recorded_by = models.ForeignKey(
        USER, on_delete=models.PROTECT, related_name="+", verbose_name=_("recorded by")
    )
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)
    acknowledged_by = models.ForeignKey(
        USER,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("read by"),
    )
    acknowledged_at = models.DateTimeField(_("read at"), null=True, blank=True)
    entry = models.ForeignKey(
        DutyLogEntry,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="post_records",
        verbose_name=_("taken up as"),
    )

    class Meta:
        ordering = ["-day", "post", "id"]
        verbose_name = _("post record")
        verbose_name_plural = _("post records")

    def __str__(self) -> str:
        return f"{self.day:%Y-%m-%d} {self.get_post_display()}"


class Exchange(models.Model):
    """The butler–desk exchange before or after work: who, when, what was passed on."""

    project = models.ForeignKey(
        "core.Project", on_delete=models.PROTECT, related_name="+", verbose_name=_("project")
    )
    at = models.DateTimeField(_("time"))
    when = models.CharField(_("when"), max_length=8, choices=ExchangeTime.choices)
    butler = models.ForeignKey(
        USER, on_delete=models.PROTECT, related_name="+", verbose_name=_("butler")
    )
    clerk = models.ForeignKey(
        USER, on_delete=models.PROTECT, related_name="+", verbose_name=_("clerk")
    )
    passed_on = models.TextField(_("passed on"))
    recorded_by = models.ForeignKey(
        USER, on_delete=models.PROTECT, related_name="+", verbose_name=_("recorded by")
    )

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("butler–desk exchange")
        verbose_name_plural = _("butler–desk exchanges")

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.get_when_display()}"
