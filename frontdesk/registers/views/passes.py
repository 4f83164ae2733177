"""Pages of the item release passes: issue at the desk, the list, one pass, the gate's check.

Thin: parse with the forms, call a service or selector, render. A refused
request shows the service's messages as form errors; at the gate, a refusal is
a big REFUSED with the reason, and nothing is written.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from frontdesk.core.errors import ApplicationError
from frontdesk.core.household_flags import household_flags
from frontdesk.core.masking import id_number_for, phone_for
from frontdesk.core.models import Project
from frontdesk.core.pdf import pdf_bytes_response
from frontdesk.core.roles import Role, has_role
from frontdesk.core.scoping import projects_for
from residents.models import Household
from residents.selectors import household_list

from ..filtersets.passes import CardWorkFilterSet, ReleasePassFilterSet, TemporaryPassFilterSet
from ..forms.passes import (
    CardWorkForm,
    ReleasePassForm,
    TemporaryPassCloseForm,
    TemporaryPassForm,
    VerifyForm,
    VoidForm,
)
from ..models.passes import ReleasePass
from ..printing.passes import print_release_pass
from ..selectors import passes as selectors
from ..services import passes as services
from ..transitions import allowed, may
from ..transitions.passes import CARD_WORK, RELEASE_PASS, TEMPORARY_PASS
from ._common import int_or_none

LIST_LIMIT = 200
# The gate remembered between checks on one guard's phone.
GATE_SESSION_KEY = "registers.passes.gate"


def _only(projects: list[tuple[int, str]]) -> int | None:
    """The user's only project; None for a user of several (they choose)."""
    return projects[0][0] if len(projects) == 1 else None


def _staff(request: HttpRequest) -> None:
    if not has_role(request.user, *Role.values):
        raise PermissionDenied


def _household(request: HttpRequest, household_id: int | None) -> Household | None:
    if household_id is None:
        return None
    return (
        household_list(user=request.user)
        .select_related("unit__building", "project")
        .prefetch_related("persons")
        .filter(pk=household_id)
        .first()
    )


def _pass(request: HttpRequest, pk: int) -> ReleasePass:
    found = selectors.release_pass_list(user=request.user).filter(pk=pk).first()
    if found is None:
        raise Http404(_("No such item release pass."))
    return found


def _input(form: ReleasePassForm) -> services.PassInput:
    data = form.cleaned_data
    return services.PassInput(
        carrier_name=data["carrier_name"],
        carrier_phone=data["carrier_phone"],
        carrier_id_number=data["carrier_id_number"],
        goods=data["goods"],
        quantity=data["quantity"],
        valid_from=data["valid_from"],
        valid_until=data["valid_until"],
        gate=data["gate"],
        confirmed_by=data["confirmed_by"],
        confirmed_via=data["confirmed_via"],
        confirmed_at=data["confirmed_at"],
    )


@login_required
def pass_list(request: HttpRequest) -> HttpResponse:
    """The passes of the user's projects, filtered as `/api/v1/passes/` filters them."""
    _staff(request)
    filterset = ReleasePassFilterSet(
        request.GET or None,
        queryset=selectors.release_pass_list(user=request.user),
        request=request,
    )
    rows = list(filterset.qs[:LIST_LIMIT]) if filterset.is_valid() else []
    return render(
        request,
        "registers/passes/list.html",
        {
            "filter": filterset,
            "rows": rows,
            "today": timezone.localdate(),
            "may_issue": may(request.user, RELEASE_PASS, "issue"),
            "may_verify": may(request.user, RELEASE_PASS, "verify"),
        },
    )


@login_required
def pass_issue(request: HttpRequest) -> HttpResponse:
    """The desk's form: pick the household with the search box, then the goods and the person."""
    if not may(request.user, RELEASE_PASS, "issue"):
        raise PermissionDenied
    projects = [(p.pk, p.name) for p in projects_for(request.user)]
    if not projects:
        raise PermissionDenied
    source = request.POST if request.method == "POST" else request.GET
    household = _household(request, int_or_none(source.get("household")))
    project_id = household.project_id if household else _only(projects)
    initial = {"project": project_id, "valid_from": timezone.localdate(), "quantity": 1}
    if request.method == "POST":
        form = ReleasePassForm(request.POST, projects=projects, initial=initial)
        if form.is_valid():
            if household is None:
                form.add_error(None, _("Pick the household with the search box first."))
            else:
                try:
                    release_pass = services.release_pass_issue(
                        project=Project.objects.get(pk=household.project_id),
                        household=household,
                        by=request.user,
                        data=_input(form),
                    )
                except ApplicationError as error:
                    error.apply_to_form(form)
                else:
                    messages.success(
                        request,
                        _("Pass %(number)s issued.") % {"number": release_pass.number},
                    )
                    return redirect("registers:passes-detail", pk=release_pass.pk)
    else:
        form = ReleasePassForm(projects=projects, initial=initial)
    people = []
    if household is not None:
        people = [
            (person, phone_for(request.user, person.phone))
            for person in household.persons.all()
            if person.is_active
        ]
    return render(
        request,
        "registers/passes/issue.html",
        {
            "form": form,
            "household": household,
            "people": people,
            "flags": household_flags(household.pk, user=request.user) if household else [],
        },
    )


