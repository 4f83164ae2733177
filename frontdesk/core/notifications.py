"""Notifications to staff: in the app (the bell) and by e-mail, by role.

`notify` records a notification for one user; what the user is sent depends
on their roles (`ROLE_CHANNELS`). A notification that is not an emergency is
delivered from the next working moment of its project, so nobody is e-mailed
at midnight about a reply due at 23:00. E-mails go out from
`notification_send_due`, which the deadline sweep calls every minute and
which `notify` queues after the commit for what is deliverable at once.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from .calendar import WorkingCalendar, calendar_for
from .errors import ApplicationError
from .models import EmailState, Notification, Project
from .queueing import enqueue_on_commit
from .roles import Role

logger = logging.getLogger(__name__)

# --- What each role is sent ---------------------------------------------------------

APP = "app"
EMAIL = "email"


class Topic:
    """The kinds of notification; callers may add their own codes."""

    DEADLINE_DUE_SOON = "deadline.due_soon"
    DEADLINE_OVERDUE = "deadline.overdue"
    DEADLINE_ESCALATED = "deadline.escalated"
    REPORT_READY = "report.ready"
    SUMMARY = "summary"
    IMPORTANT_CUSTOMER = "household.important"


_APP_ONLY = frozenset({APP})
_BOTH = frozenset({APP, EMAIL})

# Role -> topic -> channels. A user's channels for a topic are the union over
# their roles. Someone named on a deadline (its responsible person) always
# gets it in the app, whatever their roles say.
ROLE_CHANNELS: dict[str, dict[str, frozenset[str]]] = {
    Role.DESK: {
        Topic.DEADLINE_DUE_SOON: _APP_ONLY,
        Topic.DEADLINE_OVERDUE: _APP_ONLY,
        Topic.DEADLINE_ESCALATED: _APP_ONLY,
    },
    Role.BUTLER: {
        Topic.DEADLINE_DUE_SOON: _APP_ONLY,
        Topic.DEADLINE_OVERDUE: _BOTH,
        Topic.DEADLINE_ESCALATED: _BOTH,
    },
    Role.SUPERVISOR: {
        Topic.DEADLINE_OVERDUE: _APP_ONLY,
        Topic.DEADLINE_ESCALATED: _BOTH,
        Topic.REPORT_READY: _BOTH,
        Topic.SUMMARY: _BOTH,
    },
    Role.MANAGER: {
        Topic.IMPORTANT_CUSTOMER: _BOTH,
        Topic.DEADLINE_ESCALATED: _BOTH,
        Topic.REPORT_READY: _BOTH,
        Topic.SUMMARY: _BOTH,
    },
    Role.ENGINEERING: {Topic.DEADLINE_DUE_SOON: _APP_ONLY, Topic.DEADLINE_OVERDUE: _APP_ONLY},
    Role.CLEANING: {Topic.DEADLINE_DUE_SOON: _APP_ONLY, Topic.DEADLINE_OVERDUE: _APP_ONLY},
    Role.GREENING: {Topic.DEADLINE_DUE_SOON: _APP_ONLY, Topic.DEADLINE_OVERDUE: _APP_ONLY},
    Role.SECURITY: {Topic.DEADLINE_DUE_SOON: _APP_ONLY, Topic.DEADLINE_OVERDUE: _APP_ONLY},
    Role.CASHIER: {},
}


def channels_for(*, roles: Iterable[str], topic: str, named: bool = False) -> frozenset[str]:
    """The channels a user with `roles` is sent `topic` on."""
    channels: set[str] = set()
    for role in roles:
        channels |= ROLE_CHANNELS.get(role, {}).get(topic, frozenset())
    if named:
        channels.add(APP)
    return frozenset(channels)


def users_with_role(*, project: Project | int, role: str) -> QuerySet[Any]:
    """Active staff of a project holding a role (the target of an escalation)."""
    project_id = project if isinstance(project, int) else project.pk
    return (
        get_user_model()
        .objects.filter(is_active=True, groups__name=role, memberships__project_id=project_id)
        .distinct()
        .order_by("id")
    )


def told_text(notifications: Iterable[Notification], *, now: dt.datetime | None = None) -> str:
    """Who the notifications reach and when, in the active language: "张三、李四", or
    "张三 (at 12-02 08:30, when working time starts)" for a notice that waits for working time.
    Empty when nobody was told."""
    now = now or timezone.now()
    separator = "、" if (translation.get_language() or "").startswith("zh") else ", "
    parts = []
    for note in notifications:
        name = note.user.get_full_name() or note.user.get_username()
        if note.deliver_at > now:
            name += " " + _("(at %(at)s, when working time starts)") % {
                "at": timezone.localtime(note.deliver_at).strftime("%m-%d %H:%M")
            }
        parts.append(name)
    return separator.join(parts)


# --- Writes ---------------------------------------------------------------------------


def notify(
    *,
    user: Any,
    topic: str,
    title: str,
    body: str = "",
    url: str = "",
    project: Project | int | None = None,
    is_emergency: bool = False,
    named: bool = False,
    now: dt.datetime | None = None,
    calendar: WorkingCalendar | None = None,
    send_soon: bool = True,
    roles: Iterable[str] | None = None,
) -> Notification | None:
    """Notify one user, on the channels their roles choose; None if they get nothing.

    Call inside the transaction of the change it reports: the notification
    exists if and only if the change does. `named` marks the person the matter
    is about (they always get it in the app). With `send_soon`, an e-mail
    deliverable now is queued after the commit; the sweep passes False and
    sends its own right after. `roles` are the user's roles when the caller has them
    already (the sweep reads them once per run).
    """
    now = now or timezone.now()
    notification = notification_build(
        user=user,
        topic=topic,
        title=title,
        body=body,
        url=url,
        project=project,
        is_emergency=is_emergency,
        named=named,
        now=now,
        calendar=calendar,
        roles=roles,
    )
    if notification is None:
        return None
    notification.save()
    if (
        notification.email_state == EmailState.PENDING
        and send_soon
        and notification.deliver_at <= now
    ):
        # A head start only: the sweep e-mails whatever is still pending.
        enqueue_on_commit("frontdesk.core.tasks.send_notifications")
    return notification


def notification_build(
    *,
    user: Any,
    topic: str,
    title: str,
    body: str = "",
    url: str = "",
    project: Project | int | None = None,
    is_emergency: bool = False,
    named: bool = False,
    now: dt.datetime | None = None,
    calendar: WorkingCalendar | None = None,
    roles: Iterable[str] | None = None,
) -> Notification | None:
    """The notification `notify` would record, not saved yet (None if the user gets nothing):
    a caller notifying many people at once saves them with one `bulk_create`."""
    now = now or timezone.now()
    if roles is None:
        roles = user.groups.values_list("name", flat=True)
    channels = channels_for(roles=set(roles), topic=topic, named=named)
    if not channels:
        return None
    project_id = project if isinstance(project, int) or project is None else project.pk
    if is_emergency:
        deliver_at = now
    else:
        if calendar is None:
            calendar = calendar_for(project_id) if project_id else WorkingCalendar()
        deliver_at = calendar.next_working_moment(now)
    wants_email = EMAIL in channels and bool(user.email)
    return Notification(
        user=user,
        project_id=project_id,
        topic=topic,
        title=str(title)[:200],
        body=str(body),
        url=url,
        is_emergency=is_emergency,
        created_at=now,
        deliver_at=deliver_at,
        email_state=EmailState.PENDING if wants_email else EmailState.NONE,
    )


@transaction.atomic
def notification_mark_read(
    *, user: Any, notification_id: int, now: dt.datetime | None = None
) -> Notification:
    """Mark one of the user's own notifications read (another user's is not found)."""
    notification = (
        Notification.objects.select_for_update().filter(_own(user), pk=notification_id).first()
    )
    if notification is None:
        raise Notification.DoesNotExist
    if notification.read_at is None:
        notification.read_at = now or timezone.now()
        notification.save(update_fields=["read_at"])
    return notification


@transaction.atomic
def notification_mark_all_read(*, user: Any, now: dt.datetime | None = None) -> int:
    """Mark every delivered unread notification of the user read; returns how many."""
    now = now or timezone.now()
    return Notification.objects.filter(
        _own(user), read_at__isnull=True, deliver_at__lte=now
    ).update(read_at=now)


def notification_send_due(*, now: dt.datetime | None = None, batch: int = 100) -> int:
    """E-mail the notifications whose delivery time has come; returns how many were sent.

    Each batch is locked with SKIP LOCKED, so several workers share the work
    and no notification is e-mailed by two of them. A mail server error marks
    the notification failed (it stays in the app) and is logged.
    """
    now = now or timezone.now()
    sent = 0
    while True:
        with transaction.atomic():
            rows = list(
                Notification.objects.select_for_update(skip_locked=True, of=("self",))
                .filter(email_state=EmailState.PENDING, deliver_at__lte=now)
                .select_related("user")
                .order_by("deliver_at", "id")[:batch]
            )
            for notification in rows:
                _email(notification, now)
                sent += notification.email_state == EmailState.SENT
            Notification.objects.bulk_update(rows, ["email_state", "emailed_at"])
        if len(rows) < batch:
            return sent


def _email(notification: Notification, now: dt.datetime) -> None:
    body = notification.body
    if notification.url:
        body = f"{body}\n\n{getattr(settings, 'SITE_URL', '')}{notification.url}".strip()
    message = EmailMessage(subject=notification.title, body=body, to=[notification.user.email])
    try:
        message.send()
    except Exception:  # a mail server's refusal must not stop the other notifications
        logger.exception("E-mail of notification %s failed", notification.pk)
        notification.email_state = EmailState.FAILED
    else:
        notification.email_state = EmailState.SENT
        notification.emailed_at = now


# --- Reads ----------------------------------------------------------------------------


def _own(user: Any) -> Q:
    """The user's own notifications about the projects they work in now (or about none).

    A subquery, not a list of ids, so that the bell still costs one query; a
    notification about a project the user has left stays hidden from them.
    """
    if getattr(user, "is_superuser", False):
        current = Project.objects.filter(is_active=True)
    else:
        current = Project.objects.filter(memberships__user=user, is_active=True)
    return Q(user=user) & (Q(project__isnull=True) | Q(project__in=current.values("id")))


def notification_list(*, user: Any, now: dt.datetime | None = None) -> QuerySet[Notification]:
    """The user's delivered notifications, newest first: only their own, and only about the
    projects they work in now."""
    now = now or timezone.now()
    return Notification.objects.filter(_own(user), deliver_at__lte=now).order_by(
        "-deliver_at", "-id"
    )


def notification_unread_count(*, user: Any, now: dt.datetime | None = None) -> int:
    if not user.is_authenticated:
        return 0
    return notification_list(user=user, now=now).filter(read_at__isnull=True).count()


__all__ = [
    "ApplicationError",
    "Topic",
    "channels_for",
    "notification_list",
    "notification_build",
    "notification_mark_all_read",
    "notification_mark_read",
    "notification_send_due",
    "notification_unread_count",
    "notify",
    "users_with_role",
]
