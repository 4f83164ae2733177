"""A write submitted twice is done once: `Idempotency-Key` on the API, a one-time form token.

API: a POST, PUT or PATCH under /api/ with an `Idempotency-Key` header (any
client-chosen string up to 255 characters, a UUID is typical) is done once per
caller and key. A repeat within `IDEMPOTENCY_HOURS` answers the first
response again, with `Idempotent-Replayed: true`; a repeat while the first is
still running answers 409; the same key with another request body answers
422. Only a success (2xx) is kept: after a refusal or a failure nothing was
written, and a retry with the same key is checked and done afresh.

Pages: `{% form_token %}` puts a one-time token in a form. A second submit of
the same token (a double click, a reload of the POST) gets the redirect of the
first: the clerk lands on the order that was registered, and only one exists.
A submit that did not succeed (the form came back with errors) frees its token.

The caller is told apart by its credentials (the Authorization header or the
session cookie, hashed), so one client cannot replay another's response.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import time
from collections.abc import Callable

from django.conf import settings
from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import Submission, SubmissionState

HEADER = "Idempotency-Key"
FORM_FIELD = "form_token"
WRITE_METHODS = {"POST", "PUT", "PATCH"}
# How long a form's repeat waits for the first submit to finish before answering.
FORM_WAIT_SECONDS = 10.0


def _hours() -> int:
    return int(getattr(settings, "IDEMPOTENCY_HOURS", 24))


def _principal(request: HttpRequest) -> str:
    credential = request.headers.get("Authorization") or request.COOKIES.get(
        settings.SESSION_COOKIE_NAME, ""
    )
    return hashlib.sha256(credential.encode()).hexdigest() if credential else ""


def _fingerprint(request: HttpRequest, body: bytes) -> str:
    digest = hashlib.sha256(f"{request.method} {request.path}\n".encode())
    digest.update(body)
    return digest.hexdigest()


def submissions_forget(*, now: dt.datetime | None = None) -> int:
    """Delete the remembered writes older than IDEMPOTENCY_HOURS; return how many."""
    now = now or timezone.now()
    deleted, _ = Submission.objects.filter(
        created_at__lt=now - dt.timedelta(hours=_hours())
    ).delete()
    return deleted


def _claim(principal: str, key: str, fingerprint: str) -> tuple[Submission, bool]:
    """(the submission, True if this request is the first and must do the work)."""
    Submission.objects.filter(
        principal=principal, key=key, created_at__lt=timezone.now() - dt.timedelta(hours=_hours())
    ).delete()
    try:
        with transaction.atomic():
            return (
                Submission.objects.create(principal=principal, key=key, fingerprint=fingerprint),
                True,
            )
    except IntegrityError:
        return Submission.objects.get(principal=principal, key=key), False


def _keep(submission: Submission, response: HttpResponse) -> None:
    submission.state = SubmissionState.DONE
    submission.status_code = response.status_code
    submission.content_type = response.get("Content-Type", "")
    submission.location = response.get("Location", "")
    submission.body = b"" if response.streaming else response.content
    submission.save(update_fields=["state", "status_code", "content_type", "location", "body"])


def _replay(submission: Submission) -> HttpResponse:
    response = HttpResponse(
        bytes(submission.body),
        status=submission.status_code or 200,
        content_type=submission.content_type or None,
    )
    if submission.location:
        response["Location"] = submission.location
    response["Idempotent-Replayed"] = "true"
    return response


def idempotency_middleware(
    get_response: Callable[[HttpRequest], HttpResponse],
) -> Callable[[HttpRequest], HttpResponse]:
    """Place after the CSRF and authentication middleware."""

    def middleware(request: HttpRequest) -> HttpResponse:
        if request.method not in WRITE_METHODS:
            return get_response(request)
        principal = _principal(request)
        if request.path.startswith("/api/"):
            key = request.headers.get(HEADER)
            if key is None or not principal:
                return get_response(request)
            return _api(request, get_response, principal, key)
        if not principal:
            return get_response(request)
        token = request.POST.get(FORM_FIELD) if request.content_type in FORM_TYPES else None
        if not token:
            return get_response(request)
        return _form(request, get_response, principal, token)

    return middleware


FORM_TYPES = {"application/x-www-form-urlencoded", "multipart/form-data"}


def _api(
    request: HttpRequest,
    get_response: Callable[[HttpRequest], HttpResponse],
    principal: str,
    key: str,
) -> HttpResponse:
    if not key.strip() or len(key) > 255:
        return JsonResponse(
            {HEADER: [_("Give a key of 1 to 255 characters, such as a UUID.")]}, status=400
        )
    submission, first = _claim(principal, key, _fingerprint(request, request.body))
    if not first:
        if submission.fingerprint != _fingerprint(request, request.body):
            return JsonResponse(
                {HEADER: [_("This key was used for another request; use a new key.")]},
                status=422,
            )
        if submission.state == SubmissionState.PENDING:
            return JsonResponse(
                {HEADER: [_("The first request with this key is still running; retry shortly.")]},
                status=409,
            )
        return _replay(submission)
    return _run(submission, request, get_response, keep=lambda r: 200 <= r.status_code < 300)


def _form(
    request: HttpRequest,
    get_response: Callable[[HttpRequest], HttpResponse],
    principal: str,
    token: str,
) -> HttpResponse:
    submission, first = _claim(principal, token[:255], _fingerprint(request, b""))
    if first:
        return _run(submission, request, get_response, keep=lambda r: 300 <= r.status_code < 400)
    deadline = time.monotonic() + FORM_WAIT_SECONDS
    while submission.state == SubmissionState.PENDING and time.monotonic() < deadline:
        time.sleep(0.1)
        refreshed = Submission.objects.filter(pk=submission.pk).first()
        if refreshed is None:  # the first submit failed and freed the token: do the work
            return get_response(request)
        submission = refreshed
    if submission.state == SubmissionState.DONE and submission.location:
        return HttpResponseRedirect(submission.location)
    return get_response(request)


def _run(
    submission: Submission,
    request: HttpRequest,
    get_response: Callable[[HttpRequest], HttpResponse],
    *,
    keep: Callable[[HttpResponse], bool],
) -> HttpResponse:
    try:
        response = get_response(request)
    except BaseException:
        Submission.objects.filter(pk=submission.pk).delete()
        raise
    if keep(response):
        _keep(submission, response)
    else:
        Submission.objects.filter(pk=submission.pk).delete()
    return response
