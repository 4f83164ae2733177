"""Projects (物业项目) and their staff; working calendars, deadlines and notifications;
the audit of who read an ID number in full.

Staff who leave are deactivated, never deleted: every record that names a
staff member protects that reference.
"""

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Project(models.Model):
    """An estate or building complex served by one service center.

    Every row of households, orders and fees belongs to exactly one project;
    staff see only the projects they are members of.
    """

    code = models.SlugField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=100)
    address = models.CharField(_("address"), max_length=200, blank=True)
    phone = models.CharField(_("service center phone"), max_length=30, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("project")
        verbose_name_plural = _("projects")

    def __str__(self) -> str:
        return self.name


class Membership(models.Model):
    """A staff member's access to one project."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="memberships",
        verbose_name=_("user"),
    )
    project = models.ForeignKey(
        Project, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("project")
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("project membership")
        verbose_name_plural = _("project memberships")
        constraints = [
            models.UniqueConstraint(fields=["user", "project"], name="core_membership_unique")
        ]

    def __str__(self) -> str:
        return f"{self.user} @ {self.project}"


class StaffProfile(models.Model):
    """Per-user preferences: the interface language and the project worked in."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="staff_profile",
        verbose_name=_("user"),
    )
    language = models.CharField(
        _("language"), max_length=10, choices=settings.LANGUAGES, blank=True
    )
    phone = models.CharField(_("phone"), max_length=30, blank=True)

    class Meta:
        verbose_name = _("staff profile")
        verbose_name_plural = _("staff profiles")

    def __str__(self) -> str:
        return str(self.user)


# --- Working-time calendars -------------------------------------------------------


class Weekday(models.IntegerChoices):
    MONDAY = 0, _("Monday")
    TUESDAY = 1, _("Tuesday")
    WEDNESDAY = 2, _("Wednesday")
    THURSDAY = 3, _("Thursday")
    FRIDAY = 4, _("Friday")
    SATURDAY = 5, _("Saturday")
    SUNDAY = 6, _("Sunday")


class WorkingWindow(models.Model):
    """One working window of a weekday in a project's calendar (e.g. Monday 08:30–12:00).

    A day may have several windows (a lunch break between them). A project
    without any window works the default week of `frontdesk.core.calendar`.
    Times are local (settings.TIME_ZONE).
    """

    project = models.ForeignKey(
        Project, on_delete=models.CASCADE, related_name="working_windows", verbose_name=_("project")
    )
    weekday = models.PositiveSmallIntegerField(_("weekday"), choices=Weekday.choices)
    starts_at = models.TimeField(_("starts at"))
    ends_at = models.TimeField(_("ends at"))

    class Meta:
        ordering = ["project", "weekday", "starts_at"]
        verbose_name = _("working window")
        verbose_name_plural = _("working windows")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(starts_at__lt=models.F("ends_at")),
                name="core_workingwindow_starts_before_end",
                violation_error_message=_("A working window must start before it ends."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_weekday_display()} {self.starts_at:%H:%M}–{self.ends_at:%H:%M}"


class CalendarDayKind(models.TextChoices):
    HOLIDAY = "holiday", _("Statutory holiday")
    WORKDAY = "workday", _("Make-up working day")


