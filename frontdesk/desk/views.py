"""The desk's pages: the duty log, shifts and handovers, the supervisor's reviews.

Thin: parse with the forms, call a service or selector, render. A refused
request shows the service's messages as form errors.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from frontdesk.core.errors import ApplicationError
from frontdesk.core.household_flags import flags_for, household_flags
from frontdesk.core.masking import phone_for
from frontdesk.core.models import Project
from frontdesk.core.pdf import pdf_response
from frontdesk.core.roles import Role, has_role, user_roles
from frontdesk.core.scoping import projects_for
from residents.models import Household
from residents.selectors import household_list, household_search
from tickets.choices import Department
from tickets.selectors import complaints_open_for

from . import selectors, services
from .choices import ReviewKind
from .filtersets import DutyLogEntryFilterSet, IncidentFilterSet, TrackingFilterSet
from .forms import (
    CloseShiftForm,
    EntryForm,
    ExchangeForm,
    IncidentForm,
    IncidentLinkForm,
    IncidentStepForm,
    InstructionForm,
    NoteForm,
    OpenOrderForm,
    OutcomeForm,
    PostRecordForm,
    ProblemForm,
    ShiftForm,
    SignForm,
    SlipForm,
    TrackingCheckForm,
    TrackingForm,
)
from .models import DutyLogEntry, Incident, PostRecord, Ring
from .transitions import REVIEW_RECORD, allowed

DESK_ROLES = tuple(Role.values)


def _desk_staff(request: HttpRequest) -> None:
    if not has_role(request.user, *DESK_ROLES):
        raise PermissionDenied


def _int(value: Any) -> int | None:
    try:
        number = int(value)
    except (TypeError, ValueError):
        return None
    return number if 0 < number < 2**63 else None


def _day(value: Any) -> dt.date:
    parsed = parse_date(value) if isinstance(value, str) else None
    return parsed or timezone.localdate()


def _project_choices(request: HttpRequest) -> list[tuple[int, str]]:
    return [(p.pk, p.name) for p in projects_for(request.user)]


def _household(request: HttpRequest, household_id: int | None) -> Household | None:
    if household_id is None:
        return None
    return (
        household_list(user=request.user)
        .select_related("unit__building")
        .prefetch_related("persons")
        .filter(pk=household_id)
        .first()
    )


def _user(pk: int | None) -> Any:
    if pk is None:
        return None
    return get_user_model().objects.filter(pk=pk, is_active=True).first()


def _entry(request: HttpRequest, pk: int) -> DutyLogEntry:
    try:
        return selectors.entry_detail(user=request.user, entry_id=pk)
    except DutyLogEntry.DoesNotExist:
        raise Http404(_("No such duty-log entry.")) from None


def _entry_input(form: EntryForm, household: Household | None) -> services.EntryInput:
    data = form.cleaned_data
    return services.EntryInput(
        channel=data["channel"],
        kind=data["kind"],
        matter=data["matter"],
        caller_name=data["caller_name"],
        caller_phone=data["caller_phone"],
        household=household,
        place=data["place"],
        assigned_to=_user(data["assigned_to"]),
        answered_on_spot=data["answered_on_spot"],
        promise=data["promise"],
        promise_due_at=data["promise_due_at"],
        promise_by=_user(data["promise_by"]),
    )


# --- Duty log ----------------------------------------------------------------------------


@login_required
def duty_log(request: HttpRequest) -> HttpResponse:
    """The day's duty log (emergencies first) with the quick entry form above it.

    `?household=<id>` prefills the household picked with the search box;
    `?corrects=<id>` turns the form into the correction of that entry.
    """
    _desk_staff(request)
    projects = _project_choices(request)
    if not projects:
        raise PermissionDenied
    source = request.POST if request.method == "POST" else request.GET
    household = _household(request, _int(source.get("household")))
    corrects = (
        _entry(request, _int(source.get("corrects")) or 0) if source.get("corrects") else None
    )
    project_id = _int(source.get("project")) or (
        household.project_id if household else (corrects.project_id if corrects else projects[0][0])
    )
    if project_id not in dict(projects):
        project_id = projects[0][0]
    initial: dict[str, Any] = {"project": project_id, "channel": "phone", "kind": "consultation"}
    ring = (
        Ring.objects.filter(pk=_int(source.get("ring")) or 0, clerk_id=request.user.pk).first()
        if source.get("ring")
        else None
    )
    if ring is not None:
        initial.update({"ring": ring.pk, "caller_phone": ring.number, "project": ring.project_id})
    if corrects is not None:
        initial.update(
            {
                "project": corrects.project_id,
                "channel": corrects.channel,
                "kind": corrects.kind,
                "caller_name": corrects.caller_name,
                "caller_phone": corrects.caller_phone,
                "place": corrects.place,
                "matter": corrects.matter,
                "answered_on_spot": corrects.answered_on_spot,
                "promise": corrects.promise,
            }
        )
        household = household or corrects.household
    form_kwargs = {"projects": projects, "project_id": project_id, "initial": initial}
    if request.method == "POST":
        form = EntryForm(request.POST, **form_kwargs)
        if form.is_valid():
            if source.get("household") and household is None:
                form.add_error(None, _("This household is not in your projects."))
            else:
                try:
                    project = Project.objects.get(pk=form.cleaned_data["project"])
                    data = _entry_input(form, household)
                    if corrects is not None:
                        entry = services.entry_correct(
                            entry=corrects,
                            by=request.user,
                            reason=form.cleaned_data["reason"],
                            data=data,
                        )
                        messages.success(request, _("The correction is recorded."))
                        return redirect("desk:entry", pk=entry.pk)
                    entry = services.entry_record(
                        project=project, by=request.user, data=data, ring=ring
                    )
                except ApplicationError as error:
                    error.apply_to_form(form)
                else:
                    messages.success(request, _("Recorded in the duty log."))
                    return redirect(f"{request.path}?project={project.pk}")
    else:
        form = EntryForm(**form_kwargs)
    day = _day(request.GET.get("date"))
    base = selectors.entry_list(user=request.user).filter(project_id=project_id)
    query = request.GET.copy()
    query["date"] = day.isoformat()
    filterset = DutyLogEntryFilterSet(query, queryset=base, request=request)
    rows = list(selectors.emergencies_first(filterset.qs)[:200]) if filterset.is_valid() else []
    callbacks = list(
        selectors.callbacks_of_day(user=request.user, project_id=project_id, day=day)[:200]
    )
    contact = next(iter(household.persons.all()), None) if household else None
    return render(
        request,
        "desk/duty_log.html",
        {
            "form": form,
            "household": household,
            "flags": household_flags(household.pk, user=request.user) if household else [],
            "contact": contact,
            "contact_phone": phone_for(request.user, contact.phone) if contact else "",
            "corrects": corrects,
            "rows": [(row, phone_for(request.user, row.caller_phone)) for row in rows],
            "callbacks": callbacks,
            "day": day,
            "project_id": project_id,
            "filter": filterset,
            "waiting": selectors.handovers_to_acknowledge(user=request.user).first(),
            "ring": ring,
        },
    )


@login_required
def household_pick(request: HttpRequest) -> HttpResponse:
    """The search box's results as links that put the household on the duty-log form (htmx)."""
    _desk_staff(request)
    q = (request.GET.get("q") or "").strip()
    rows = []
    found = list(household_search(user=request.user, q=q)) if q else []
    flags = flags_for((h.pk for h in found), user=request.user)
    for household in found:
        contact = next(iter(household.persons.all()), None)
        phone = phone_for(request.user, contact.phone) if contact else ""
        rows.append((household, contact, phone, flags[household.pk]))
    return render(request, "desk/_pick_results.html", {"rows": rows, "q": q})


