"""Pages of patrols and inspections (巡查).

inspections/                          today's schedule (done / due / missed) and the runs
inspections/checklists/               the checklists of the user's projects
inspections/checklists/<id>/          one checklist: items, times, recent runs
inspections/checklists/<id>/walk/     record a walk, item by item (made for a phone)
inspections/<id>/                     one run: results, rectification orders and status
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.utils import timezone
from django.utils.dateparse import parse_date

from frontdesk.core.errors import ApplicationError
from frontdesk.core.models import Project
from frontdesk.core.roles import Role, has_role
from frontdesk.core.scoping import project_ids_for, projects_for

from ..filtersets.inspections import InspectionRunFilterSet
from ..forms.inspections import OK, ChecklistForm, WalkForm
from ..models import Checklist, InspectionResult, InspectionRun
from ..selectors import inspections as selectors
from ..services import inspections as services
from ..transitions import may
from ..transitions.inspections import CHECKLIST, RECORD, walk_action


def _staff(request: HttpRequest) -> None:
    if not has_role(request.user, *Role.values):
        raise PermissionDenied


def _checklist(request: HttpRequest, pk: int) -> Checklist:
    try:
        return selectors.checklist_detail(user=request.user, checklist_id=pk)
    except Checklist.DoesNotExist:
        raise Http404 from None


@login_required
def today(request: HttpRequest) -> HttpResponse:
    """Today's walks, done, due and missed, and the runs recorded (filtered)."""
    _staff(request)
    now = timezone.now()
    day = parse_date(request.GET.get("date") or "") or timezone.localdate(now)
    slots = selectors.schedule_for(user=request.user, day=day, now=now)
    filterset = InspectionRunFilterSet(
        request.GET, queryset=selectors.run_list(user=request.user), request=request
    )
    runs = list(filterset.qs[:100]) if filterset.is_valid() else []
    return render(
        request,
        "registers/inspections/today.html",
        {
            "day": day,
            "slots": slots,
            "missed": sum(1 for s in slots if s.state == selectors.MISSED),
            "runs": runs,
            "filter": filterset.form,
        },
    )


@login_required
def missed_badge(request: HttpRequest) -> HttpResponse:
    """How many walks are missed so far today (a badge the registers' page loads)."""
    _staff(request)
    slots = selectors.schedule_for(user=request.user, day=timezone.localdate())
    missed = sum(1 for s in slots if s.state == selectors.MISSED)
    return render(request, "registers/inspections/_missed.html", {"missed": missed})


@login_required
def checklists(request: HttpRequest) -> HttpResponse:
    """The checklists of the user's projects, in use first."""
    _staff(request)
    rows = list(selectors.checklist_list(user=request.user)[:200])
    return render(
        request,
        "registers/inspections/checklists.html",
        {"rows": rows, "can_keep": may(request.user, CHECKLIST, "create")},
    )


