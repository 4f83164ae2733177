"""Pages of mail and parcels: the list, the batch receiving page, one parcel with its steps,
the area staff's daily list (and its PDF), the signature image.

Thin: parse with the forms, call a service or selector, render. A refused step shows
the service's messages on its form.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _

from frontdesk.core.errors import ApplicationError
from frontdesk.core.models import Project
from frontdesk.core.pdf import pdf_response
from frontdesk.core.roles import Role, has_role
from frontdesk.core.scoping import projects_for

from ..filtersets.parcels import ParcelFilterSet
from ..forms.parcels import PickupForm, ReceiveForm, ReturnForm, TellForm
from ..models.parcels import Parcel
from ..selectors import parcels as selectors
from ..services import parcels as services
from ..transitions import allowed, may
from ..transitions.parcels import READERS, RECORD
from ._common import int_or_none, project_pairs

LIST_LIMIT = 200


def _reader(request: HttpRequest) -> None:
    if not has_role(request.user, *READERS):
        raise PermissionDenied


def _parcel(request: HttpRequest, pk: int) -> Parcel:
    try:
        return selectors.parcel_detail(user=request.user, parcel_id=pk)
    except Parcel.DoesNotExist:
        raise Http404(_("No such parcel.")) from None


@login_required
def parcel_list(request: HttpRequest) -> HttpResponse:
    """Mail and parcels of the user's projects, filtered like `/api/v1/parcels/`."""
    _reader(request)
    filterset = ParcelFilterSet(
        request.GET, queryset=selectors.parcel_list(user=request.user), request=request
    )
    rows = list(filterset.qs[:LIST_LIMIT]) if filterset.is_valid() else []
    settings = selectors.settings_for({p.project_id for p in rows})
    now = timezone.now()
    return render(
        request,
        "registers/parcels/list.html",
        {
            "filter": filterset,
            "rows": [(p, selectors.is_overdue(p, settings[p.project_id], now)) for p in rows],
            "may_receive": may(request.user, RECORD, "receive"),
        },
    )


def _received_today(request: HttpRequest, project_id: int | None) -> list[Parcel]:
    """Today's mail of the project being received for (of all the user's before one is
    chosen; the list is scoped to them)."""
    start = timezone.make_aware(dt.datetime.combine(timezone.localdate(), dt.time.min))
    received = selectors.parcel_list(user=request.user).filter(received_at__gte=start)
    if project_id is not None:
        received = received.filter(project_id=project_id)
    return list(received[:100])


@login_required
def parcels_receive(request: HttpRequest) -> HttpResponse:
    """The batch page: scan or type a tracking number, type the unit, Enter; the row is added
    below without leaving the page (htmx), and the form is ready for the next one."""
    if not may(request.user, RECORD, "receive"):
        raise PermissionDenied
    projects = project_pairs(request)
    if not projects:
        raise PermissionDenied
    source = request.POST if request.method == "POST" else request.GET
    project_id = int_or_none(source.get("project"))
    if project_id not in dict(projects):
        project_id = projects[0][0] if len(projects) == 1 else None
    initial = {"project": project_id, "carrier": "sf", "kind": "parcel"}
    added: Parcel | None = None
    if request.method == "POST":
        form = ReceiveForm(request.POST, projects=projects)
        if form.is_valid():
            data = form.cleaned_data
            try:
                household = selectors.household_for_mail(
                    user=request.user, project_id=data["project"], text=data["unit"]
                )
                added = services.parcel_receive(
                    project=Project.objects.get(pk=data["project"]),
                    by=request.user,
                    data=services.ParcelInput(
                        household=household,
                        kind=data["kind"],
                        carrier=data["carrier"],
                        tracking_number=data["tracking_number"],
                        note=data["note"],
                    ),
                )
            except ApplicationError as error:
                error.apply_to_form(form)
            else:
                if not request.headers.get("HX-Request"):
                    messages.success(request, _("Received."))
                    return redirect(
                        f"{request.path}?project={project_id}&carrier={data['carrier']}"
                        f"&kind={data['kind']}"
                    )
                # The next row keeps the project, carrier and kind of this one.
                form = ReceiveForm(
                    projects=projects,
                    initial={
                        "project": project_id,
                        "carrier": data["carrier"],
                        "kind": data["kind"],
                    },
                )
    else:
        for key in ("carrier", "kind"):
            if source.get(key):
                initial[key] = source[key]
        form = ReceiveForm(projects=projects, initial=initial)
    context = {
        "form": form,
        "project_id": project_id,
        "rows": _received_today(request, project_id),
        "added": added,
    }
    template = (
        "registers/parcels/_receive_area.html"
        if request.headers.get("HX-Request")
        else "registers/parcels/receive.html"
    )
    return render(request, template, context)


