"""Pages of the incoming documents' register (外来文件登记表 R01—WKF08).

documents/                 the register, open first, and the form to register one
documents/<id>/            one document: instruct, sign for, correct or void
documents/<id>/scan/       its scan
documents/print/           the register of a period as form R01—WKF08 (PDF)
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Case, Value, When
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.utils import timezone

from frontdesk.core.errors import ApplicationError
from frontdesk.core.models import Project
from frontdesk.core.pdf import pdf_response
from frontdesk.core.roles import Role, has_role
from frontdesk.core.scoping import projects_for

from ..choices.documents import OPEN_STATUSES
from ..filtersets.documents import IncomingDocumentFilterSet
from ..forms.documents import (
    AcknowledgeForm,
    CorrectForm,
    DocumentForm,
    InstructForm,
    PeriodForm,
    VoidForm,
)
from ..models import IncomingDocument
from ..selectors import documents as selectors
from ..services import documents as services
from ..transitions import allowed, may

NAME = "document"


def _only(projects: list[tuple[int, str]]) -> int | None:
    """The user's only project; None for a user of several (they choose)."""
    return projects[0][0] if len(projects) == 1 else None


def _staff(request: HttpRequest) -> list[tuple[int, str]]:
    """The user's projects as choices; PermissionDenied for anyone without a desk role."""
    if not has_role(request.user, *Role.values):
        raise PermissionDenied
    projects = [(p.pk, p.name) for p in projects_for(request.user)]
    if not projects:
        raise PermissionDenied
    return projects


def _input(data: dict[str, Any]) -> services.DocumentInput:
    return services.DocumentInput(
        sender=data["sender"],
        title=data["title"],
        reference=data.get("reference") or "",
        pages=data["pages"],
        copies=data["copies"],
        urgency=data["urgency"],
        received_at=data.get("received_at"),
        scan=data.get("scan"),
    )


@login_required
def document_list(request: HttpRequest) -> HttpResponse:
    """The register: open documents first, then the rest, newest first; the form to register."""
    projects = _staff(request)
    can_register = may(request.user, NAME, "register")
    form = DocumentForm(request.POST or None, request.FILES or None, projects=projects)
    if request.method == "POST":
        if not can_register:
            raise PermissionDenied
        if form.is_valid():
            data = dict(form.cleaned_data)
            try:
                document = services.document_register(
                    project=Project.objects.get(pk=data.pop("project")),
                    by=request.user,
                    data=_input(data),
                )
            except ApplicationError as error:
                error.apply_to_form(form)
            else:
                return redirect("registers:document", pk=document.pk)
    filterset = IncomingDocumentFilterSet(
        request.GET, queryset=selectors.document_list(user=request.user), request=request
    )
    rows = (
        list(
            filterset.qs.alias(
                closed=Case(When(status__in=OPEN_STATUSES, then=Value(0)), default=Value(1))
            ).order_by("closed", "-received_at", "-id")[:100]
        )
        if filterset.is_valid()
        else []
    )
    today = timezone.localdate()
    return render(
        request,
        "registers/documents/list.html",
        {
            "rows": rows,
            "form": form,
            "filter": filterset.form,
            "can_register": can_register,
            "print_form": PeriodForm(
                projects=projects,
                initial={"start": today.replace(day=1), "end": today, "project": _only(projects)},
            ),
        },
    )


@login_required
def document_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One document: the manager's instruction, the departments' receipts, correct or void."""
    _staff(request)
    try:
        document = selectors.document_detail(user=request.user, document_id=pk)
    except IncomingDocument.DoesNotExist:
        raise Http404 from None
    action = request.POST.get("action") if request.method == "POST" else None
    instruct_form = InstructForm(request.POST if action == "instruct" else None, prefix="instruct")
    pending = [r for r in document.receipts.all() if r.acknowledged_at is None]
    ack_form = AcknowledgeForm(request.POST if action == "acknowledge" else None, prefix="ack")
    ack_form.fields["department"].choices = [
        (r.department, r.get_department_display()) for r in pending
    ]
    void_form = VoidForm(request.POST if action == "void" else None, prefix="void")
    correct_form = CorrectForm(
        request.POST if action == "correct" else None,
        request.FILES if action == "correct" else None,
        prefix="correct",
        projects=[(document.project_id, document.project.name)],
        initial={
            "project": document.project_id,
            "sender": document.sender,
            "title": document.title,
            "reference": document.reference,
            "pages": document.pages,
            "copies": document.copies,
            "urgency": document.urgency,
            "received_at": timezone.localtime(document.received_at),
        },
    )
    forms = {
        "instruct": instruct_form,
        "acknowledge": ack_form,
        "void": void_form,
        "correct": correct_form,
    }
    if action in forms:
        form = forms[action]
        if form.is_valid():
            data = dict(form.cleaned_data)
            try:
                if action == "instruct":
                    services.document_instruct(document=document, by=request.user, **data)
                elif action == "acknowledge":
                    services.document_acknowledge(document=document, by=request.user, **data)
                elif action == "void":
                    services.document_void(document=document, by=request.user, **data)
                else:
                    reason = data.pop("reason")
                    data.pop("project")
                    new = services.document_correct(
                        document=document, by=request.user, reason=reason, data=_input(data)
                    )
                    return redirect("registers:document", pk=new.pk)
            except ApplicationError as error:
                error.apply_to_form(form)
            else:
                return redirect("registers:document", pk=pk)
    return render(
        request,
        "registers/documents/detail.html",
        {
            "document": document,
            "actions": allowed(document, NAME, request.user),
            "pending": pending,
            **{f"{name}_form": form for name, form in forms.items()},
        },
    )


@login_required
def document_scan(request: HttpRequest, pk: int) -> FileResponse:
    """The scan of a document of the user's projects."""
    projects = _staff(request)
    document = IncomingDocument.objects.filter(
        pk=pk, project_id__in=[p for p, _name in projects]
    ).first()
    if document is None or not document.scan:
        raise Http404
    return FileResponse(document.scan.open("rb"), filename=document.scan.name.rsplit("/", 1)[-1])


@login_required
def document_print(request: HttpRequest) -> HttpResponse:
    """The register of one project for a period, as the paper form R01—WKF08 (PDF)."""
    projects = _staff(request)
    form = PeriodForm(request.GET or None, projects=projects)
    if not form.is_valid():
        return render(request, "registers/documents/print_form.html", {"form": form}, status=400)
    data = form.cleaned_data
    project = Project.objects.get(pk=data["project"])
    start = timezone.make_aware(dt.datetime.combine(data["start"], dt.time.min))
    end = timezone.make_aware(dt.datetime.combine(data["end"] + dt.timedelta(days=1), dt.time.min))
    rows = selectors.documents_for_print(user=request.user, project=project, start=start, end=end)
    return pdf_response(
        "registers/print/documents.html",
        {
            "project": project,
            "start": data["start"],
            "end": data["end"],
            "rows": rows,
            "printed_at": timezone.now(),
        },
        request=request,
        filename=f"R01-WKF08-{project.code}-{data['start']:%Y%m%d}-{data['end']:%Y%m%d}.pdf",
    )


urlpatterns: list[URLPattern] = [
    path("documents/", document_list, name="documents"),
    path("documents/print/", document_print, name="documents-print"),
    path("documents/<int:pk>/", document_detail, name="document"),
    path("documents/<int:pk>/scan/", document_scan, name="document-scan"),
]
