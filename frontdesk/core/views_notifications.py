"""The bell: the unread count in the top bar (an htmx fragment), the list, mark as read."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_POST

from .filtersets import NotificationFilterSet
from .models import Notification
from .notifications import (
    notification_list,
    notification_mark_all_read,
    notification_mark_read,
    notification_unread_count,
)

PAGE_SIZE = 30


@require_GET
@login_required
def bell(request: HttpRequest) -> HttpResponse:
    """The bell with the number of unread notifications (loaded and refreshed by htmx).

    Every open page asks for it every minute: rendered without the desk's
    context processors, it costs the session, the user and one count.
    """
    unread = notification_unread_count(user=request.user)
    return HttpResponse(render_to_string("core/notifications/_bell.html", {"unread": unread}))


@require_GET
@login_required
def notifications(request: HttpRequest) -> HttpResponse:
    """The user's notifications, newest first, with mark-as-read."""
    filterset = NotificationFilterSet(
        request.GET, queryset=notification_list(user=request.user), request=request
    )
    page = Paginator(filterset.qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "core/notifications/list.html",
        {
            "filterset": filterset,
            "page": page,
            "unread": notification_unread_count(user=request.user),
        },
    )


@require_POST
@login_required
def read(request: HttpRequest, pk: int) -> HttpResponse:
    """Mark one notification read; with `open`, go on to what it is about."""
    try:
        notification = notification_mark_read(user=request.user, notification_id=pk)
    except Notification.DoesNotExist as missing:
        raise Http404 from missing
    if "open" in request.POST and notification.url:
        return redirect(_safe(request, notification.url))
    return redirect(_safe(request, request.POST.get("next", "")))


@require_POST
@login_required
def read_all(request: HttpRequest) -> HttpResponse:
    notification_mark_all_read(user=request.user)
    return redirect(_safe(request, request.POST.get("next", "")))


def _safe(request: HttpRequest, target: str) -> str:
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return reverse("notifications")
