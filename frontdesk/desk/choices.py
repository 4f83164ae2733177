"""Enumerations of the desk's own records (DOMAIN.md, "The desk's day")."""

from django.db.models import TextChoices
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from tickets.choices import Source


class Channel(TextChoices):
    """How a matter reached the desk. The first four are the work orders' `Source` values,
    so an order opened from an entry keeps its channel; a letter is the desk's own."""

    PHONE = Source.PHONE.value, Source.PHONE.label
    WALK_IN = Source.WALK_IN.value, Source.WALK_IN.label
    PATROL = Source.PATROL.value, Source.PATROL.label
    APP = Source.APP.value, Source.APP.label
    WRITTEN = "written", _("Letter or written note")


def channel_source(channel: str) -> str:
    """The order's source for an entry's channel (a letter is handed in at the desk)."""
    return channel if channel in Source.values else Source.WALK_IN.value


class EntryKind(TextChoices):
    """What the caller wanted; the reception log (客户接待登记) is this same log, filtered."""

    CONSULTATION = "consultation", _("Consultation")
    REQUEST = "request", _("Request")
    PRAISE = "praise", _("Praise")
    SUGGESTION = "suggestion", _("Suggestion")
    COMPLAINT = "complaint", pgettext_lazy("duty log kind", "Complaint")
    EMERGENCY = "emergency", pgettext_lazy("duty log kind", "Emergency")
    OTHER = "other", pgettext_lazy("duty log kind", "Other")


class EntryStatus(TextChoices):
    ANSWERED = "answered", _("Answered")
    PENDING = "pending", _("Answer owed")
    CORRECTED = "corrected", _("Corrected")


class FollowUpKind(TextChoices):
    PROGRESS = "progress", _("Progress")
    SLIP = "slip", _("Slipped promise told")
    ANSWER = "answer", _("Answer given")
    COMMENT = "comment", _("Supervisor's comment")


class ShiftStatus(TextChoices):
    PLANNED = "planned", pgettext_lazy("shift status", "Planned")
    CLOSED = "closed", pgettext_lazy("shift status", "Closed")


class HandoverStatus(TextChoices):
    AWAITING = "awaiting", _("Waiting for acknowledgement")
    ACKNOWLEDGED = "acknowledged", _("Acknowledged")


class ReviewKind(TextChoices):
    DAILY = "daily", _("Daily check")
    WEEKLY = "weekly", _("Weekly review")
    DEPARTMENT = "department", _("Department head's next-morning review")
    SPOT = "spot", _("Manager's spot check")


class ReviewStatus(TextChoices):
    OPEN = "open", _("Not signed")
    SIGNED = "signed", _("Signed")


class IncidentStatus(TextChoices):
    OPEN = "open", _("Being handled")
    CLOSED = "closed", pgettext_lazy("incident status", "Closed")


class IncidentStepKind(TextChoices):
    CALLED = "called", _("Called")
    ARRIVED = "arrived", _("Arrived")
    ACTION = "action", _("Action taken")
    NOTE = "note", _("Note")


class TrackingStatus(TextChoices):
    OPEN = "open", _("Under follow-up")
    CLOSED = "closed", _("Follow-up ended")


class ReferredTo(TextChoices):
    HEAD = "head", _("Head of customer service")
    MANAGER = "manager", _("Service-center manager")


class Post(TextChoices):
    """Where the night's records come from (大堂门岗 / 监控中心)."""

    LOBBY_GATE = "lobby_gate", _("Lobby gate post")
    MONITORING = "monitoring", _("Monitoring center")


class ExchangeTime(TextChoices):
    BEFORE_WORK = "before", _("Before work")
    AFTER_WORK = "after", _("After work")