@login_required
def pass_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One pass: what leaves, who takes it, its check at the gate; print and void buttons."""
    _staff(request)
    release_pass = _pass(request, pk)
    void_form = VoidForm(request.POST or None)
    if request.method == "POST":
        if void_form.is_valid():
            try:
                services.release_pass_void(
                    release_pass=release_pass,
                    by=request.user,
                    reason=void_form.cleaned_data["reason"],
                )
            except ApplicationError as error:
                error.apply_to_form(void_form)
            else:
                messages.success(request, _("The pass is voided."))
                return redirect("registers:passes-detail", pk=release_pass.pk)
    return render(
        request,
        "registers/passes/detail.html",
        {
            "p": release_pass,
            "phone": phone_for(request.user, release_pass.carrier_phone),
            "id_number": id_number_for(request.user, release_pass.carrier_id_number),
            "actions": allowed(release_pass, RELEASE_PASS, request.user),
            "refusal": services.refusal(release_pass, timezone.localdate()),
            "void_form": void_form,
        },
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def pass_print(request: HttpRequest, pk: int) -> HttpResponse:
    """The pass as a PDF: a POST is the print action (counted), a GET a preview (not counted)."""
    _staff(request)
    release_pass = _pass(request, pk)
    counted = request.method == "POST"
    try:
        pdf = print_release_pass(release_pass, by=request.user, request=request, counted=counted)
    except ApplicationError as error:
        messages.error(request, str(error))
        return redirect("registers:passes-detail", pk=release_pass.pk)
    return pdf_bytes_response(
        pdf,
        filename=f"{release_pass.number}.pdf",
        attachment=request.GET.get("download") == "1",
    )


def _gate_lookup(request: HttpRequest, typed: str) -> tuple[ReleasePass | None, str | None]:
    """The pass a typed number or a scanned code names, or the reason there is none."""
    typed = (typed or "").strip()
    number = typed
    if ":" in typed:
        number = selectors.number_from_code(typed) or ""
        if not number:
            return None, _("This code was not printed by the desk: do not let the goods out.")
    found = selectors.release_pass_by_number(user=request.user, number=number)
    if found is None:
        return None, _("No pass with this number in your projects.")
    return found, None


@login_required
def gate(request: HttpRequest) -> HttpResponse:
    """The gate's check on a guard's phone: type or scan the number, get VALID or REFUSED.

    Opening the page from the printed QR code shows the pass and its state; only the
    guard's "Let out" (a POST) marks it used.
    """
    if not may(request.user, RELEASE_PASS, "verify"):
        raise PermissionDenied
    gate_name = request.session.get(GATE_SESSION_KEY, "")
    result: str | None = None
    reason: str | None = None
    release_pass: ReleasePass | None = None
    if request.method == "POST":
        form = VerifyForm(request.POST)
        if form.is_valid():
            request.session[GATE_SESSION_KEY] = form.cleaned_data["gate"]
            release_pass, reason = _gate_lookup(request, form.cleaned_data["number"])
            if release_pass is not None:
                try:
                    release_pass = services.release_pass_verify(
                        release_pass=release_pass,
                        by=request.user,
                        gate=form.cleaned_data["gate"],
                    )
                except ApplicationError as error:
                    reason = " ".join(m for ms in error.fields.values() for m in ms)
                    release_pass = _pass(request, release_pass.pk)
            result = "refused" if reason else "valid"
            if result == "valid":
                form = VerifyForm(initial={"gate": form.cleaned_data["gate"]})
    else:
        code = request.GET.get("code") or request.GET.get("number") or ""
        form = VerifyForm(initial={"number": code, "gate": gate_name})
        if code:
            release_pass, reason = _gate_lookup(request, code)
            if release_pass is not None:
                reason = services.refusal(release_pass, timezone.localdate())
                result = "refused" if reason else "pending"
            else:
                result = "refused"
    return render(
        request,
        "registers/passes/gate.html",
        {"form": form, "result": result, "reason": reason, "p": release_pass},
    )


# --- Temporary passes and card work -------------------------------------------------------------


@login_required
def temporary_passes(request: HttpRequest) -> HttpResponse:
    """Temporary passes out and past, with the form to lend one (household picked optionally)."""
    _staff(request)
    projects = [(p.pk, p.name) for p in projects_for(request.user)]
    if not projects:
        raise PermissionDenied
    may_issue = may(request.user, TEMPORARY_PASS, "issue")
    source = request.POST if request.method == "POST" else request.GET
    household = _household(request, int_or_none(source.get("household")))
    today = timezone.localdate()
    initial = {
        "project": household.project_id if household else _only(projects),
        "valid_from": today,
        "valid_until": today,
    }
    form = TemporaryPassForm(
        request.POST if request.method == "POST" else None, projects=projects, initial=initial
    )
    if request.method == "POST":
        if not may_issue:
            raise PermissionDenied
        if form.is_valid():
            data = form.cleaned_data
            try:
                project_id = household.project_id if household else data["project"]
                temporary_pass = services.temporary_pass_issue(
                    project=Project.objects.get(pk=project_id),
                    by=request.user,
                    data=services.TemporaryPassInput(
                        holder_kind=data["holder_kind"],
                        holder_name=data["holder_name"],
                        holder_phone=data["holder_phone"],
                        holder_id_number=data["holder_id_number"],
                        household=household,
                        company=data["company"],
                        valid_from=data["valid_from"],
                        valid_until=data["valid_until"],
                        deposit=data["deposit"],
                        fee=data["fee"],
                        note=data["note"],
                    ),
                )
            except ApplicationError as error:
                error.apply_to_form(form)
            else:
                messages.success(
                    request,
                    _("Temporary pass %(number)s issued.") % {"number": temporary_pass.number},
                )
                return redirect("registers:temporary-pass", pk=temporary_pass.pk)
    filterset = TemporaryPassFilterSet(
        request.GET if request.method == "GET" else None,
        queryset=selectors.temporary_pass_list(user=request.user),
        request=request,
    )
    rows = list(filterset.qs[:LIST_LIMIT]) if filterset.is_valid() else []
    return render(
        request,
        "registers/passes/temporary.html",
        {
            "form": form,
            "household": household,
            "filter": filterset,
            "rows": rows,
            "today": today,
            "may_issue": may_issue,
        },
    )


@login_required
def temporary_pass_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One temporary pass: who holds it, until when; take it back or record it lost."""
    _staff(request)
    temporary_pass = selectors.temporary_pass_list(user=request.user).filter(pk=pk).first()
    if temporary_pass is None:
        raise Http404(_("No such temporary pass."))
    form = TemporaryPassCloseForm(request.POST or None, initial={"deposit_returned": True})
    if request.method == "POST" and form.is_valid():
        try:
            if form.cleaned_data["action"] == "return":
                services.temporary_pass_return(
                    temporary_pass=temporary_pass,
                    by=request.user,
                    deposit_returned=form.cleaned_data["deposit_returned"],
                )
            else:
                services.temporary_pass_lose(
                    temporary_pass=temporary_pass,
                    by=request.user,
                    note=form.cleaned_data["note"],
                )
        except ApplicationError as error:
            error.apply_to_form(form)
        else:
            messages.success(request, _("Recorded."))
            return redirect("registers:temporary-pass", pk=temporary_pass.pk)
    return render(
        request,
        "registers/passes/temporary_detail.html",
        {
            "p": temporary_pass,
            "phone": phone_for(request.user, temporary_pass.holder_phone),
            "id_number": id_number_for(request.user, temporary_pass.holder_id_number),
            "actions": allowed(temporary_pass, TEMPORARY_PASS, request.user),
            "form": form,
            "today": timezone.localdate(),
        },
    )


