"""The desk's work-order pages: register, queue, order page, printing, registers.

Thin views: parse with a form, call a service or a selector, render. Every
read goes through `tickets.selectors` (scoped to the user's projects: an
order of another project is a 404); every write through `tickets.services`,
whose refusals (`ApplicationError`, `PermissionDenied`) are shown as
messages on the order page.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from itertools import groupby
from typing import Any

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import FieldDoesNotExist, PermissionDenied
from django.db.models import QuerySet
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseRedirect,
    StreamingHttpResponse,
)
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from frontdesk.core.errors import ApplicationError
from frontdesk.core.household_flags import household_flags
from frontdesk.core.masking import phone_for
from frontdesk.core.pdf import pdf_bytes_response, render_pdf
from frontdesk.core.scoping import project_ids_for, projects_for, scope
from frontdesk.core.spreadsheets import csv_stream
from residents.models import Building, Household
from residents.selectors import household_list

from .. import selectors, services
from ..choices import (
    COMMITMENT_KIND,
    OPEN_STATUSES,
    UNRETURNED_STATUSES,
    Department,
    LiaisonStatus,
    Place,
    Priority,
    Satisfaction,
    TicketKind,
    TicketStatus,
    Weight,
)
from ..filtersets import TicketFilterSet
from ..forms import (
    BUTTON_ONLY,
    ContractCreateForm,
    LiaisonCreateForm,
    LiaisonReplyForm,
    MonthForm,
    OpenVisitForm,
    RegisterForm,
    ResidentRatingForm,
    action_form,
    staff_choices,
)
from ..models import LiaisonForm, MonthlyContract, Ticket, WarrantyRepair
from ..printing import (
    LinkRefused,
    RunChoice,
    print_orders,
    print_queryset,
    print_run,
    resident_url,
    ticket_for_token,
)
from ..scripts import script_lines, scripts_for
from ..transitions import TRANSITIONS, allowed_actions, can_register, check_role

PAGE_SIZE = 50
# The month-end register: a page of rows on screen, the PDF in parts of this many rows (a
# month of 20,000 orders is a few parts), the CSV whole.
REGISTER_PAGE_SIZE = 200
REGISTER_PDF_ROWS = 2000


def _int(value: Any) -> int | None:
    try:
        number = int(value)
    except (TypeError, ValueError):
        return None
    return number if 0 < number < 2**63 else None


def _error_messages(request: HttpRequest, error: ApplicationError) -> None:
    for field, texts in error.fields.items():
        for text in texts:
            prefix = "" if field == "non_field_errors" else f"{_field_label(field)}: "
            messages.error(request, f"{prefix}{text}")


def _field_label(field: str) -> str:
    try:
        return str(Ticket._meta.get_field(field).verbose_name)
    except FieldDoesNotExist:
        return field


def _form_messages(request: HttpRequest, form: Any) -> None:
    for name, errors in form.errors.items():
        label = form.fields[name].label if name in form.fields else ""
        for error in errors:
            messages.error(request, f"{label}: {error}" if label else str(error))


def _project_choices(user: Any) -> list[tuple[int, str]]:
    return [(p.pk, p.name) for p in projects_for(user)]


# --- The queue ---------------------------------------------------------------------------


@login_required
def queue(request: HttpRequest) -> HttpResponse:
    """Orders per status and department with the shared filters, paged by id (no COUNT of
    the list): a fixed number of queries, each read from an index, whatever the history."""
    now = timezone.now()
    filterset = TicketFilterSet(
        request.GET, queryset=selectors.ticket_rows(user=request.user, now=now), request=request
    )
    rows: list[Ticket] = []
    more = False
    if filterset.is_valid():
        qs = filterset.qs
        before = _int(request.GET.get("before"))
        if before:
            qs = qs.filter(id__lt=before)
        rows = list(qs[: PAGE_SIZE + 1])
        more = len(rows) > PAGE_SIZE
        rows = rows[:PAGE_SIZE]
    emergencies = selectors.open_emergencies(user=request.user)
    overdue_count = selectors.overdue_count(user=request.user, now=now)
    params = request.GET.copy()
    params.pop("before", None)
    next_params = params.copy()
    if more:
        next_params["before"] = str(rows[-1].pk)
    status_params = params.copy()
    status_params.pop("status", None)
    department_params = params.copy()
    department_params.pop("department", None)
    return render(
        request,
        "tickets/queue.html",
        {
            "filterset": filterset,
            "rows": rows,
            "more": more,
            "next_query": next_params.urlencode(),
            "first_query": params.urlencode(),
            "paged": bool(request.GET.get("before")),
            "emergencies": emergencies,
            "overdue_count": min(overdue_count, selectors.OVERDUE_CAP),
            "overdue_more": overdue_count > selectors.OVERDUE_CAP,
            "statuses": [("", _("All"))] + [(s.value, s.label) for s in TicketStatus],
            "current_status": request.GET.getlist("status"),
            "status_query": status_params.urlencode(),
            "departments": list(Department.choices),
            "current_department": request.GET.getlist("department"),
            "department_query": department_params.urlencode(),
            "kinds": list(TicketKind.choices),
            "current_kind": request.GET.getlist("kind"),
            "priorities": list(Priority.choices),
            "current_priority": request.GET.getlist("priority"),
        },
    )


# The departments a worker's role does the work of.
WORKER_DEPARTMENTS = {
    "engineering": Department.ENGINEERING,
    "cleaning": Department.CLEANING,
    "greening": Department.GREENING,
    "security": Department.SECURITY,
}


def worker_departments(user: Any) -> list[str]:
    """The departments whose work the user does (none for the desk and the managers)."""
    from frontdesk.core.roles import user_roles

    return [d.value for r, d in WORKER_DEPARTMENTS.items() if r in user_roles(user)]


@login_required
def work(request: HttpRequest) -> HttpResponse:
    """A worker's page: their departments' open orders, their own first."""
    departments = worker_departments(request.user)
    rows = selectors.department_work(user=request.user, departments=departments)
    return render(
        request,
        "tickets/work.html",
        {
            "rows": rows,
            "departments": [Department(d).label for d in departments],
            "many_projects": len(project_ids_for(request.user)) > 1,
        },
    )


# --- Registration ------------------------------------------------------------------------


def _household_for(request: HttpRequest, household_id: int | None) -> Household | None:
    if household_id is None:
        return None
    try:
        return (
            household_list(user=request.user)
            .select_related("unit__building__butler")
            .prefetch_related("persons")
            .get(pk=household_id)
        )
    except Household.DoesNotExist:
        raise Http404(_("No such household.")) from None


@login_required
def register(request: HttpRequest) -> HttpResponse:
    """Register an order: from a household file (?household=<id>&kind=repair) or a public place."""
    if not can_register(request.user):
        raise PermissionDenied(_("Your role may not register work orders."))
    source = request.POST if request.method == "POST" else request.GET
    household = _household_for(request, _int(source.get("household")))
    projects = _project_choices(request.user)
    if not projects:
        raise PermissionDenied
    rows = list(
        scope(Building.objects.select_related("project"), request.user).order_by(
            "project__name", "number"
        )[:300]
    )
    buildings = [(b.pk, f"{b.project.name} · {b}") for b in rows]
    kind = source.get("kind") if source.get("kind") in TicketKind.values else TicketKind.REPAIR
    initial = {
        "kind": kind,
        "source": source.get("source") or "phone",
        "household": household.pk if household else None,
        # A user of several projects names the public place's project; never the first by default.
        "project": household.project_id
        if household
        else (projects[0][0] if len(projects) == 1 else None),
        "address_confirmed": False,
    }
    form_kwargs = {
        "projects": projects,
        "buildings": buildings,
        "building_projects": {b.pk: b.project_id for b in rows},
        "initial": initial,
    }
    duplicates: list[Ticket] = []
    if request.method == "POST":
        form = RegisterForm(request.POST, **form_kwargs)
        if form.is_valid():
            duplicates = _likely_duplicates(request, form, household)
        if form.is_valid() and not duplicates:
            ticket = _register(request, form, household)
            if ticket is not None:
                messages.success(
                    request,
                    _("Registered %(serial)s. Tell the resident the serial number.")
                    % {"serial": ticket.serial},
                )
                return redirect("tickets:detail", pk=ticket.pk)
    else:
        form = RegisterForm(**form_kwargs)
    current_kind = form["kind"].value() or kind
    current_source = form["source"].value() or "phone"
    contact = _main_contact(household)
    scripts = [
        (
            script,
            script_lines(
                script,
                name=request.user.get_full_name() or request.user.get_username(),
                address=_address(household),
            ),
        )
        for script in scripts_for(kind=current_kind, source=current_source)
    ]
    return render(
        request,
        "tickets/register.html",
        {
            "form": form,
            "household": household,
            "duplicates": duplicates,
            "flags": household_flags(household.pk, user=request.user) if household else [],
            "contact": contact,
            "contact_phone": phone_for(request.user, contact.phone) if contact else "",
            "kind": current_kind,
            "kinds": list(TicketKind.choices),
            "scripts": scripts,
        },
    )


def _address(household: Household | None) -> str:
    if household is None:
        return ""
    building = household.unit.building
    return f"{household.project.name} {building} {household.unit.number}"


def _main_contact(household: Household | None) -> Any:
    if household is None:
        return None
    people = sorted(
        (p for p in household.persons.all() if p.is_active), key=lambda p: (not p.is_primary, p.pk)
    )
    return people[0] if people else None


def _likely_duplicates(
    request: HttpRequest, form: RegisterForm, household: Household | None
) -> list[Ticket]:
    """Open orders that are likely the same matter, unless the clerk confirmed registering
    anyway (the form comes back once with them listed and a box to tick)."""
    if request.POST.get("confirm_duplicate"):
        return []
    data = form.cleaned_data
    project_id = household.project_id if household else data.get("project")
    if not project_id:
        return []
    return list(
        selectors.likely_duplicates(
            project_id=int(project_id),
            kind=data["kind"],
            household_id=household.pk if household else None,
            building_id=int(data["building"]) if data.get("building") else None,
            place="" if household else data.get("place") or "",
        )
    )


def _register(
    request: HttpRequest, form: RegisterForm, household: Household | None
) -> Ticket | None:
    data = form.cleaned_data
    if household is not None:
        project = household.project
        building = None
    else:
        project = projects_for(request.user).filter(pk=data.get("project")).first()
        if project is None:
            form.add_error("project", _("Choose one of your projects."))
            return None
        building = (
            scope(Building.objects.all(), request.user).filter(pk=data["building"]).first()
            if data.get("building")
            else None
        )
    try:
        return services.ticket_register(
            project=project,
            kind=data["kind"],
            matter=data["matter"],
            by=request.user,
            household=household,
            building=building,
            place="" if household else data.get("place") or "",
            location=data.get("location") or "",
            reporter_name=data.get("reporter_name") or "",
            reporter_phone=data.get("reporter_phone") or "",
            description=data.get("description") or "",
            source=data["source"],
            priority=data.get("priority") or Priority.NORMAL,
            appointment_at=data.get("appointment_at"),
            address_confirmed=data.get("address_confirmed", False),
            time_confirmed=data.get("time_confirmed", False),
            department=data.get("department") or None,
            paid=data.get("paid"),
            is_hourly=data.get("is_hourly", False),
            fee_quote=data.get("fee_quote"),
            complaint=form.complaint(),
        )
    except ApplicationError as error:
        error.apply_to_form(form)
        return None


# --- The order page ----------------------------------------------------------------------


def _ticket(request: HttpRequest, pk: int) -> Ticket:
    try:
        return selectors.ticket_detail(user=request.user, ticket_id=pk)
    except Ticket.DoesNotExist:
        raise Http404(_("No such work order.")) from None


@login_required
@require_http_methods(["GET", "HEAD"])
def timeline(request: HttpRequest, pk: int) -> HttpResponse:
    """An order's timeline alone: what the household file's list of orders opens on demand."""
    try:
        ticket = selectors.ticket_timeline(user=request.user, ticket_id=pk)
    except Ticket.DoesNotExist:
        raise Http404(_("No such work order.")) from None
    return render(request, "tickets/_timeline.html", {"ticket": ticket})


def _staff_for(ticket: Ticket) -> list[Any]:
    """The staff list of the order's pickers: its department's people first, and for a
    complaint the butler of its building at the head."""
    if ticket.kind == TicketKind.COMPLAINT:
        # The order's building, or its household's (both joined by `ticket_detail`).
        building = ticket.building or (ticket.household.unit.building if ticket.household else None)
        butler = building.butler_id if building is not None else None
        return staff_choices(ticket.project_id, complaint_butler=butler or 0)
    return staff_choices(ticket.project_id, department=ticket.department or "")


@login_required
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The order with its actions (those the transition table allows this user now) and timeline."""
    ticket = _ticket(request, pk)
    actions = allowed_actions(ticket, request.user)
    staff = (
        _staff_for(ticket)
        if any(
            a.action in {"commit", "dispatch", "transfer", "price", "warranty_pass"}
            for a in actions
        )
        else []
    )
    buttons = [t for t in actions if t.action in BUTTON_ONLY]
    forms_ = [
        (t, action_form(t.action, staff=staff, ticket=ticket))
        for t in actions
        if t.action not in BUTTON_ONLY
    ]
    warranty = getattr(ticket, "warranty", None) if _has(ticket, "warranty") else None
    owed = selectors.commitment_owed(ticket)
    return render(
        request,
        "tickets/detail.html",
        {
            "ticket": ticket,
            "reporter_phone": phone_for(request.user, ticket.reporter_phone),
            "complaint": ticket.complaint if _has(ticket, "complaint") else None,
            "warranty": warranty,
            "rating": ticket.resident_rating if _has(ticket, "resident_rating") else None,
            "buttons": buttons,
            "action_forms": forms_,
            "events": list(ticket.events.all()),
            "callbacks": list(ticket.callbacks.all()),
            "slips": list(ticket.promise_slips.all()),
            "reworks": list(ticket.reworks.all()),
            "liaisons": list(ticket.liaison_forms.all()),
            "resident_link": resident_url(ticket, request),
            "is_open": ticket.status in OPEN_STATUSES,
            "overdue": ticket.due_at is not None
            and ticket.status in UNRETURNED_STATUSES
            and ticket.due_at < timezone.now(),
            "primary_actions": PRIMARY_ACTIONS,
            "steps": _steps(ticket),
            "commitment": selectors.commitment_of(ticket),
            "commitment_owed": owed,
            "commitment_weight": WEIGHT_OF_KIND.get(owed.kind) if owed is not None else None,
            "commitment_late": owed is not None
            and owed.paused_at is None
            and owed.due_at < timezone.now(),
        },
    )