@login_required
def entry_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One entry with its follow-ups, the order opened from it, and its next steps."""
    _desk_staff(request)
    entry = _entry(request, pk)
    forms = {
        "answer": NoteForm(prefix="answer"),
        "follow_up": NoteForm(prefix="follow"),
        "comment": NoteForm(prefix="comment"),
        "slip": SlipForm(prefix="slip"),
        "open_order": OpenOrderForm(
            prefix="order",
            initial={"kind": "complaint" if entry.kind == "complaint" else "repair"},
        ),
    }
    if request.method == "POST":
        action = request.POST.get("action", "")
        try:
            if action in ("answer", "follow_up", "comment"):
                prefix = {"answer": "answer", "follow_up": "follow", "comment": "comment"}[action]
                form = NoteForm(request.POST, prefix=prefix)
                forms[action] = form
                if form.is_valid():
                    run = {
                        "answer": services.entry_answer,
                        "follow_up": services.entry_follow_up,
                        "comment": services.entry_comment,
                    }[action]
                    run(entry=entry, by=request.user, note=form.cleaned_data["note"])
                    return redirect("desk:entry", pk=entry.pk)
            elif action == "slip":
                form = SlipForm(request.POST, prefix="slip")
                forms["slip"] = form
                if form.is_valid():
                    services.entry_promise_slip(entry=entry, by=request.user, **form.cleaned_data)
                    return redirect("desk:entry", pk=entry.pk)
            elif action == "open_order":
                form = OpenOrderForm(request.POST, prefix="order")
                forms["open_order"] = form
                if form.is_valid():
                    ticket = services.entry_open_order(
                        entry=entry,
                        by=request.user,
                        kind=form.cleaned_data["kind"],
                        complaint=form.complaint(),
                    )
                    messages.success(
                        request,
                        _("Registered %(serial)s. Tell the resident the serial number.")
                        % {"serial": ticket.serial},
                    )
                    return redirect("desk:entry", pk=entry.pk)
        except ApplicationError as error:
            target = forms.get(action)
            if target is not None:
                error.apply_to_form(target)
            else:
                for message_list in error.fields.values():
                    for message in message_list:
                        messages.error(request, message)
    return render(
        request,
        "desk/entry.html",
        {
            "entry": entry,
            "caller_phone": phone_for(request.user, entry.caller_phone),
            "actions": allowed(entry, "entry", request.user),
            "forms": forms,
        },
    )


# --- Shifts and handovers ----------------------------------------------------------------


@login_required
def shifts(request: HttpRequest) -> HttpResponse:
    """The roster of the desk's shifts, with planning for the supervisor."""
    _desk_staff(request)
    projects = _project_choices(request)
    if not projects:
        raise PermissionDenied
    project_id = _int(request.GET.get("project") or request.POST.get("project")) or projects[0][0]
    if project_id not in dict(projects):
        raise Http404
    form = ShiftForm(request.POST or None, project_id=project_id)
    if request.method == "POST" and form.is_valid():
        try:
            services.shift_plan(
                project=Project.objects.get(pk=project_id),
                clerk=_user(form.cleaned_data["clerk"]),
                starts_at=form.cleaned_data["starts_at"],
                ends_at=form.cleaned_data["ends_at"],
                by=request.user,
            )
        except ApplicationError as error:
            error.apply_to_form(form)
        else:
            return redirect(f"{request.path}?project={project_id}")
    today = timezone.localdate()
    rows = list(
        selectors.shift_list(user=request.user)
        .filter(
            project_id=project_id,
            starts_at__gte=selectors.local_midnight(today - dt.timedelta(days=2)),
        )
        .select_related("handover")
        .order_by("starts_at", "id")[:100]
    )
    return render(
        request,
        "desk/shifts.html",
        {
            "rows": rows,
            "form": form,
            "projects": projects,
            "project_id": project_id,
            "can_plan": has_role(request.user, Role.SUPERVISOR, Role.MANAGER),
            "handovers": list(
                selectors.handover_list(user=request.user).filter(project_id=project_id)[:20]
            ),
        },
    )


