"""Pages of visitors and of messages and items left for residents.

    visitors/                       today's visitors (expected, in, left) with quick buttons,
                                    and the registering form (household from the search box)
    visitors/list/                  every visitor, filtered like /api/v1/visitors/
    visitors/<id>/                  one visit; arrive/ and leave/ are its steps (POST)
    visitors/messages/              messages and items left: the form and the list
    visitors/messages/<id>/         one, with "told" and "collected" (signed)

Phones are masked for a role without `residents.view_phone`; ID numbers always are.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from frontdesk.core.errors import ApplicationError
from frontdesk.core.masking import id_number_for, phone_for
from frontdesk.core.models import Project
from frontdesk.core.roles import has_role
from residents.models import Household
from residents.selectors import household_list

from ..filtersets.visitors import VisitorFilterSet, VisitorMessageFilterSet
from ..forms.visitors import (
    ArriveForm,
    MessageCollectForm,
    MessageForm,
    MessageTellForm,
    VisitorForm,
)
from ..models.visitors import Visitor, VisitorMessage
from ..selectors import visitors as selectors
from ..services import visitors as services
from ..transitions import allowed, may
from ..transitions.visitors import MESSAGE, READERS, VISITOR
from ._common import int_or_none, project_pairs

LIST_LIMIT = 200


def _reader(request: HttpRequest) -> None:
    if not has_role(request.user, *READERS):
        raise PermissionDenied


def _household(request: HttpRequest, household_id: int | None) -> Household | None:
    if household_id is None:
        return None
    return household_list(user=request.user).filter(pk=household_id).first()


def _visitor(request: HttpRequest, pk: int) -> Visitor:
    try:
        return selectors.visitor_detail(user=request.user, visitor_id=pk)
    except Visitor.DoesNotExist:
        raise Http404(_("No such visitor.")) from None


def _message(request: HttpRequest, pk: int) -> VisitorMessage:
    try:
        return selectors.message_detail(user=request.user, message_id=pk)
    except VisitorMessage.DoesNotExist:
        raise Http404(_("No such message or item.")) from None


def _row(request: HttpRequest, visitor: Visitor) -> dict[str, Any]:
    """A visitor as a page shows them: phone masked as the role requires, ID number masked."""
    return {
        "v": visitor,
        "phone": phone_for(request.user, visitor.phone),
        "id_number": id_number_for(request.user, visitor.id_number),
    }


def _errors_to_messages(request: HttpRequest, error: ApplicationError) -> None:
    for message_list in error.fields.values():
        for message in message_list:
            messages.error(request, message)


# --- Visitors --------------------------------------------------------------------------


@login_required
def visitors_today(request: HttpRequest) -> HttpResponse:
    """Today's visitors on one page, and the form to register one (or announce one)."""
    _reader(request)
    projects = project_pairs(request)
    if not projects:
        raise PermissionDenied
    source = request.POST if request.method == "POST" else request.GET
    household = _household(request, int_or_none(source.get("household")))
    project_id = int_or_none(source.get("project")) or (household.project_id if household else None)
    if project_id not in dict(projects):
        project_id = projects[0][0] if len(projects) == 1 else None
    may_register = may(request.user, VISITOR, "register")
    form = VisitorForm(projects=projects, initial={"project": project_id, "people": 1})
    if request.method == "POST":
        if not may_register:
            raise PermissionDenied
        form = VisitorForm(request.POST, projects=projects)
        if form.is_valid():
            data = form.cleaned_data
            try:
                if source.get("household") and household is None:
                    raise ApplicationError(fields={"household": [_("Not found in your projects.")]})
                visitor = services.visitor_register(
                    project=Project.objects.get(pk=data["project"]),
                    by=request.user,
                    data=services.VisitorInput(
                        household=household,
                        name=data["name"],
                        purpose=data["purpose"],
                        phone=data["phone"],
                        id_number=data["id_number"],
                        people=data["people"],
                        plate=data["plate"],
                        post=data["post"],
                        expected_on=data["expected_on"],
                        expected_at=data["expected_at"],
                        confirmed_by_phone=data["confirmed_by_phone"],
                        confirmed_with=data["confirmed_with"],
                    ),
                )
            except ApplicationError as error:
                error.apply_to_form(form)
            else:
                messages.success(
                    request,
                    _("Visitor expected.")
                    if visitor.status == "expected"
                    else _("Visitor registered."),
                )
                return redirect(f"{request.path}?project={visitor.project_id}")
    day = timezone.localdate()
    queryset = selectors.visitor_list(user=request.user).filter(project_id=project_id)
    groups = selectors.visitors_of_day(queryset=queryset, day=day)
    return render(
        request,
        "registers/visitors/today.html",
        {
            "form": form,
            "household": household,
            "project_id": project_id,
            "day": day,
            "may_register": may_register,
            "confirm_required": selectors.visitor_settings(project_id).confirm_by_phone,
            "expected": [_row(request, v) for v in groups["expected"]],
            "inside": [_row(request, v) for v in groups["in"]],
            "left": [_row(request, v) for v in groups["left"]],
            "may_step": may(request.user, VISITOR, "arrive"),
        },
    )