@login_required
def card_work(request: HttpRequest) -> HttpResponse:
    """The desk's card work: pick the household, then its card and what is done with it."""
    _staff(request)
    may_record = may(request.user, CARD_WORK, "record")
    source = request.POST if request.method == "POST" else request.GET
    household = _household(request, int_or_none(source.get("household")))
    cards = list(household.cards.order_by("id")) if household else []
    choices = [
        (c.pk, f"{c.get_kind_display()} {c.number} · {c.get_status_display()}") for c in cards
    ]
    form = CardWorkForm(request.POST if request.method == "POST" else None, cards=choices)
    if request.method == "POST":
        if not may_record:
            raise PermissionDenied
        if household is None:
            form.add_error(None, _("Pick the household with the search box first."))
        elif form.is_valid():
            card = next(c for c in cards if c.pk == form.cleaned_data["card"])
            try:
                services.card_work_record(
                    card=card,
                    kind=form.cleaned_data["kind"],
                    by=request.user,
                    fee=form.cleaned_data["fee"],
                    new_number=form.cleaned_data["new_number"],
                    note=form.cleaned_data["note"],
                )
            except ApplicationError as error:
                error.apply_to_form(form)
            else:
                messages.success(request, _("Recorded."))
                return redirect(f"{request.path}?household={household.pk}")
    filterset = CardWorkFilterSet(
        request.GET if request.method == "GET" else None,
        queryset=selectors.card_work_list(user=request.user),
        request=request,
    )
    rows = list(filterset.qs[:LIST_LIMIT]) if filterset.is_valid() else []
    return render(
        request,
        "registers/passes/card_work.html",
        {
            "form": form,
            "household": household,
            "filter": filterset,
            "rows": rows,
            "may_record": may_record,
        },
    )


urlpatterns = [
    path("passes/", pass_list, name="passes"),
    path("passes/new/", pass_issue, name="passes-new"),
    path("passes/gate/", gate, name="passes-gate"),
    path("passes/<int:pk>/", pass_detail, name="passes-detail"),
    path("passes/<int:pk>/print/", pass_print, name="passes-print"),
    path("temporary-passes/", temporary_passes, name="temporary-passes"),
    path("temporary-passes/<int:pk>/", temporary_pass_detail, name="temporary-pass"),
    path("card-work/", card_work, name="card-work"),
]
