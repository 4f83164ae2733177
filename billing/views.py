"""The cashier's pages: take a payment for a household, print a receipt.

Thin views: they parse, call a service or selector and render; a refusal of
the service shows on the form.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from frontdesk.core.errors import ApplicationError
from frontdesk.core.pdf import pdf_bytes_response
from frontdesk.core.scoping import scope
from residents.models import Household

from . import selectors, services, transitions
from .choices import OPEN_BILL_STATUSES
from .forms import PaymentForm
from .models import Receipt
from .printing import receipt_pdf


def _household(request: HttpRequest, household_id: int) -> Household:
    found = (
        scope(Household.objects.select_related("unit", "project"), request.user)
        .filter(pk=household_id)
        .first()
    )
    if found is None:
        raise Http404
    return found


@login_required
@require_http_methods(["GET", "POST"])
def payment_take(request: HttpRequest, household_id: int) -> HttpResponse:
    """Take a payment for a household's open bills and offer its receipt."""
    household = _household(request, household_id)
    if not (
        transitions.may(request.user, "payment_take")
        or transitions.may(request.user, "payment_take_after_hours")
    ):
        raise PermissionDenied
    bills = list(
        selectors.bill_list(user=request.user)
        .filter(household=household, status__in=OPEN_BILL_STATUSES)
        .order_by("period")
    )
    choices = [
        (
            str(b.pk),
            _("%(month)s: %(left)s of %(amount)s left")
            % {
                "month": b.period.strftime("%Y-%m"),
                "left": b.amount - b.paid,  # type: ignore[attr-defined]
                "amount": b.amount,
            },
        )
        for b in bills
    ]
    form = PaymentForm(request.POST or None, bill_choices=choices)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            payment = services.payment_take(
                household=household,
                amount=data["amount"],
                method=data["method"],
                taken_by=request.user,
                bills=[int(pk) for pk in data["bills"]] or None,
                after_hours=data["after_hours"],
                reference=data["reference"],
                note=data["note"],
            )
        except ApplicationError as error:
            error.apply_to_form(form)
        else:
            receipt = payment.receipt
            messages.success(
                request,
                _("Payment taken: receipt %(number)s.") % {"number": receipt.number},
            )
            return redirect(
                reverse("household-file", kwargs={"household_id": household.pk})
                + f"?receipt={receipt.pk}#panel-fees"
            )
    account = selectors.household_account(household=household)
    return render(
        request,
        "billing/payment_form.html",
        {"household": household, "form": form, "account": account, "title": _("Take a payment")},
    )


@login_required
def receipt_print(request: HttpRequest, pk: int) -> HttpResponse:
    """The receipt as a PDF; a second print says it is a reprint."""
    receipt = scope(Receipt.objects.all(), request.user).filter(pk=pk).first()
    if receipt is None:
        raise Http404
    pdf = receipt_pdf(receipt=receipt, by=request.user, request=request)
    return pdf_bytes_response(pdf, filename=f"{receipt.number}.pdf")