# The weight of a matter, by the kind of its commitment deadline.
WEIGHT_OF_KIND = {kind: Weight(weight).label for weight, kind in COMMITMENT_KIND.items()}

# The step the order waits for in each status: drawn as a filled button or an open form.
PRIMARY_ACTIONS = frozenset(
    {
        "dispatch",
        "accept",
        "arrive",
        "complete",
        "return",
        "callback",
        "close",
        "resume",
        "butler_reply",
        "answer",
        "sign_off",
        "confirm",
    }
)


def _has(ticket: Ticket, name: str) -> bool:
    try:
        return getattr(ticket, name) is not None
    except Exception:  # noqa: BLE001 - a missing reverse one-to-one raises DoesNotExist
        return False


def _steps(ticket: Ticket) -> list[dict[str, Any]]:
    """The main stages of the order with when each was reached (for the progress bar)."""
    stages = ticket.progress()
    return [{"label": label, "at": at} for label, at in stages]


def _user(pk: int | None) -> Any:
    if pk is None:
        return None
    return get_user_model().objects.filter(pk=pk).first()


Runner = Callable[[Ticket, Any, dict[str, Any]], Any]

RUNNERS: dict[str, Runner] = {
    "acknowledge_quote": lambda t, by, d: services.ticket_quote_acknowledge(
        ticket=t, by=by, fee_quote=d["fee_quote"], note=d["note"]
    ),
    "price": lambda t, by, d: services.ticket_price(
        ticket=t, price=d["price"], by=by, lead=_user(d["lead"]), note=d["note"]
    ),
    "confirm_time": lambda t, by, d: services.ticket_confirm_time(
        ticket=t, appointment_at=d["appointment_at"], by=by, note=d["note"]
    ),
    "commit": lambda t, by, d: services.ticket_commit(
        ticket=t,
        by=by,
        what=d["what"],
        by_when=d["by_when"],
        by_whom=d["by_whom"],
        by_whom_user=_user(d["by_whom_user"]),
        note=d["note"],
    ),
    "dispatch": lambda t, by, d: services.ticket_dispatch(
        ticket=t,
        by=by,
        department=d["department"] or None,
        assignee=_user(d["assignee"]),
        note=d["note"],
    ),
    "accept": lambda t, by, d: services.ticket_accept(ticket=t, by=by, note=d["note"]),
    "arrive": lambda t, by, d: services.ticket_arrive(ticket=t, by=by, note=d["note"]),
    "pause": lambda t, by, d: services.ticket_pause(ticket=t, reason=d["reason"], by=by),
    "resume": lambda t, by, d: services.ticket_resume(ticket=t, by=by, note=d["note"]),
    "transfer": lambda t, by, d: services.ticket_transfer(
        ticket=t,
        by=by,
        reason=d["reason"],
        department=d["department"] or None,
        assignee=_user(d["assignee"]),
    ),
    "follow_up": lambda t, by, d: services.ticket_follow_up(ticket=t, by=by, note=d["note"]),
    "complete": lambda t, by, d: services.ticket_complete(
        ticket=t,
        by=by,
        result=d["result"],
        fee_charged=d["fee_charged"],
        material_cost=d["material_cost"],
    ),
    "return": lambda t, by, d: services.ticket_return(
        ticket=t, by=by, late_reason=d["late_reason"], note=d["note"]
    ),
    "callback": lambda t, by, d: services.ticket_callback(
        ticket=t,
        by=by,
        reached=d["reached"],
        satisfaction=d["satisfaction"],
        attitude=d["attitude"],
        quality=d["quality"],
        improper_charge=d["improper_charge"],
        improper_charge_note=d["improper_charge_note"],
        comment=d["comment"],
        follow_up=d["follow_up"],
    ),
    "close": lambda t, by, d: services.ticket_close(ticket=t, by=by, note=d["note"]),
    "rework": lambda t, by, d: services.ticket_rework(ticket=t, by=by, matter=d["matter"]),
    "void": lambda t, by, d: services.ticket_void(ticket=t, reason=d["reason"], by=by),
    "force_close": lambda t, by, d: services.ticket_force_close(
        ticket=t, reason=d["reason"], by=by
    ),
    "promise_slip": lambda t, by, d: services.ticket_promise_slip(
        ticket=t, reason=d["reason"], remedy=d["remedy"], by=by
    ),
    "warranty_pass": lambda t, by, d: services.warranty_pass(
        ticket=t,
        contractor=d["contractor"],
        contractor_contact=d["contractor_contact"],
        liaison=_user(d["liaison"]),
        by=by,
    ),
    "warranty_report": lambda t, by, d: services.warranty_report(
        ticket=t, progress=d["progress"], by=by, date=d["date"]
    ),
    "investigate": lambda t, by, d: services.complaint_investigate(
        ticket=t, findings=d["findings"], by=by
    ),
    "butler_reply": lambda t, by, d: services.complaint_butler_reply(
        ticket=t, reply=d["reply"], by=by
    ),
    "refer": lambda t, by, d: services.complaint_refer(
        ticket=t, referred_to=d["referred_to"], note=d["note"], by=by
    ),
    "decide": lambda t, by, d: services.complaint_decide(
        ticket=t, decision=d["decision"], by=by, close_tracking=d["close_tracking"]
    ),
    "answer": lambda t, by, d: services.complaint_answer(ticket=t, answer=d["answer"], by=by),
    "sign_off": lambda t, by, d: services.complaint_sign_off(ticket=t, by=by, note=d["note"]),
    "confirm": lambda t, by, d: services.complaint_confirm(ticket=t, by=by, note=d["note"]),
    "mark_valid": lambda t, by, d: services.complaint_mark_valid(
        ticket=t,
        valid=d["valid"],
        by=by,
        cause=d["cause"],
        lesson=d["lesson"],
        change=d["change"],
    ),
}


