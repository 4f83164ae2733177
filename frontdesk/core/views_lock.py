"""The screen lock: the clerk locks the desk's screen and unlocks it with their password.

While locked, `SessionGuardMiddleware` refuses every other page; only the
unlock page, log out and the language switch answer.
"""

from __future__ import annotations

import time
from urllib.parse import urlencode

from django import forms
from django.contrib import auth
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from .middleware import LAST_SEEN, LOCKED


class UnlockForm(forms.Form):
    password = forms.CharField(
        label=gettext_lazy("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password", "autofocus": True}),
    )


def _next(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return ""


@require_POST
@login_required
def lock(request: HttpRequest) -> HttpResponse:
    """Lock the screen (the top bar's button, or the browser after a while without activity)."""
    request.session[LOCKED] = True
    target = _next(request)
    unlock_url = reverse("unlock")
    return redirect(f"{unlock_url}?{urlencode({'next': target})}" if target else unlock_url)


@login_required
def unlock(request: HttpRequest) -> HttpResponse:
    """Ask the locked session's owner for their password; anyone else may only log out."""
    if not request.session.get(LOCKED):
        return redirect(_next(request) or "home")
    form = UnlockForm(request.POST if request.method == "POST" else None)
    if form.is_valid():
        try:
            # Through the login's own backends: wrong passwords count towards the
            # account's lock-out (django-axes), as on the login page.
            user = auth.authenticate(
                request,
                username=request.user.get_username(),
                password=form.cleaned_data["password"],
            )
        except PermissionDenied:
            user = None
        if user is not None and user.pk == request.user.pk:
            del request.session[LOCKED]
            request.session[LAST_SEEN] = int(time.time())
            request.session.cycle_key()
            return redirect(_next(request) or "home")
        if getattr(request, "axes_locked_out", False):
            auth.logout(request)
            return redirect("login")
        form.add_error("password", _("Wrong password."))
    return render(
        request,
        "registration/unlock.html",
        {"form": form, "next": _next(request), "screen_locked": True},
    )