@login_required
def checklist_new(request: HttpRequest) -> HttpResponse:
    """The supervisor's form for a checklist; from an existing one (`?replaces=`), a changed
    copy that replaces it (the old one is retired, its walks keep their items)."""
    _staff(request)
    if not may(request.user, CHECKLIST, "create"):
        raise PermissionDenied
    projects = [(p.pk, p.name) for p in projects_for(request.user)]
    initial: dict[str, Any] = {}
    replaces_id = request.POST.get("replaces") or request.GET.get("replaces")
    replaces = None
    if replaces_id:
        try:
            replaces = _checklist(request, int(replaces_id))
        except ValueError:
            raise Http404 from None
        initial = {
            "project": replaces.project_id,
            "name": replaces.name,
            "kind": replaces.kind,
            "place": replaces.place,
            "times": ", ".join(replaces.times),
            "grace_minutes": replaces.grace_minutes,
            "replaces": replaces.pk,
        }
        for n, item in enumerate(replaces.items.all(), start=1):
            initial[f"item_{n}"] = item.name
            initial[f"department_{n}"] = item.department
    form = ChecklistForm(request.POST or None, projects=projects, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            checklist = services.checklist_create(
                project=Project.objects.get(pk=data["project"]),
                by=request.user,
                name=data["name"],
                kind=data["kind"],
                place=data["place"],
                times=[t for t in (data["times"] or "").replace("，", ",").split(",") if t.strip()],
                grace_minutes=data["grace_minutes"],
                items=[services.ItemInput(name, department) for name, department in form.items()],
                replaces=replaces,
            )
        except ApplicationError as error:
            error.apply_to_form(form)
        else:
            return redirect("registers:checklist", pk=checklist.pk)
    return render(
        request,
        "registers/inspections/checklist_form.html",
        {"form": form, "replaces": replaces},
    )


@login_required
def checklist_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One checklist: its items and departments, its times, its last runs."""
    _staff(request)
    checklist = _checklist(request, pk)
    if request.method == "POST" and request.POST.get("action") == "retire":
        try:
            services.checklist_retire(checklist=checklist, by=request.user)
        except ApplicationError as error:
            raise PermissionDenied(str(error)) from None
        return redirect("registers:checklist", pk=pk)
    runs = list(selectors.run_list(user=request.user).filter(checklist=checklist)[:20])
    return render(
        request,
        "registers/inspections/checklist.html",
        {
            "checklist": checklist,
            "runs": runs,
            "can_walk": checklist.is_active
            and may(request.user, RECORD, walk_action(checklist.kind)),
            "can_retire": checklist.is_active and may(request.user, CHECKLIST, "retire"),
        },
    )


@login_required
def walk(request: HttpRequest, pk: int) -> HttpResponse:
    """Record a walk of a checklist: every item OK or Not OK, a note, a photo."""
    _staff(request)
    checklist = _checklist(request, pk)
    if not checklist.is_active or not may(request.user, RECORD, walk_action(checklist.kind)):
        raise PermissionDenied
    form = WalkForm(
        request.POST or None,
        request.FILES or None,
        checklist=checklist,
        initial={"started_at": timezone.localtime().replace(microsecond=0)},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        results = [
            services.ResultInput(
                item=item.pk,
                ok=data[f"ok_{item.pk}"] == OK,
                note=data[f"note_{item.pk}"],
                photo=data.get(f"photo_{item.pk}") or None,
            )
            for item, *_fields in form.rows
        ]
        try:
            run = services.inspection_record(
                checklist=checklist,
                by=request.user,
                results=results,
                started_at=data["started_at"],
            )
        except ApplicationError as error:
            error.apply_to_form(form)
        else:
            return redirect("registers:inspection", pk=run.pk)
    return render(
        request, "registers/inspections/walk.html", {"checklist": checklist, "form": form}
    )


@login_required
def run_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One run: its items as walked, and each failed item's rectification order and status."""
    _staff(request)
    try:
        run = selectors.run_detail(user=request.user, run_id=pk)
    except InspectionRun.DoesNotExist:
        raise Http404 from None
    error = ""
    if request.method == "POST" and request.POST.get("action") == "rectify":
        try:
            services.inspection_rectify(run=run, by=request.user)
        except ApplicationError as refused:
            error = str(refused)
        else:
            return redirect("registers:inspection", pk=pk)
    results = list(run.results.all())
    waiting = [r for r in results if not r.ok and r.ticket_id is None]
    return render(
        request,
        "registers/inspections/run.html",
        {
            "run": run,
            "results": results,
            "waiting": waiting,
            "can_rectify": bool(waiting) and may(request.user, RECORD, "rectify"),
            "error": error,
        },
    )


@login_required
def result_photo(request: HttpRequest, pk: int) -> FileResponse:
    """The photo of an item of a run of the user's projects."""
    _staff(request)
    result = InspectionResult.objects.filter(
        pk=pk, run__project_id__in=project_ids_for(request.user)
    ).first()
    if result is None or not result.photo:
        raise Http404
    return FileResponse(result.photo.open("rb"), filename=result.photo.name.rsplit("/", 1)[-1])


urlpatterns: list[URLPattern] = [
    path("inspections/", today, name="inspections-today"),
    path("inspections/missed/", missed_badge, name="inspections-missed"),
    path("inspections/checklists/", checklists, name="checklists"),
    path("inspections/checklists/new/", checklist_new, name="checklist-new"),
    path("inspections/checklists/<int:pk>/", checklist_detail, name="checklist"),
    path("inspections/checklists/<int:pk>/walk/", walk, name="inspection-walk"),
    path("inspections/<int:pk>/", run_detail, name="inspection"),
    path("inspections/photos/<int:pk>/", result_photo, name="inspection-photo"),
]