@login_required
def shift_close(request: HttpRequest, pk: int) -> HttpResponse:
    """The outgoing clerk closes the shift with notes; the handover is gathered."""
    _desk_staff(request)
    shift = selectors.shift_list(user=request.user).filter(pk=pk).first()
    if shift is None:
        raise Http404
    form = CloseShiftForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            handover = services.shift_close(
                shift=shift, by=request.user, notes=form.cleaned_data["notes"]
            )
        except ApplicationError as error:
            error.apply_to_form(form)
        else:
            messages.success(request, _("The shift is closed and handed over."))
            return redirect("desk:handover", pk=handover.pk)
    return render(request, "desk/shift_close.html", {"shift": shift, "form": form})


@login_required
def handover_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The handover as it was frozen, and its acknowledgement by the incoming clerk."""
    _desk_staff(request)
    handover = selectors.handover_list(user=request.user).filter(pk=pk).first()
    if handover is None:
        raise Http404
    error = None
    if request.method == "POST":
        try:
            services.handover_acknowledge(handover=handover, by=request.user)
        except ApplicationError as refused:
            error = refused
        else:
            messages.success(request, _("Handover acknowledged. The desk is yours."))
            return redirect("desk:handover", pk=handover.pk)
    return render(
        request,
        "desk/handover.html",
        {
            "handover": handover,
            "error": error,
            "can_acknowledge": "acknowledge" in allowed(handover, "handover", request.user)
            and (handover.next_shift is None or handover.next_shift.clerk_id == request.user.pk),
        },
    )


@login_required
def handover_print(request: HttpRequest, pk: int) -> HttpResponse:
    """The handover on form R03—WKF07, as a PDF."""
    _desk_staff(request)
    handover = selectors.handover_list(user=request.user).filter(pk=pk).first()
    if handover is None:
        raise Http404
    return pdf_response(
        "desk/print/handover.html",
        {"handover": handover, "printed_at": timezone.now()},
        request=request,
        filename=f"R03-{handover.pk}.pdf",
    )


@login_required
def banner(request: HttpRequest) -> HttpResponse:
    """The line every page loads that leads the incoming clerk to the handover to acknowledge."""
    waiting = (
        selectors.handovers_to_acknowledge(user=request.user).first()
        if has_role(request.user, *DESK_ROLES)
        else None
    )
    return render(request, "desk/_banner.html", {"waiting": waiting})


# --- Reviews -----------------------------------------------------------------------------


@login_required
def review(
    request: HttpRequest,
    project_id: int,
    day: str,
    kind: str = ReviewKind.DAILY,
    department: str = "",
) -> HttpResponse:
    """The supervisor's daily check (or weekly review) of one project, a department head's
    next-morning review of the department's orders of a day, or the manager's spot check:
    figures, entries, complaints or orders, problems found, and the signature with the
    comment; frozen once signed."""
    _desk_staff(request)
    project = projects_for(request.user).filter(pk=project_id).first()
    if project is None:
        raise Http404
    the_day = parse_date(day)
    if the_day is None:
        raise Http404
    if kind == ReviewKind.DEPARTMENT and department not in Department.values:
        raise Http404
    if request.method == "POST":
        try:
            record = services.review_open(
                project=project, kind=kind, day=the_day, by=request.user, department=department
            )
        except ApplicationError:
            raise Http404 from None
    else:
        # Reading a day writes nothing: an unsigned review is made when it is acted on.
        record = selectors.review_of(
            project_id=project.pk, kind=kind, day=the_day, department=department
        )
    action = request.POST.get("action", "")
    problem_form = ProblemForm(
        request.POST if request.POST.get("action") == "problem" else None,
        project_id=project.pk,
        prefix="problem",
    )
    if problem_form.is_bound and problem_form.is_valid():
        try:
            services.tracking_open(
                project=project,
                by=request.user,
                matter=problem_form.cleaned_data["matter"],
                owner=_user(problem_form.cleaned_data["owner"]),
                next_check_on=problem_form.cleaned_data["next_check_on"],
                review=record,
            )
        except ApplicationError as error:
            error.apply_to_form(problem_form)
        else:
            messages.success(request, _("The problem is under follow-up."))
            return redirect(request.path)
    form = SignForm(request.POST if request.method == "POST" and action != "problem" else None)
    if form.is_bound and form.is_valid():
        try:
            services.review_sign(
                review=record, by=request.user, comment=form.cleaned_data["comment"]
            )
        except ApplicationError as error:
            error.apply_to_form(form)
        else:
            messages.success(request, _("Signed."))
            return redirect(request.path)
    figures = (
        record.figures
        if record.status == "signed"
        else selectors.review_figures(
            project_id=project.pk,
            starts_on=record.starts_on,
            ends_on=record.ends_on,
            department=record.department,
        )
    )
    entries = list(selectors.review_entries(review=record)[:300])
    context = {
        "review": record,
        "project": project,
        "figures": figures,
        "entries": [(e, phone_for(request.user, e.caller_phone)) for e in entries],
        "complaints": list(selectors.review_complaints(review=record)[:100]),
        "form": form,
        "can_sign": "sign" in allowed(record, REVIEW_RECORD[record.kind], request.user),
        "problem_form": problem_form,
        "problems": (
            list(record.trackings.select_related("owner").order_by("id")) if record.pk else []
        ),
        "open_complaints": (
            list(
                complaints_open_for(user=request.user)
                .filter(project_id=project.pk)
                .select_related("household__unit")[:50]
            )
            if kind == ReviewKind.WEEKLY
            else []
        ),
        "previous": record.starts_on - dt.timedelta(days=7 if kind == ReviewKind.WEEKLY else 1),
        "next": record.ends_on + dt.timedelta(days=1),
        "orders": (
            list(selectors.review_orders(review=record)[:300])
            if kind == ReviewKind.DEPARTMENT
            else []
        ),
    }
    if request.GET.get("format") == "pdf":
        # The review on paper: the period's duty log (R02—WKF07) with the supervisor's
        # comments, the problems found and what became of them, and the signature with its
        # 签阅意见 (blank lines while unsigned). Reading writes nothing, as the page.
        context["printed_at"] = timezone.now()
        return pdf_response(
            "desk/print/review.html",
            context,
            request=request,
            filename=f"review-{record.kind}-{project.code}-{record.starts_on.isoformat()}.pdf",
        )
    return render(request, "desk/review.html", context)


@login_required
def review_today(request: HttpRequest) -> HttpResponse:
    """Today's daily check of the user's first project."""
    _desk_staff(request)
    project = projects_for(request.user).first()
    if project is None:
        raise PermissionDenied
    return redirect("desk:review", project_id=project.pk, day=timezone.localdate().isoformat())


# --- Incidents ---------------------------------------------------------------------------


@login_required
def incidents(request: HttpRequest) -> HttpResponse:
    """Incidents, open first, and the form to record one."""
    _desk_staff(request)
    projects = _project_choices(request)
    if not projects:
        raise PermissionDenied
    form = IncidentForm(request.POST or None, projects=projects)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            incident = services.incident_record(
                project=Project.objects.get(pk=data.pop("project")), by=request.user, **data
            )
        except ApplicationError as error:
            error.apply_to_form(form)
        else:
            return redirect("desk:incident", pk=incident.pk)
    filterset = IncidentFilterSet(
        request.GET, queryset=selectors.incident_list(user=request.user), request=request
    )
    rows = (
        list(filterset.qs.order_by("status", "-occurred_at", "-id")[:100])
        if filterset.is_valid()
        else []
    )
    return render(request, "desk/incidents.html", {"rows": rows, "form": form})


@login_required
def incident_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One incident: its steps in time order, a step to add, the close with the outcome."""
    _desk_staff(request)
    try:
        incident = selectors.incident_detail(user=request.user, incident_id=pk)
    except Incident.DoesNotExist:
        raise Http404 from None
    step_form = IncidentStepForm(prefix="step")
    outcome_form = OutcomeForm(prefix="close")
    link_form = IncidentLinkForm(prefix="link")
    if request.method == "POST" and request.POST.get("action") == "link":
        link_form = IncidentLinkForm(request.POST, prefix="link")
        if link_form.is_valid():
            try:
                services.incident_link(
                    incident=incident, by=request.user, serial=link_form.cleaned_data["serial"]
                )
            except ApplicationError as error:
                error.apply_to_form(link_form)
            else:
                return redirect("desk:incident", pk=pk)
    elif request.method == "POST":
        try:
            if request.POST.get("action") == "close":
                outcome_form = OutcomeForm(request.POST, prefix="close")
                if outcome_form.is_valid():
                    services.incident_close(
                        incident=incident, by=request.user, **outcome_form.cleaned_data
                    )
                    return redirect("desk:incident", pk=pk)
            else:
                step_form = IncidentStepForm(request.POST, prefix="step")
                if step_form.is_valid():
                    services.incident_step(
                        incident=incident, by=request.user, **step_form.cleaned_data
                    )
                    return redirect("desk:incident", pk=pk)
        except ApplicationError as error:
            error.apply_to_form(
                outcome_form if request.POST.get("action") == "close" else step_form
            )
    return render(
        request,
        "desk/incident.html",
        {
            "incident": incident,
            "step_form": step_form,
            "outcome_form": outcome_form,
            "link_form": link_form,
            "actions": allowed(incident, "incident", request.user),
        },
    )