@login_required
def parcel_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One item of mail with its steps: told, picked up (signed), returned to sender."""
    _reader(request)
    parcel = _parcel(request, pk)
    forms: dict[str, Any] = {
        "tell": TellForm(prefix="tell"),
        "pickup": PickupForm(
            prefix="pickup",
            initial={"collector_kind": "area_staff" if has_role(request.user, Role.BUTLER) else ""},
        ),
        "return": ReturnForm(prefix="return"),
    }
    if request.method == "POST":
        action = request.POST.get("action", "")
        form_class = {"tell": TellForm, "pickup": PickupForm, "return": ReturnForm}.get(action)
        if form_class is None:
            raise Http404
        form = form_class(request.POST, prefix=action)
        forms[action] = form
        if form.is_valid():
            data = form.cleaned_data
            try:
                if action == "tell":
                    services.parcel_tell(parcel=parcel, by=request.user, channel=data["channel"])
                    messages.success(request, _("Recorded: the household was told."))
                elif action == "pickup":
                    services.parcel_pickup(
                        parcel=parcel,
                        by=request.user,
                        collector_name=data["collector_name"],
                        collector_kind=data["collector_kind"],
                        signature=data["signature"],
                        signed_on_paper=data["signed_on_paper"],
                        id_type=data["id_type"],
                        id_last_digits=data["id_last_digits"],
                    )
                    messages.success(request, _("Picked up and signed for."))
                else:
                    services.parcel_return(parcel=parcel, by=request.user, reason=data["reason"])
                    messages.success(request, _("Recorded as returned to the sender."))
            except ApplicationError as error:
                error.apply_to_form(form)
            else:
                return redirect("registers:parcel", pk=parcel.pk)
    settings = selectors.parcel_settings(parcel.project_id)
    return render(
        request,
        "registers/parcels/detail.html",
        {
            "parcel": parcel,
            "overdue": selectors.is_overdue(parcel, settings, timezone.now()),
            "actions": allowed(parcel, RECORD, request.user),
            "forms": forms,
        },
    )


@login_required
def parcel_signature(request: HttpRequest, pk: int) -> FileResponse:
    """The collector's signature: served only to staff of the parcel's project."""
    _reader(request)
    parcel = _parcel(request, pk)
    if not parcel.signature:
        raise Http404
    return FileResponse(parcel.signature.open("rb"), content_type="image/png")


def _daily_rows(request: HttpRequest) -> tuple[Project | None, list[Any]]:
    """The waiting mail grouped by building: a butler's own buildings, the desk's all."""
    projects = projects_for(request.user)
    project = (
        projects.filter(pk=int_or_none(request.GET.get("project")) or 0).first() or projects.first()
    )
    if project is None:
        return None, []
    queryset = selectors.parcel_list(user=request.user).filter(project=project)
    if has_role(request.user, Role.BUTLER) and not has_role(
        request.user, Role.DESK, Role.SUPERVISOR, Role.MANAGER
    ):
        queryset = queryset.filter(building__butler=request.user)
    building = int_or_none(request.GET.get("building"))
    if building:
        queryset = queryset.filter(building_id=building)
    return project, selectors.waiting_by_building(queryset=queryset)


@login_required
def parcels_daily(request: HttpRequest) -> HttpResponse:
    """The area staff's list: every item waiting for pickup, by building."""
    _reader(request)
    project, groups = _daily_rows(request)
    return render(
        request,
        "registers/parcels/daily.html",
        {"project": project, "groups": groups, "projects": projects_for(request.user)},
    )


@login_required
def parcels_daily_print(request: HttpRequest) -> HttpResponse:
    """The area staff's list as a PDF, one section per building, with a column to sign."""
    _reader(request)
    project, groups = _daily_rows(request)
    if project is None:
        raise PermissionDenied
    now = timezone.now()
    return pdf_response(
        "registers/print/parcels_daily.html",
        {"project": project, "groups": groups, "printed_at": now},
        request=request,
        filename=f"mail-{project.code}-{timezone.localdate(now).isoformat()}.pdf",
    )


urlpatterns = [
    path("parcels/", parcel_list, name="parcels"),
    path("parcels/receive/", parcels_receive, name="parcels-receive"),
    path("parcels/daily/", parcels_daily, name="parcels-daily"),
    path("parcels/daily/print/", parcels_daily_print, name="parcels-daily-print"),
    path("parcels/<int:pk>/", parcel_detail, name="parcel"),
    path("parcels/<int:pk>/signature/", parcel_signature, name="parcel-signature"),
]