class CalendarDay(models.Model):
    """A date that departs from the weekly windows of a project.

    A statutory holiday has no working time; a make-up working day (调休), often
    a Saturday or Sunday, works the windows of the weekday named in
    `works_as` (Monday by default). Entered per date, year by year.
    """

    project = models.ForeignKey(
        Project, on_delete=models.CASCADE, related_name="calendar_days", verbose_name=_("project")
    )
    date = models.DateField(_("date"))
    kind = models.CharField(_("kind"), max_length=10, choices=CalendarDayKind.choices)
    name = models.CharField(_("name"), max_length=60, blank=True)
    works_as = models.PositiveSmallIntegerField(
        _("works the hours of"), choices=Weekday.choices, default=Weekday.MONDAY
    )

    class Meta:
        ordering = ["project", "date"]
        verbose_name = _("holiday or make-up day")
        verbose_name_plural = _("holidays and make-up days")
        constraints = [
            models.UniqueConstraint(fields=["project", "date"], name="core_calendarday_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.date:%Y-%m-%d} {self.get_kind_display()} {self.name}".strip()


# --- Deadline settings --------------------------------------------------------------


class Counting(models.TextChoices):
    WALL = "wall", _("Wall-clock time")
    WORKING = "working", _("Working time")


class DeadlineMode(models.TextChoices):
    DURATION = "duration", _("A duration after the start")
    END_OF_DAY = "end_of_day", _("The end of a working day")


class DeadlinePolicy(models.Model):
    """A project's deadline settings that hold for every kind of deadline.

    Without a row the defaults of the fields apply (see
    `frontdesk.core.deadlines.policy_for`).
    """

    project = models.OneToOneField(
        Project, on_delete=models.CASCADE, related_name="deadline_policy", verbose_name=_("project")
    )
    workday_ends_at = models.TimeField(
        _("the working day ends at"),
        null=True,
        blank=True,
        help_text=_("Empty: at the end of the day's last working window."),
    )
    warn_before_minutes = models.PositiveIntegerField(
        _("warn the person responsible this many minutes before the due time"), default=30
    )
    escalation_roles = models.CharField(
        _("escalation chain (roles, in order, comma-separated)"),
        max_length=200,
        default="supervisor,manager",
    )
    escalate_after_minutes = models.PositiveIntegerField(
        _("minutes past due before each escalation step"), default=60
    )

    class Meta:
        verbose_name = _("deadline policy")
        verbose_name_plural = _("deadline policies")

    def __str__(self) -> str:
        return str(self.project)


class DeadlineRule(models.Model):
    """How one kind of deadline is computed in a project, replacing the built-in default.

    The kind is the code the caller defines (e.g. "complaint.butler_reply");
    the built-in defaults are `frontdesk.core.deadlines.DEFAULT_RULES`.
    """

    project = models.ForeignKey(
        Project, on_delete=models.CASCADE, related_name="deadline_rules", verbose_name=_("project")
    )
    kind = models.CharField(_("kind"), max_length=64)
    mode = models.CharField(
        _("due"), max_length=12, choices=DeadlineMode.choices, default=DeadlineMode.DURATION
    )
    minutes = models.PositiveIntegerField(_("duration in minutes"), default=0)
    days = models.PositiveSmallIntegerField(
        _("working days later"),
        default=0,
        help_text=_("For the end of a working day: 0 is the same working day."),
    )
    counting = models.CharField(
        _("counts"), max_length=8, choices=Counting.choices, default=Counting.WALL
    )
    escalate_after_minutes = models.PositiveIntegerField(
        _("minutes past due before each escalation step"),
        null=True,
        blank=True,
        help_text=_("Empty: the project's deadline policy."),
    )
    is_emergency = models.BooleanField(
        _("emergency"), default=False, help_text=_("Notified at once, even outside working time.")
    )
    recurs = models.BooleanField(
        _("recurs every working day"),
        default=False,
        help_text=_("Meeting it opens the next one, due at the end of the next working day."),
    )

    class Meta:
        ordering = ["project", "kind"]
        verbose_name = _("deadline rule")
        verbose_name_plural = _("deadline rules")
        constraints = [
            models.UniqueConstraint(fields=["project", "kind"], name="core_deadlinerule_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.project}: {self.kind}"

    def clean(self) -> None:
        if self.mode == DeadlineMode.DURATION and not self.minutes:
            raise ValidationError({"minutes": _("Give the duration of the deadline.")})


# --- Deadlines ----------------------------------------------------------------------


class DeadlineState(models.TextChoices):
    OPEN = "open", _("Open")
    MET = "met", _("Met")
    CANCELLED = "cancelled", _("Cancelled")


class Deadline(models.Model):
    """A promise the desk made, watched by the sweep until it is met or cancelled.

    The subject (a complaint, an order, a callback) is any row, pointed at by
    content type and id so that this shared core knows no app. `due_at` is
    computed when the deadline opens (see `frontdesk.core.deadlines`) and moves
    only when the deadline is paused and resumed. `next_action_at` is the
    moment the sweep must next look at it (a warning, the breach, an
    escalation); it is empty once there is nothing left to do, so the sweep
    reads only the rows it has to act on.
    """

    project = models.ForeignKey(
        Project, on_delete=models.CASCADE, related_name="deadlines", verbose_name=_("project")
    )
    kind = models.CharField(_("kind"), max_length=64)
    subject_type = models.ForeignKey(
        "contenttypes.ContentType", on_delete=models.PROTECT, verbose_name=_("subject type")
    )
    subject_id = models.PositiveBigIntegerField(_("subject id"))
    subject_label = models.CharField(_("subject"), max_length=200, blank=True)
    url = models.CharField(_("link"), max_length=300, blank=True)
    responsible = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="deadlines",
        verbose_name=_("responsible"),
    )
    responsible_role = models.CharField(
        _("responsible role"),
        max_length=20,
        blank=True,
        help_text=_("Notified when no person is responsible."),
    )
    counting = models.CharField(_("counts"), max_length=8, choices=Counting.choices)
    is_emergency = models.BooleanField(_("emergency"), default=False)
    recurs = models.BooleanField(_("recurs every working day"), default=False)
    start_at = models.DateTimeField(_("started at"))
    due_at = models.DateTimeField(_("due at"))
    state = models.CharField(
        _("state"), max_length=10, choices=DeadlineState.choices, default=DeadlineState.OPEN
    )
    met_at = models.DateTimeField(_("met at"), null=True, blank=True)
    met_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("met by"),
    )
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)
    cancel_reason = models.CharField(_("reason for cancelling"), max_length=200, blank=True)
    paused_at = models.DateTimeField(_("paused since"), null=True, blank=True)
    marked_overdue_at = models.DateTimeField(_("marked overdue at"), null=True, blank=True)
    # Snapshot of the rules when the deadline opened: the promise keeps the terms it was made under.
    warn_at = models.DateTimeField(_("warn at"), null=True, blank=True)
    escalation_roles = models.CharField(_("escalation chain"), max_length=200, blank=True)
    escalate_after_minutes = models.PositiveIntegerField(
        _("minutes past due before each escalation step"), default=60
    )
    stage = models.PositiveSmallIntegerField(_("last stage acted on"), default=0)
    next_action_at = models.DateTimeField(_("next sweep action at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["due_at", "id"]
        verbose_name = _("deadline")
        verbose_name_plural = _("deadlines")
        indexes = [
            # The sweep's only read: open deadlines whose next action is due.
            models.Index(
                fields=["next_action_at"],
                condition=models.Q(state="open", next_action_at__isnull=False),
                name="core_deadline_sweep",
            ),
            models.Index(fields=["subject_type", "subject_id"], name="core_deadline_subject"),
            models.Index(
                fields=["project", "due_at"],
                condition=models.Q(state="open"),
                name="core_deadline_open_due",
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["subject_type", "subject_id", "kind"],
                condition=models.Q(state="open"),
                name="core_deadline_one_open_per_kind",
            ),
            models.CheckConstraint(
                condition=~models.Q(state="met") | models.Q(met_at__isnull=False),
                name="core_deadline_met_has_time",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.subject_label or self.subject_id} @ {self.due_at:%Y-%m-%d %H:%M}"

    @property
    def is_paused(self) -> bool:
        return self.paused_at is not None

    def is_overdue(self, now: datetime.datetime) -> bool:
        """True if the promise is broken at `now`: open past its due time, or met late."""
        if self.state == DeadlineState.MET:
            return self.met_at is not None and self.met_at > self.due_at
        if self.state == DeadlineState.CANCELLED:
            return False
        return self.paused_at is None and now >= self.due_at

    @property
    def overdue(self) -> bool:
        return self.is_overdue(timezone.now())


class DeadlinePause(models.Model):
    """A stretch of time a deadline stood still, with its reason (waiting for a resident)."""

    deadline = models.ForeignKey(
        Deadline, on_delete=models.CASCADE, related_name="pauses", verbose_name=_("deadline")
    )
    reason = models.CharField(_("reason"), max_length=200)
    paused_at = models.DateTimeField(_("paused at"))
    paused_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("paused by"),
    )
    resumed_at = models.DateTimeField(_("resumed at"), null=True, blank=True)
    resumed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("resumed by"),
    )

    class Meta:
        ordering = ["deadline", "paused_at"]
        verbose_name = _("deadline pause")
        verbose_name_plural = _("deadline pauses")
        constraints = [
            models.UniqueConstraint(
                fields=["deadline"],
                condition=models.Q(resumed_at__isnull=True),
                name="core_deadlinepause_one_running",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.deadline_id}: {self.reason}"


class DeadlineStage(models.TextChoices):
    WARNING = "warning", _("Due soon")
    OVERDUE = "overdue", _("Overdue")
    ESCALATION_1 = "escalation-1", _("Escalated")
    ESCALATION_2 = "escalation-2", _("Escalated again")
    ESCALATION_3 = "escalation-3", _("Escalated a third time")


class DeadlineEvent(models.Model):
    """One stage of a deadline acted on by the sweep: the warning, the breach, an escalation.

    The unique (deadline, stage) pair is what makes each breach acted on exactly
    once, however often the sweep runs and if two sweeps overlap.
    """

    deadline = models.ForeignKey(
        Deadline, on_delete=models.CASCADE, related_name="events", verbose_name=_("deadline")
    )
    stage = models.CharField(_("stage"), max_length=20, choices=DeadlineStage.choices)
    scheduled_at = models.DateTimeField(_("due for action at"))
    acted_at = models.DateTimeField(_("acted at"))
    notified = models.PositiveSmallIntegerField(_("people notified"), default=0)

    class Meta:
        ordering = ["deadline", "scheduled_at"]
        verbose_name = _("deadline event")
        verbose_name_plural = _("deadline events")
        constraints = [
            models.UniqueConstraint(fields=["deadline", "stage"], name="core_deadlineevent_once"),
        ]

    def __str__(self) -> str:
        return f"{self.deadline_id}: {self.stage}"


# --- Notifications ------------------------------------------------------------------


class EmailState(models.TextChoices):
    NONE = "none", _("Not e-mailed")
    PENDING = "pending", _("Waiting to be e-mailed")
    SENT = "sent", _("E-mailed")
    FAILED = "failed", _("E-mail failed")


class Notification(models.Model):
    """A message to one staff member: shown under the bell, and e-mailed if their role wants it.

    A notification that is not an emergency is delivered (shown and e-mailed)
    from `deliver_at`, the next working moment of its project, never at midnight.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notifications",
        verbose_name=_("user"),
    )
    project = models.ForeignKey(
        Project,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="notifications",
        verbose_name=_("project"),
    )
    topic = models.CharField(_("topic"), max_length=40)
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("message"), blank=True)
    url = models.CharField(_("link"), max_length=300, blank=True)
    is_emergency = models.BooleanField(_("emergency"), default=False)
    created_at = models.DateTimeField(_("created at"))
    deliver_at = models.DateTimeField(_("delivered from"))
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)
    email_state = models.CharField(
        _("e-mail"), max_length=8, choices=EmailState.choices, default=EmailState.NONE
    )
    emailed_at = models.DateTimeField(_("e-mailed at"), null=True, blank=True)

    class Meta:
        ordering = ["-deliver_at", "-id"]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        indexes = [
            models.Index(fields=["user", "-deliver_at", "-id"], name="core_notification_user"),
            models.Index(
                fields=["user"],
                condition=models.Q(read_at__isnull=True),
                name="core_notification_unread",
            ),
            models.Index(
                fields=["deliver_at"],
                condition=models.Q(email_state="pending"),
                name="core_notification_mail_due",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user}: {self.title}"


class SubmissionState(models.TextChoices):
    PENDING = "pending", _("in progress")
    DONE = "done", _("done")


class Submission(models.Model):
    """One submitted write, remembered so that its repeat is answered, not done twice.

    An API client sends an `Idempotency-Key` header with a create; a page form
    carries a one-time `form_token`. The first request with a key does the work
    and its response is kept here; a repeat (a double click, a client's retry
    after a timeout) gets the same response back. See
    `frontdesk.core.idempotency`.
    """

    principal = models.CharField(_("who"), max_length=64)
    key = models.CharField(_("key"), max_length=255)
    fingerprint = models.CharField(_("request fingerprint"), max_length=64)
    state = models.CharField(
        _("state"), max_length=8, choices=SubmissionState, default=SubmissionState.PENDING
    )
    status_code = models.PositiveSmallIntegerField(_("status code"), null=True, blank=True)
    content_type = models.CharField(_("content type"), max_length=100, blank=True)
    location = models.CharField(_("location"), max_length=500, blank=True)
    body = models.BinaryField(_("body"), blank=True, default=b"")
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("submission")
        verbose_name_plural = _("submissions")
        constraints = [
            models.UniqueConstraint(fields=["principal", "key"], name="core_submission_once"),
        ]
        indexes = [models.Index(fields=["created_at"], name="core_submission_age")]

    def __str__(self) -> str:
        return f"{self.key} ({self.state})"


# --- Audit of personal data ---------------------------------------------------------


class ReadChannel(models.TextChoices):
    PAGE = "page", _("Page")
    API = "api", _("API")


class IdNumberRead(models.Model):
    """One showing of a resident's ID number in full: who, when, whose, and from where.

    Written by the "show" action of the household file and of the API, never
    changed or deleted; the supervisor reads the list. The person is named by
    id and name (this module knows no app).
    """

    at = models.DateTimeField(_("at"), default=timezone.now)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("read by"),
    )
    project = models.ForeignKey(
        Project, on_delete=models.PROTECT, related_name="+", verbose_name=_("project")
    )
    person_id = models.PositiveBigIntegerField(_("person id"))
    person_name = models.CharField(_("person"), max_length=100)
    channel = models.CharField(_("channel"), max_length=8, choices=ReadChannel.choices)
    source = models.CharField(_("page or endpoint"), max_length=300)

    class Meta:
        ordering = ["-id"]
        verbose_name = _("ID number read")
        verbose_name_plural = _("ID number reads")
        indexes = [models.Index(fields=["project", "-id"], name="core_idnumberread_project")]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.user_id} → {self.person_name}"