# --- Key follow-ups ----------------------------------------------------------------------


@login_required
def trackings(request: HttpRequest) -> HttpResponse:
    """Matters under key follow-up, the earliest check first, and the form to add one."""
    _desk_staff(request)
    projects = _project_choices(request)
    if not projects:
        raise PermissionDenied
    project_id = _int(request.POST.get("project")) or projects[0][0]
    form = TrackingForm(request.POST or None, projects=projects, project_id=project_id)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.tracking_open(
                project=Project.objects.get(pk=data["project"]),
                by=request.user,
                matter=data["matter"],
                owner=_user(data["owner"]),
                next_check_on=data["next_check_on"],
                referred_to=data["referred_to"],
            )
        except ApplicationError as error:
            error.apply_to_form(form)
        else:
            return redirect("desk:trackings")
    filterset = TrackingFilterSet(
        request.GET or {"status": ["open"]},
        queryset=selectors.tracking_list(user=request.user),
        request=request,
    )
    rows = list(filterset.qs.order_by("next_check_on", "id")[:200]) if filterset.is_valid() else []
    return render(
        request, "desk/trackings.html", {"rows": rows, "form": form, "today": timezone.localdate()}
    )


@login_required
def tracking_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One matter under follow-up: checks, the instruction on a referral, the end."""
    _desk_staff(request)
    tracking = (
        selectors.tracking_list(user=request.user)
        .prefetch_related("checks__by")
        .filter(pk=pk)
        .first()
    )
    if tracking is None:
        raise Http404
    check_form = TrackingCheckForm(prefix="check")
    instruction_form = InstructionForm(prefix="instruct")
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "instruct":
                instruction_form = InstructionForm(request.POST, prefix="instruct")
                if instruction_form.is_valid():
                    services.tracking_instruct(
                        tracking=tracking, by=request.user, **instruction_form.cleaned_data
                    )
                    return redirect("desk:tracking", pk=pk)
            else:
                check_form = TrackingCheckForm(request.POST, prefix="check")
                if check_form.is_valid():
                    if action == "close":
                        services.tracking_close(
                            tracking=tracking, by=request.user, note=check_form.cleaned_data["note"]
                        )
                    else:
                        services.tracking_check(
                            tracking=tracking, by=request.user, **check_form.cleaned_data
                        )
                    return redirect("desk:tracking", pk=pk)
        except ApplicationError as error:
            error.apply_to_form(instruction_form if action == "instruct" else check_form)
    return render(
        request,
        "desk/tracking.html",
        {
            "tracking": tracking,
            "check_form": check_form,
            "instruction_form": instruction_form,
            "actions": allowed(tracking, "tracking", request.user),
        },
    )


# --- Caller-ID pop -----------------------------------------------------------------------


@login_required
def ringing(request: HttpRequest) -> HttpResponse:
    """The call ringing on this clerk's extension with the caller's household (polled by htmx)."""
    rings = selectors.rings_for(user=request.user) if has_role(request.user, *DESK_ROLES) else []
    calls = [
        {
            "ring": ring,
            "phone": phone_for(request.user, ring.number),
            "households": selectors.households_with_phone(
                user=request.user, project_id=ring.project_id, number=ring.number
            ),
        }
        for ring in rings
    ]
    flags = flags_for((h.pk for call in calls for h in call["households"]), user=request.user)
    for call in calls:
        call["households"] = [(h, flags[h.pk]) for h in call["households"]]
    return render(request, "desk/_ringing.html", {"calls": calls})


@login_required
@require_POST
def ring_take(request: HttpRequest, pk: int) -> HttpResponse:
    """The clerk takes the call: the answer time is kept, and the duty-log form opens for it."""
    ring = Ring.objects.filter(pk=pk, clerk_id=request.user.pk).first()
    if ring is None:
        raise Http404
    services.ring_answer(ring=ring, by=request.user)
    household = _int(request.POST.get("household"))
    query = f"?ring={ring.pk}&project={ring.project_id}"
    if household:
        query += f"&household={household}"
    return redirect(f"{reverse('desk:duty-log')}{query}")


# --- The desk's home page -----------------------------------------------------------------


@login_required
def now(request: HttpRequest) -> HttpResponse:
    """What needs this person now: counts and short lists, refreshed by htmx on the home page."""
    parts = selectors.my_day(user=request.user, roles=user_roles(request.user))
    return render(request, "desk/_now.html", {"parts": parts})


@login_required
def duty_log_print(request: HttpRequest) -> HttpResponse:
    """The day's duty log of one project on form R02—WKF07, as a PDF."""
    _desk_staff(request)
    project = projects_for(request.user).filter(pk=_int(request.GET.get("project")) or 0).first()
    if project is None:
        project = projects_for(request.user).first()
    if project is None:
        raise PermissionDenied
    day = _day(request.GET.get("date"))
    start, end = selectors.day_bounds(day)
    rows = list(
        selectors.entry_list(user=request.user)
        .filter(project=project, at__gte=start, at__lt=end)
        .prefetch_related("follow_ups")
        .order_by("at", "id")[:500]
    )
    return pdf_response(
        "desk/print/duty_log.html",
        {
            "project": project,
            "day": day,
            "rows": [(e, phone_for(request.user, e.caller_phone)) for e in rows],
            "printed_at": timezone.now(),
        },
        request=request,
        filename=f"R02-{project.code}-{day.isoformat()}.pdf",
    )


