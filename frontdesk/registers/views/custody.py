"""Pages of the valuables in custody register: receive, the list, one deposit (name a
delegate, hand back, print the receipt), and its photos and signature for staff only."""

from __future__ import annotations

import mimetypes
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models.fields.files import FieldFile
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.utils import timezone
from django.utils.translation import gettext as _

from frontdesk.core.errors import ApplicationError
from frontdesk.core.masking import phone_for
from frontdesk.core.models import Project
from frontdesk.core.pdf import pdf_bytes_response, render_pdf
from frontdesk.core.scoping import projects_for

from ..filtersets.custody import DepositFilterSet
from ..forms.custody import CustodyReturnForm, DelegateForm, DepositForm
from ..models.custody import Deposit
from ..selectors import custody as selectors
from ..services import custody as services
from ..transitions import allowed, may
from ..transitions.custody import CUSTODY
from .loans import _household_by_ref, staff_only


def serve_image(field: FieldFile) -> FileResponse:
    """A photo or signature: shown inline when it is a raster image, else only downloaded."""
    if not field:
        raise Http404
    filename = field.name.rsplit("/", 1)[-1]
    kind, _encoding = mimetypes.guess_type(filename)
    inline = kind is not None and kind.startswith("image/") and kind != "image/svg+xml"
    response = FileResponse(field.open("rb"), filename=filename, as_attachment=not inline)
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


def receipt_pdf(deposit: Deposit, *, by: Any, request: HttpRequest | None, counted: bool) -> bytes:
    """The custody receipt as `by` may see it (the owner's phone masked for a role without
    `residents.view_phone`); with `counted`, one printing is counted first."""
    print_count = deposit.print_count
    if counted:
        print_count = services.deposit_record_print(deposit=deposit, by=by)
    delegates = [{"name": d.name, "phone": phone_for(by, d.phone)} for d in deposit.delegates.all()]
    context = {
        "deposit": deposit,
        "owner_phone": phone_for(by, deposit.owner_phone),
        "delegates": delegates,
        "photo_count": len(deposit.photos.all()),
        "preview": not counted,
        "reprint": counted and print_count > 1,
        "print_count": print_count,
        "printed_at": timezone.now(),
        "printed_by": by,
    }
    return render_pdf("registers/print/custody_receipt.html", context, request=request)


def _deposit(request: HttpRequest, pk: int) -> Deposit:
    try:
        return selectors.deposit_detail(user=request.user, deposit_id=pk)
    except Deposit.DoesNotExist:
        raise Http404 from None


def _shown(request: HttpRequest, deposit: Deposit) -> Deposit:
    deposit.shown_phone = phone_for(request.user, deposit.owner_phone)  # type: ignore[attr-defined]
    return deposit


@login_required
def deposits(request: HttpRequest) -> HttpResponse:
    """Valuables in custody: the list (held first) and the form to receive more."""
    staff_only(request)
    projects = [(p.pk, p.name) for p in projects_for(request.user)]
    if not projects:
        raise PermissionDenied
    may_receive = may(request.user, CUSTODY, "receive")
    form = DepositForm(
        request.POST or None, request.FILES or None, projects=projects, prefix="deposit"
    )
    if request.method == "POST":
        if not may_receive:
            raise PermissionDenied
        if form.is_valid():
            data = form.cleaned_data
            project = Project.objects.get(pk=data["project"])
            household = None
            if data["file"]:
                household = _household_by_ref(project.pk, data["file"])
                if household is None:
                    form.add_error(
                        "file", _("No household file of this project has this number or unit.")
                    )
            if not form.errors:
                try:
                    deposit = services.deposit_receive(
                        project=project,
                        by=request.user,
                        household=household,
                        owner_name=data["owner_name"],
                        owner_phone=data["owner_phone"],
                        description=data["description"],
                        declared_value=data["declared_value"],
                        delegate_name=data["delegate_name"],
                        delegate_phone=data["delegate_phone"],
                        photos=data["photos"],
                    )
                except ApplicationError as error:
                    error.apply_to_form(form)
                else:
                    return redirect("registers:custody-detail", pk=deposit.pk)
    filterset = DepositFilterSet(
        request.GET, queryset=selectors.deposit_list(user=request.user), request=request
    )
    rows = (
        [_shown(request, d) for d in filterset.qs.order_by("status", "-received_at", "-id")[:100]]
        if filterset.is_valid()
        else []
    )
    return render(
        request,
        "registers/custody/list.html",
        {
            "rows": rows,
            "form": form,
            "filter": filterset,
            "may_receive": may_receive,
            "several_projects": len(projects) > 1,
        },
        status=400 if form.errors else 200,
    )