@login_required
@require_POST
def act(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    """Apply one action of the transition table; a refusal comes back as a message."""
    name = action.replace("-", "_")
    if name not in TRANSITIONS or name not in RUNNERS:
        raise Http404(_("No such action."))
    try:
        ticket = selectors.ticket_list(user=request.user).get(pk=pk)
    except Ticket.DoesNotExist:
        raise Http404(_("No such work order.")) from None
    # Someone else's step is refused outright, before its form is read.
    check_role(ticket, name, request.user)
    staff = _staff_for(ticket)
    form = action_form(name, staff=staff, data=request.POST)
    target = reverse("tickets:detail", kwargs={"pk": ticket.pk})
    if not form.is_valid():
        _form_messages(request, form)
        return HttpResponseRedirect(target)
    try:
        result = RUNNERS[name](ticket, request.user, form.cleaned_data)
    except ApplicationError as error:
        _error_messages(request, error)
        return HttpResponseRedirect(target)
    except PermissionDenied as error:
        # Not a mistake in the form but a step of someone else's: refused outright.
        raise PermissionDenied(str(error) or _("You may not do this.")) from error
    label = TRANSITIONS[name].label
    messages.success(request, _("%(action)s: done.") % {"action": label})
    follow = getattr(result, "follow_up_ticket", None)
    if isinstance(result, Ticket) and result.pk != ticket.pk:
        follow = result
    if follow is not None:
        messages.info(request, _("Opened the linked order %(serial)s.") % {"serial": follow.serial})
    nxt = request.POST.get("next")
    if nxt and url_has_allowed_host_and_scheme(nxt, allowed_hosts={request.get_host()}):
        return HttpResponseRedirect(nxt)
    return HttpResponseRedirect(target)


# --- Printing ----------------------------------------------------------------------------


def _print_response(request: HttpRequest, tickets: list[Ticket], filename: str) -> HttpResponse:
    """The PDF of the orders: a POST is the print action and counts a printing of each; a GET
    (opening or downloading the PDF) is a preview that counts nothing."""
    counted = request.method == "POST"
    pdf = print_orders(tickets, by=request.user, request=request, counted=counted)
    return pdf_bytes_response(pdf, filename=filename, attachment=request.GET.get("download") == "1")


def ticket_print_response(request: HttpRequest, pk: int) -> HttpResponse:
    """The order's three copies (a complaint: its form) as a PDF; a POST counts the printing."""
    try:
        ticket = scope(print_queryset(), request.user).get(pk=pk)
    except Ticket.DoesNotExist:
        raise Http404(_("No such work order.")) from None
    return _print_response(request, [ticket], f"{ticket.serial}.pdf")


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def print_ticket(request: HttpRequest, pk: int) -> HttpResponse:
    return ticket_print_response(request, pk)


def _chosen_project(request: HttpRequest) -> int | None:
    """The project named by ?project=, the user's only project, or None: a user of several
    projects chooses one explicitly (never silently the first)."""
    projects = _project_choices(request.user)
    if not projects:
        raise PermissionDenied
    wanted = _int(request.GET.get("project"))
    ids = [pk for pk, _name in projects]
    if wanted in ids:
        return wanted
    return ids[0] if len(ids) == 1 else None


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def print_today(request: HttpRequest) -> HttpResponse:
    """One run of the day's printing in one PDF (a POST counts the printing of each, a GET
    previews them): by default today's orders not yet printed, at most PRINT_RUN_SIZE, in
    serial order; `which` chooses another set and `page` the next run of a set that stays.
    Of the project named by ?project=, else of every project of the user, grouped by
    project. The first sheet, and the header X-Print-Run-Remaining, say how many remain."""
    project_id = _chosen_project(request)
    today = timezone.localdate()
    params = request.POST if request.method == "POST" else request.GET
    which = params.get("which") or request.GET.get("which") or RunChoice.UNPRINTED
    run = print_run(
        user=request.user,
        project_id=project_id,
        day=today,
        which=which,
        page=_int(params.get("page") or request.GET.get("page")) or 1,
    )
    if not run.tickets:
        messages.info(request, _("There are no orders to print in this run."))
        return redirect("tickets:queue")
    counted = request.method == "POST"
    pdf = print_orders(run.tickets, by=request.user, request=request, counted=counted, run=run)
    response = pdf_bytes_response(
        pdf,
        filename=f"orders-{today:%Y%m%d}-{run.which}-{run.first}.pdf",
        attachment=request.GET.get("download") == "1",
    )
    response["X-Print-Run-Remaining"] = str(run.remaining)
    return response


# --- The resident's page (no login) ------------------------------------------------------


def resident(request: HttpRequest, token: str) -> HttpResponse:
    """What the resident's QR code opens: the order's progress and a rating form."""
    try:
        ticket = ticket_for_token(token)
    except LinkRefused as refused:
        status = 410 if refused.reason == "expired" else 404
        return render(
            request, "tickets/resident_refused.html", {"reason": refused.reason}, status=status
        )
    rating = ticket.resident_rating if _has(ticket, "resident_rating") else None
    form = ResidentRatingForm(request.POST or None)
    if request.method == "POST":
        if form.is_valid():
            try:
                services.resident_rate(
                    ticket=ticket,
                    satisfaction=form.cleaned_data["satisfaction"],
                    comment=form.cleaned_data["comment"],
                )
            except ApplicationError as error:
                for texts in error.fields.values():
                    for text in texts:
                        messages.error(request, text)
            else:
                messages.success(request, _("Thank you for your rating."))
            return redirect(request.path)
    rateable = rating is None and ticket.status in {
        TicketStatus.DONE,
        TicketStatus.RETURNED,
        TicketStatus.VISITED,
        TicketStatus.CLOSED,
    }
    return render(
        request,
        "tickets/resident.html",
        {
            "ticket": ticket,
            "steps": _steps(ticket),
            "rating": rating,
            "form": form,
            "rateable": rateable,
            "satisfactions": Satisfaction.choices,
        },
    )


# --- Month-end register ------------------------------------------------------------------


def _customer(ticket: Ticket) -> str:
    if ticket.household_id is not None:
        return ticket.household.unit.code
    return ticket.where


def _register_labels() -> dict[str, dict[str, str]]:
    """The register's labels in the active language, looked up once per page or file."""
    return {
        "kind": {value: str(label) for value, label in TicketKind.choices},
        "department": {value: str(label) for value, label in Department.choices},
        "status": {value: str(label) for value, label in TicketStatus.choices},
    }


def _register_groups(
    register: QuerySet[Ticket], rows: list[Ticket], *, whole: bool = False
) -> list[dict[str, Any]]:
    """The rows grouped by customer, each group with the month's fees charged to it (summed
    in SQL over the whole month, `whole`: for every customer at once)."""
    labels = _register_labels()
    subtotals = selectors.month_register_subtotals(register, None if whole else rows)
    groups = []
    for key, items in groupby(rows, key=selectors.register_customer):
        items = list(items)
        for t in items:
            t.kind_label = labels["kind"].get(t.kind, t.kind)
            t.department_label = labels["department"].get(t.department, t.department)
            t.status_label = labels["status"].get(t.status, t.status)
        groups.append(
            {"customer": _customer(items[0]), "rows": items, "charged": subtotals.get(key, 0)}
        )
    return groups


@login_required
def month_end(request: HttpRequest) -> HttpResponse:
    """The month's dispatch and paid-service orders sorted by customer: a page of
    REGISTER_PAGE_SIZE rows (?page=), the PDF of the whole month (in parts of
    REGISTER_PDF_ROWS rows, ?part=), or the whole month as a CSV file, streamed. The
    month's number of orders and fees, and each customer's, are summed in SQL."""
    projects = _project_choices(request.user)
    form = MonthForm(request.GET, projects=projects)
    start = form.month_start()
    project_id = _chosen_project(request)
    if project_id is None:
        # Several projects and none chosen: the page asks, rather than showing the first one's.
        if request.GET.get("format"):
            messages.info(request, _("Choose the project of the register."))
        return render(
            request,
            "tickets/month_end.html",
            {"form": form, "groups": [], "count": 0, "month": start, "choose_project": True},
        )
    paid_only = form.is_valid() and form.cleaned_data.get("paid", False)
    register = selectors.month_register(
        user=request.user,
        project_id=project_id,
        year=start.year,
        month=start.month,
        paid_only=paid_only,
    )
    fmt = request.GET.get("format")
    name = f"register-{start:%Y%m}"
    if fmt == "csv":
        return _month_csv(register, f"{name}.csv")
    totals = selectors.month_register_totals(register)
    size = REGISTER_PDF_ROWS if fmt == "pdf" else REGISTER_PAGE_SIZE
    pages = max(1, -(-totals["count"] // size))
    number = min(max(_int(request.GET.get("part" if fmt == "pdf" else "page")) or 1, 1), pages)
    rows = list(register[(number - 1) * size : number * size])
    query = request.GET.copy()
    for key in ("page", "part", "format"):
        query.pop(key, None)
    context = {
        "form": form,
        "groups": _register_groups(register, rows, whole=fmt == "pdf" and pages == 1),
        "total": totals["charged"],
        "count": totals["count"],
        "first": (number - 1) * size + 1 if rows else 0,
        "last": (number - 1) * size + len(rows),
        "page": number,
        "pages": pages,
        "pdf_parts": list(range(1, -(-totals["count"] // REGISTER_PDF_ROWS) + 1)),
        "month": start,
        "project_name": dict(projects).get(project_id, ""),
        "paid_only": paid_only,
        "query": query.urlencode(),
        "printed_at": timezone.now(),
    }
    if fmt == "pdf":
        return pdf_bytes_response(
            render_pdf("print/month_register.html", context, request=request),
            filename=f"{name}.pdf" if pages == 1 else f"{name}-{number}-of-{pages}.pdf",
        )
    return render(request, "tickets/month_end.html", context)


def _month_csv(register: QuerySet[Ticket], filename: str) -> StreamingHttpResponse:
    """Every order of the month, never cut short, streamed as it is read: plain values in
    chunks of 2,000 rows (no model objects), labels looked up once per file."""
    header = [
        _("Customer"),
        _("Serial number"),
        _("Kind"),
        _("Registered"),
        _("Matter"),
        _("Department"),
        _("Status"),
        _("Paid service"),
        _("Fee quoted"),
        _("Fee charged"),
        _("Material cost"),
    ]
    labels = _register_labels()
    kinds, departments, statuses = labels["kind"], labels["department"], labels["status"]
    places = {value: str(label) for value, label in Place.choices}
    building_word = _("Building %(number)s")
    yes, no = str(_("Yes")), str(_("No"))
    zone = timezone.get_current_timezone()
    values = register.values_list(
        "household__unit__code",
        "building_id",
        "building__name",
        "building__number",
        "place",
        "location",
        "serial",
        "kind",
        "created_at",
        "matter",
        "department",
        "status",
        "paid",
        "fee_quote",
        "fee_charged",
        "material_cost",
    )

    def customer(unit: str | None, building: tuple[Any, ...], place: str, location: str) -> str:
        # As `Ticket.where` writes it, without a model object per row.
        if unit is not None:
            return unit
        b_id, b_name, b_number = building
        named = (b_name or building_word % {"number": b_number}) if b_id is not None else ""
        parts = (named, places.get(place, place), location)
        return " ".join(p for p in parts if p)

    def rows() -> Iterator[list[Any]]:
        for row in values.iterator(chunk_size=2000):
            (unit, building, (place, location, serial, kind, created)) = row[0], row[1:4], row[4:9]
            (matter, department, status, paid, quote, charged, cost) = row[9:]
            yield [
                customer(unit, building, place, location),
                serial,
                kinds.get(kind, kind),
                created.astimezone(zone).strftime("%Y-%m-%d %H:%M"),
                matter,
                departments.get(department, department),
                statuses.get(status, status),
                yes if paid else no,
                quote if quote is not None else "",
                charged if charged is not None else "",
                cost if cost is not None else "",
            ]

    return csv_stream(filename, header, rows())


# --- Liaison forms -----------------------------------------------------------------------


@login_required
def liaison_list(request: HttpRequest) -> HttpResponse:
    projects = _project_choices(request.user)
    ticket = None
    ticket_id = _int(request.GET.get("ticket") or request.POST.get("ticket"))
    if ticket_id:
        ticket = selectors.ticket_list(user=request.user).filter(pk=ticket_id).first()
    if request.method == "POST":
        form = LiaisonCreateForm(request.POST, projects=projects)
        if ticket_id and ticket is None:
            # Never a form about an order the writer cannot see, nor one silently unlinked.
            form.add_error(None, _("This work order is not in your projects."))
        if form.is_valid():
            project = projects_for(request.user).filter(pk=form.cleaned_data["project"]).first()
            try:
                created = services.liaison_create(
                    project=project,
                    from_department=form.cleaned_data["from_department"],
                    to_department=form.cleaned_data["to_department"],
                    matter=form.cleaned_data["matter"],
                    by=request.user,
                    ticket=ticket,
                )
            except ApplicationError as error:
                error.apply_to_form(form)
            else:
                messages.success(request, _("Liaison form %(n)s written.") % {"n": created.number})
                return redirect("tickets:liaison", pk=created.pk)
    else:
        form = LiaisonCreateForm(
            projects=projects,
            initial={
                "project": ticket.project_id if ticket else projects[0][0] if projects else None,
                "ticket": ticket.pk if ticket else None,
                "matter": ticket.matter if ticket else "",
            },
        )
    status = request.GET.get("status")
    qs = selectors.liaison_list(user=request.user)
    if status in LiaisonStatus.values:
        qs = qs.filter(status=status)
    before = _int(request.GET.get("before"))
    if before:
        qs = qs.filter(id__lt=before)
    rows = list(qs[: PAGE_SIZE + 1])
    more = len(rows) > PAGE_SIZE
    return render(
        request,
        "tickets/liaison_list.html",
        {
            "form": form,
            "rows": rows[:PAGE_SIZE],
            "more": more,
            "next_before": rows[PAGE_SIZE - 1].pk if more else None,
            "ticket": ticket,
            "status": status,
            "statuses": LiaisonStatus.choices,
        },
    )


def _liaison(request: HttpRequest, pk: int) -> LiaisonForm:
    try:
        return selectors.liaison_list(user=request.user).select_related("project").get(pk=pk)
    except LiaisonForm.DoesNotExist:
        raise Http404(_("No such liaison form.")) from None


@login_required
def liaison_detail(request: HttpRequest, pk: int) -> HttpResponse:
    form_ = _liaison(request, pk)
    reply_form = LiaisonReplyForm(request.POST or None)
    if request.method == "POST":
        try:
            if request.POST.get("op") == "close":
                services.liaison_close(form=form_, by=request.user)
                messages.success(request, _("Liaison form closed."))
            elif reply_form.is_valid():
                services.liaison_answer(
                    form=form_, reply=reply_form.cleaned_data["reply"], by=request.user
                )
                messages.success(request, _("Reply recorded."))
            else:
                _form_messages(request, reply_form)
        except ApplicationError as error:
            _error_messages(request, error)
        return redirect("tickets:liaison", pk=form_.pk)
    return render(
        request, "tickets/liaison_detail.html", {"liaison": form_, "reply_form": reply_form}
    )


@login_required
def liaison_print(request: HttpRequest, pk: int) -> HttpResponse:
    form_ = _liaison(request, pk)
    pdf = render_pdf(
        "print/liaison.html", {"liaison": form_, "printed_at": timezone.now()}, request=request
    )
    return pdf_bytes_response(pdf, filename=f"{form_.number}.pdf")


# --- Monthly contracts -------------------------------------------------------------------


@login_required
def contract_list(request: HttpRequest) -> HttpResponse:
    household = _household_for(
        request, _int(request.GET.get("household") or request.POST.get("household"))
    )
    form = ContractCreateForm(
        request.POST or None, initial={"household": household.pk if household else None}
    )
    if request.method == "POST" and household is not None and form.is_valid():
        data = form.cleaned_data
        try:
            contract = services.contract_create(
                household=household,
                kind=data["kind"],
                service=data["service"],
                schedule_type=data["schedule_type"],
                schedule_days=data["schedule_days"],
                price=data["price"],
                starts_on=data["starts_on"],
                ends_on=data["ends_on"],
                visit_time=data["visit_time"],
                by=request.user,
            )
        except ApplicationError as error:
            error.apply_to_form(form)
        else:
            messages.success(request, _("Monthly contract registered."))
            return redirect("tickets:contract", pk=contract.pk)
    qs = selectors.contract_list(user=request.user)
    if household is not None:
        qs = qs.filter(household=household)
    return render(
        request,
        "tickets/contract_list.html",
        {"rows": list(qs[:200]), "form": form, "household": household},
    )


@login_required
def contract_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A contract's monthly register: the visits due and the order opened for each."""
    try:
        contract = selectors.contract_list(user=request.user).select_related("project").get(pk=pk)
    except MonthlyContract.DoesNotExist:
        raise Http404(_("No such contract.")) from None
    month_form = MonthForm(request.GET, projects=[])
    start = month_form.month_start()
    if request.method == "POST":
        form = OpenVisitForm(request.POST)
        if form.is_valid():
            try:
                ticket = services.contract_open_visit(
                    contract=contract,
                    date=form.cleaned_data["date"],
                    appointment_at=form.cleaned_data["appointment_at"],
                    by=request.user,
                )
            except ApplicationError as error:
                _error_messages(request, error)
            else:
                messages.success(request, _("Opened %(serial)s.") % {"serial": ticket.serial})
        else:
            _form_messages(request, form)
        return redirect(
            f"{reverse('tickets:contract', kwargs={'pk': contract.pk})}?month={start:%Y-%m}"
        )
    rows = selectors.contract_register(contract=contract, year=start.year, month=start.month)
    time = contract.visit_time or dt.time(9, 0)
    for row in rows:
        row["default_at"] = dt.datetime.combine(row["date"], time).strftime("%Y-%m-%dT%H:%M")
    previous = (start - dt.timedelta(days=1)).replace(day=1)
    following = (start + dt.timedelta(days=32)).replace(day=1)
    return render(
        request,
        "tickets/contract_detail.html",
        {
            "contract": contract,
            "rows": rows,
            "month": start,
            "previous": previous,
            "following": following,
        },
    )


# --- Warranty repairs: the daily progress report -----------------------------------------


@login_required
def warranty_daily(request: HttpRequest) -> HttpResponse:
    """The day's warranty progress report (返修进度日报表): each open repair and its report."""
    day = timezone.localdate()
    raw = request.GET.get("date")
    if raw:
        try:
            day = dt.date.fromisoformat(raw)
        except ValueError:
            messages.error(request, _("Enter a valid date."))
    repairs = list(
        scope(WarrantyRepair.objects.all(), request.user, path="ticket__project")
        .filter(ticket__status__in=OPEN_STATUSES)
        .select_related("ticket__household__unit", "ticket__building", "liaison")
        .prefetch_related("reports__by")
        .order_by("passed_at")[:300]
    )
    rows = []
    for repair in repairs:
        reports = list(repair.reports.all())
        today = next((r for r in reports if r.date == day), None)
        rows.append({"repair": repair, "report": today, "count": len(reports)})
    context = {"rows": rows, "day": day, "printed_at": timezone.now()}
    if request.GET.get("format") == "pdf":
        return pdf_bytes_response(
            render_pdf("print/warranty_daily.html", context, request=request),
            filename=f"warranty-{day:%Y%m%d}.pdf",
        )
    return render(request, "tickets/warranty_daily.html", context)