# --- The morning's start ------------------------------------------------------------------


@login_required
def morning(request: HttpRequest) -> HttpResponse:
    """The records of the lobby gate post and the monitoring center, read and acknowledged
    first thing, and the butler–desk exchanges of the day."""
    _desk_staff(request)
    projects = _project_choices(request)
    if not projects:
        raise PermissionDenied
    project_id = _int(request.GET.get("project") or request.POST.get("project")) or projects[0][0]
    if project_id not in dict(projects):
        raise Http404
    project = Project.objects.get(pk=project_id)
    action = request.POST.get("action", "")
    post_form = PostRecordForm(
        request.POST if action == "post" else None,
        prefix="post",
        initial={"day": timezone.localdate() - dt.timedelta(days=1)},
    )
    exchange_form = ExchangeForm(
        request.POST if action == "exchange" else None, prefix="exchange", project_id=project_id
    )
    try:
        if action == "post" and post_form.is_valid():
            services.post_record(project=project, by=request.user, **post_form.cleaned_data)
            return redirect(f"{request.path}?project={project_id}")
        if action == "exchange" and exchange_form.is_valid():
            data = exchange_form.cleaned_data
            services.exchange_record(
                project=project,
                by=request.user,
                butler=_user(data["butler"]),
                when=data["when"],
                passed_on=data["passed_on"],
            )
            return redirect(f"{request.path}?project={project_id}")
        if action == "read":
            record = PostRecord.objects.filter(
                pk=_int(request.POST.get("record")) or 0, project_id=project_id
            ).first()
            if record is None:
                raise Http404
            entry = (
                selectors.entry_list(user=request.user)
                .filter(pk=_int(request.POST.get("entry")) or 0)
                .first()
                if request.POST.get("entry")
                else None
            )
            services.post_record_acknowledge(record=record, by=request.user, entry=entry)
            return redirect(f"{request.path}?project={project_id}")
    except ApplicationError as error:
        error.apply_to_form(exchange_form if action == "exchange" else post_form)
    return render(
        request,
        "desk/morning.html",
        {
            **selectors.morning(user=request.user, project_id=project_id, day=timezone.localdate()),
            "post_form": post_form,
            "exchange_form": exchange_form,
            "projects": projects,
            "project_id": project_id,
        },
    )