def _detail_page(
    request: HttpRequest,
    deposit: Deposit,
    *,
    delegate_form: DelegateForm | None = None,
    return_form: CustodyReturnForm | None = None,
    status: int = 200,
) -> HttpResponse:
    delegates = [
        {"d": d, "phone": phone_for(request.user, d.phone)} for d in deposit.delegates.all()
    ]
    return render(
        request,
        "registers/custody/detail.html",
        {
            "deposit": _shown(request, deposit),
            "delegates": delegates,
            "delegate_form": delegate_form or DelegateForm(prefix="delegate"),
            "return_form": return_form or CustodyReturnForm(prefix="return"),
            "actions": allowed(deposit, CUSTODY, request.user),
        },
        status=status,
    )


@login_required
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One deposit: items, photos, who may collect; name a delegate, hand back, print."""
    staff_only(request)
    deposit = _deposit(request, pk)
    if request.method != "POST":
        return _detail_page(request, deposit)
    if request.POST.get("action") == "delegate":
        delegate_form = DelegateForm(request.POST, prefix="delegate")
        if delegate_form.is_valid():
            try:
                services.deposit_name_delegate(
                    deposit=deposit, by=request.user, **delegate_form.cleaned_data
                )
            except ApplicationError as error:
                error.apply_to_form(delegate_form)
            else:
                return redirect("registers:custody-detail", pk=pk)
        return _detail_page(request, deposit, delegate_form=delegate_form, status=400)
    return_form = CustodyReturnForm(request.POST, prefix="return")
    if return_form.is_valid():
        try:
            services.deposit_return(deposit=deposit, by=request.user, **return_form.cleaned_data)
        except ApplicationError as error:
            error.apply_to_form(return_form)
        else:
            return redirect("registers:custody-detail", pk=pk)
    return _detail_page(request, _deposit(request, pk), return_form=return_form, status=400)


@login_required
def print_receipt(request: HttpRequest, pk: int) -> HttpResponse:
    """The receipt as a PDF: POST (the Print button) counts a printing, GET is a preview."""
    staff_only(request)
    deposit = _deposit(request, pk)
    counted = request.method == "POST"
    try:
        pdf = receipt_pdf(deposit, by=request.user, request=request, counted=counted)
    except ApplicationError as error:
        raise PermissionDenied(str(error)) from None
    return pdf_bytes_response(
        pdf, filename=f"{deposit.number}.pdf", attachment=request.GET.get("download") == "1"
    )


@login_required
def photo(request: HttpRequest, pk: int) -> FileResponse:
    """A photo of valuables: served only to staff of the deposit's project."""
    staff_only(request)
    found = selectors.photo_for(user=request.user, photo_id=pk)
    if found is None:
        raise Http404
    return serve_image(found.file)


@login_required
def signature(request: HttpRequest, pk: int) -> FileResponse:
    """The collector's signature: served only to staff of the deposit's project."""
    staff_only(request)
    return serve_image(_deposit(request, pk).signature)


urlpatterns: list[URLPattern] = [
    path("custody/", deposits, name="custody"),
    path("custody/<int:pk>/", detail, name="custody-detail"),
    path("custody/<int:pk>/print/", print_receipt, name="custody-print"),
    path("custody/<int:pk>/signature/", signature, name="custody-signature"),
    path("custody/photos/<int:pk>/", photo, name="custody-photo"),
]
