"""Pages of the lost and found register: the items and the form to register one; one item
with its return to the owner or its disposal; its photo and signature for staff only."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.utils import timezone

from frontdesk.core.errors import ApplicationError
from frontdesk.core.masking import phone_for
from frontdesk.core.models import Project
from frontdesk.core.scoping import projects_for
from tickets.forms import staff_choices

from ..filtersets.lost_found import FoundItemFilterSet
from ..forms.lost_found import DisposeForm, FoundItemForm, FoundReturnForm
from ..models.lost_found import FoundItem
from ..selectors import lost_found as selectors
from ..services import lost_found as services
from ..transitions import allowed, may
from ..transitions.lost_found import FOUND
from ._common import int_or_none
from .custody import serve_image
from .loans import staff_only


@login_required
def items(request: HttpRequest) -> HttpResponse:
    """Found items (waiting first, those past the holding period marked) and the form."""
    staff_only(request)
    projects = [(p.pk, p.name) for p in projects_for(request.user)]
    if not projects:
        raise PermissionDenied
    may_register = may(request.user, FOUND, "register")
    project_id = int_or_none(request.POST.get("project")) or projects[0][0]
    form = FoundItemForm(
        request.POST or None,
        request.FILES or None,
        projects=projects,
        staff=staff_choices(project_id),
    )
    if request.method == "POST":
        if not may_register:
            raise PermissionDenied
        if form.is_valid():
            data = form.cleaned_data
            found_by = (
                get_user_model().objects.filter(pk=data["found_by"], is_active=True).first()
                if data["found_by"]
                else None
            )
            try:
                item = services.found_register(
                    project=Project.objects.get(pk=data["project"]),
                    by=request.user,
                    what=data["what"],
                    where_found=data["where_found"],
                    kept_at=data["kept_at"],
                    found_at=data["found_at"],
                    found_by=found_by,
                    found_by_name=data["found_by_name"],
                    perishable=data["perishable"],
                    photo=data["photo"],
                )
            except ApplicationError as error:
                error.apply_to_form(form)
            else:
                return redirect("registers:found-item", pk=item.pk)
    filterset = FoundItemFilterSet(
        request.GET, queryset=selectors.found_list(user=request.user), request=request
    )
    rows = (
        list(filterset.qs.order_by("-status", "hold_until", "-id")[:100])
        if filterset.is_valid()
        else []
    )
    return render(
        request,
        "registers/lost_found/list.html",
        {
            "rows": rows,
            "form": form,
            "filter": filterset,
            "may_register": may_register,
            "today": timezone.localdate(),
            "several_projects": len(projects) > 1,
        },
        status=400 if form.errors else 200,
    )


def _item(request: HttpRequest, pk: int) -> FoundItem:
    try:
        return selectors.found_detail(user=request.user, item_id=pk)
    except FoundItem.DoesNotExist:
        raise Http404 from None


@login_required
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One found item: where it is kept; return it to its owner, or dispose of it."""
    staff_only(request)
    item = _item(request, pk)
    return_form = FoundReturnForm(prefix="return")
    dispose_form = DisposeForm(prefix="dispose")
    status = 200
    if request.method == "POST":
        status = 400
        try:
            if request.POST.get("action") == "dispose":
                dispose_form = DisposeForm(request.POST, prefix="dispose")
                if dispose_form.is_valid():
                    services.found_dispose(item=item, by=request.user, **dispose_form.cleaned_data)
                    return redirect("registers:found-item", pk=pk)
            else:
                return_form = FoundReturnForm(request.POST, prefix="return")
                if return_form.is_valid():
                    services.found_return(item=item, by=request.user, **return_form.cleaned_data)
                    return redirect("registers:found-item", pk=pk)
        except ApplicationError as error:
            error.apply_to_form(
                dispose_form if request.POST.get("action") == "dispose" else return_form
            )
        item = _item(request, pk)
    item.shown_phone = phone_for(request.user, item.owner_phone)  # type: ignore[attr-defined]
    return render(
        request,
        "registers/lost_found/detail.html",
        {
            "item": item,
            "return_form": return_form,
            "dispose_form": dispose_form,
            "actions": allowed(item, FOUND, request.user),
            "today": timezone.localdate(),
        },
        status=status,
    )


@login_required
def photo(request: HttpRequest, pk: int) -> FileResponse:
    """The photo of a found item: served only to staff of its project."""
    staff_only(request)
    return serve_image(_item(request, pk).photo)


@login_required
def signature(request: HttpRequest, pk: int) -> FileResponse:
    """The owner's signature on return: served only to staff of the item's project."""
    staff_only(request)
    return serve_image(_item(request, pk).signature)


urlpatterns: list[URLPattern] = [
    path("lost-found/", items, name="lost-found"),
    path("lost-found/<int:pk>/", detail, name="found-item"),
    path("lost-found/<int:pk>/photo/", photo, name="found-photo"),
    path("lost-found/<int:pk>/signature/", signature, name="found-signature"),
]