@login_required
def visitor_list(request: HttpRequest) -> HttpResponse:
    """Every visitor of the user's projects, filtered like `/api/v1/visitors/`."""
    _reader(request)
    filterset = VisitorFilterSet(
        request.GET, queryset=selectors.visitor_list(user=request.user), request=request
    )
    rows = list(filterset.qs[:LIST_LIMIT]) if filterset.is_valid() else []
    today = timezone.localdate()
    return render(
        request,
        "registers/visitors/list.html",
        {
            "filter": filterset,
            "rows": [{**_row(request, v), "lapsed": selectors.is_lapsed(v, today)} for v in rows],
        },
    )


@login_required
def visitor_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One visit with its arrival (and the household's confirmation) and departure."""
    _reader(request)
    visitor = _visitor(request, pk)
    return render(
        request,
        "registers/visitors/detail.html",
        {
            **_row(request, visitor),
            "lapsed": selectors.is_lapsed(visitor, timezone.localdate()),
            "actions": allowed(visitor, VISITOR, request.user),
            "arrive_form": ArriveForm(),
            "confirm_required": selectors.visitor_settings(visitor.project_id).confirm_by_phone,
        },
    )


def _back(request: HttpRequest, fallback: str) -> HttpResponse:
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(target)
    return redirect(fallback)


@login_required
@require_POST
def visitor_arrive(request: HttpRequest, pk: int) -> HttpResponse:
    """The quick "arrived" button (and the detail page's form with the confirmation)."""
    _reader(request)
    visitor = _visitor(request, pk)
    form = ArriveForm(request.POST)
    form.is_valid()
    data = form.cleaned_data
    try:
        services.visitor_arrive(
            visitor=visitor,
            by=request.user,
            confirmed_by_phone=bool(data.get("confirmed_by_phone")),
            confirmed_with=data.get("confirmed_with") or "",
        )
    except ApplicationError as error:
        _errors_to_messages(request, error)
        return redirect("registers:visitor", pk=visitor.pk)
    messages.success(request, _("%(name)s has arrived.") % {"name": visitor.name})
    return _back(request, reverse("registers:visitors-today"))


@login_required
@require_POST
def visitor_leave(request: HttpRequest, pk: int) -> HttpResponse:
    """The quick "left" button."""
    _reader(request)
    visitor = _visitor(request, pk)
    try:
        services.visitor_leave(visitor=visitor, by=request.user)
    except ApplicationError as error:
        _errors_to_messages(request, error)
        return redirect("registers:visitor", pk=visitor.pk)
    messages.success(request, _("%(name)s has left.") % {"name": visitor.name})
    return _back(request, reverse("registers:visitors-today"))


# --- Messages and items left -------------------------------------------------------------


@login_required
def visitor_messages(request: HttpRequest) -> HttpResponse:
    """Messages and items left for residents: the form to take one, and the list."""
    _reader(request)
    projects = project_pairs(request)
    if not projects:
        raise PermissionDenied
    source = request.POST if request.method == "POST" else request.GET
    household = _household(request, int_or_none(source.get("household")))
    project_id = int_or_none(source.get("project")) or (household.project_id if household else None)
    if project_id not in dict(projects):
        project_id = projects[0][0] if len(projects) == 1 else None
    may_receive = may(request.user, MESSAGE, "receive")
    form = MessageForm(projects=projects, initial={"project": project_id})
    if request.method == "POST":
        if not may_receive:
            raise PermissionDenied
        form = MessageForm(request.POST, projects=projects)
        if form.is_valid():
            data = form.cleaned_data
            try:
                if source.get("household") and household is None:
                    raise ApplicationError(fields={"household": [_("Not found in your projects.")]})
                message = services.message_receive(
                    project=Project.objects.get(pk=data["project"]),
                    by=request.user,
                    data=services.MessageInput(
                        household=household,
                        kind=data["kind"],
                        left_by=data["left_by"],
                        left_by_phone=data["left_by_phone"],
                        content=data["content"],
                    ),
                )
            except ApplicationError as error:
                error.apply_to_form(form)
            else:
                messages.success(request, _("Received. Tell the resident."))
                return redirect("registers:visitor-message", pk=message.pk)
    filterset = VisitorMessageFilterSet(
        request.GET,
        queryset=selectors.message_list(user=request.user),
        request=request,
    )
    rows = list(filterset.qs[:LIST_LIMIT]) if filterset.is_valid() else []
    return render(
        request,
        "registers/visitors/messages.html",
        {
            "form": form,
            "household": household,
            "project_id": project_id,
            "may_receive": may_receive,
            "filter": filterset,
            "rows": [(m, phone_for(request.user, m.left_by_phone)) for m in rows],
        },
    )


@login_required
def visitor_message(request: HttpRequest, pk: int) -> HttpResponse:
    """One message or item: the resident told, then collected against a signature."""
    _reader(request)
    message = _message(request, pk)
    forms: dict[str, Any] = {
        "tell": MessageTellForm(prefix="tell"),
        "collect": MessageCollectForm(prefix="collect"),
    }
    if request.method == "POST":
        action = request.POST.get("action", "")
        form_class = {"tell": MessageTellForm, "collect": MessageCollectForm}.get(action)
        if form_class is None:
            raise Http404
        form = form_class(request.POST, prefix=action)
        forms[action] = form
        if form.is_valid():
            data = form.cleaned_data
            try:
                if action == "tell":
                    services.message_tell(
                        message=message, by=request.user, how=data["how"], whom=data["whom"]
                    )
                    messages.success(request, _("Recorded: the resident was told."))
                else:
                    services.message_collect(
                        message=message,
                        by=request.user,
                        collector_name=data["collector_name"],
                        signature=data["signature"],
                        signed_on_paper=data["signed_on_paper"],
                    )
                    messages.success(request, _("Collected and signed for."))
            except ApplicationError as error:
                error.apply_to_form(form)
            else:
                return redirect("registers:visitor-message", pk=message.pk)
    return render(
        request,
        "registers/visitors/message.html",
        {
            "m": message,
            "left_by_phone": phone_for(request.user, message.left_by_phone),
            "actions": allowed(message, MESSAGE, request.user),
            "forms": forms,
        },
    )


@login_required
def visitor_message_signature(request: HttpRequest, pk: int) -> FileResponse:
    """The collector's signature: served only to staff of the message's project."""
    _reader(request)
    message = _message(request, pk)
    if not message.signature:
        raise Http404
    return FileResponse(message.signature.open("rb"), content_type="image/png")


urlpatterns = [
    path("visitors/", visitors_today, name="visitors-today"),
    path("visitors/list/", visitor_list, name="visitors"),
    path("visitors/<int:pk>/", visitor_detail, name="visitor"),
    path("visitors/<int:pk>/arrive/", visitor_arrive, name="visitor-arrive"),
    path("visitors/<int:pk>/leave/", visitor_leave, name="visitor-leave"),
    path("visitors/messages/", visitor_messages, name="visitor-messages"),
    path("visitors/messages/<int:pk>/", visitor_message, name="visitor-message"),
    path(
        "visitors/messages/<int:pk>/signature/",
        visitor_message_signature,
        name="visitor-message-signature",
    ),
]
