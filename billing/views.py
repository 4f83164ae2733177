"""The cashier's pages: take a payment for a household, print a receipt, the reports,
overtime air-conditioning and the money held for utilities.

Thin views: they parse, call a service or selector and render; a refusal of
the service shows on the form.
"""

from __future__ import annotations

import datetime as dt
import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Sum
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from frontdesk.core.errors import ApplicationError
from frontdesk.core.models import Project
from frontdesk.core.pdf import pdf_bytes_response, pdf_response
from frontdesk.core.roles import has_role
from frontdesk.core.scoping import projects_for, scope
from residents.models import Building, Household

from . import selectors, services, transitions
from .choices import OPEN_BILL_STATUSES, UtilityPaymentStatus
from .filtersets import AirconOvertimeFilterSet, UtilityPaymentFilterSet
from .forms import AirconOvertimeForm, PaymentForm, UtilityCollectForm
from .models import Receipt
from .money import ZERO
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
        except PermissionDenied as refused:
            # The desk may take payments only after hours: say so on the form.
            form.add_error("after_hours", str(refused))
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


# --- Reports -------------------------------------------------------------------------------


def _report_user(request: HttpRequest) -> None:
    if not has_role(request.user, *transitions.READERS):
        raise PermissionDenied


def _chosen_project(request: HttpRequest) -> Project:
    projects = list(projects_for(request.user))
    if not projects:
        raise Http404
    raw = request.GET.get("project", "")
    for project in projects:
        if str(project.pk) == raw:
            return project
    return projects[0]


def _chosen_period(request: HttpRequest) -> dt.date:
    from .filtersets import MonthField

    try:
        value = MonthField(required=False).clean(request.GET.get("period", ""))
    except Exception:  # noqa: BLE001 - a malformed month shows the latest one
        value = None
    return value or selectors.latest_complete_period()


@login_required
def collection_report(request: HttpRequest) -> HttpResponse:
    """The collection rate (收缴率) of a month and its 12-month trend against the target."""
    _report_user(request)
    project = _chosen_project(request)
    period = _chosen_period(request)
    trend = selectors.collection_trend(project=project, last=period)
    chart = {
        "labels": [r.period.strftime("%Y-%m") for r in trend],
        "current": [float(r.current_rate) if r.current_rate is not None else None for r in trend],
        "arrears": [float(r.arrears_rate) if r.arrears_rate is not None else None for r in trend],
        "target": [float(r.target) for r in trend],
        "names": [_("Current-period rate"), _("Arrears recovered"), _("Target")],
    }
    return render(
        request,
        "billing/collection.html",
        {
            "project": project,
            "projects": projects_for(request.user),
            "may_confirm_charges": transitions.may(request.user, "charge_confirm"),
            "period": period,
            "rate": trend[-1],
            "trend": list(reversed(trend)),
            "chart": json.dumps(chart),
        },
    )


def _arrears(request: HttpRequest) -> tuple[Project, Building | None, list[selectors.ArrearsRow]]:
    project = _chosen_project(request)
    raw = request.GET.get("building", "")
    building = (
        Building.objects.filter(project=project, pk=int(raw)).first() if raw.isdecimal() else None
    )
    rows = selectors.arrears(
        project=project, building_id=building.pk if building is not None else None
    )
    return project, building, rows


@login_required
def arrears_report(request: HttpRequest) -> HttpResponse:
    """Households in arrears (欠费) with the ageing of what they owe; dunning notices to print."""
    _report_user(request)
    project, building, rows = _arrears(request)
    return render(
        request,
        "billing/arrears.html",
        {
            "project": project,
            "projects": projects_for(request.user),
            "may_confirm_charges": transitions.may(request.user, "charge_confirm"),
            "building": building,
            "buildings": Building.objects.filter(project=project).order_by("number"),
            "rows": rows,
            "totals": selectors.arrears_totals(rows),
            "today": timezone.localdate(),
        },
    )


@login_required
def dunning_print(request: HttpRequest) -> HttpResponse:
    """Dunning notices (催缴通知单) as one PDF: one household (?household=) or every household
    in arrears of the project or building."""
    _report_user(request)
    project, building, rows = _arrears(request)
    raw = request.GET.get("household", "")
    if raw.isdecimal():
        rows = [r for r in rows if r.household_id == int(raw)]
        if not rows:
            raise Http404
    bills = selectors.overdue_bills(household_ids=[r.household_id for r in rows])
    notices = [{"row": r, "bills": bills.get(r.household_id, [])} for r in rows]
    return pdf_response(
        "print/dunning.html",
        {"project": project, "notices": notices, "today": timezone.localdate()},
        request=request,
        filename="dunning.pdf",
    )


@login_required
def statement_report(request: HttpRequest) -> HttpResponse:
    """The income and expenditure statement of a project for a range of months (page or
    ?format=pdf for publication to residents)."""
    from .filtersets import MonthField

    _report_user(request)
    project = _chosen_project(request)
    last = _chosen_period(request)
    try:
        first = MonthField(required=False).clean(request.GET.get("from", "")) or last
    except Exception:  # noqa: BLE001 - a malformed month shows the one month
        first = last
    first = min(first, last)
    context = {
        "project": project,
        "projects": projects_for(request.user),
        "may_confirm_charges": transitions.may(request.user, "charge_confirm"),
        "period": last,
        "first": first,
        "statement": selectors.income_statement(project=project, first=first, last=last),
        "margins": selectors.paid_service_margins(project=project, period=last),
        "today": timezone.localdate(),
    }
    if request.GET.get("format") == "pdf":
        return pdf_response(
            "print/statement.html", context, request=request, filename="statement.pdf"
        )
    return render(request, "billing/statement.html", context)


@login_required
@require_http_methods(["POST"])
def dunning_notify(request: HttpRequest) -> HttpResponse:
    """Tell the butlers of the households in arrears of their buildings."""
    project, building, _rows = _arrears(request)
    try:
        told = services.dunning_notify(project=project, by=request.user, building=building)
    except ApplicationError as error:
        for texts in error.fields.values():
            for text in texts:
                messages.error(request, text)
    else:
        messages.success(request, _("%(count)s butlers told.") % {"count": told})
    query = f"?project={project.pk}" + (f"&building={building.pk}" if building else "")
    return redirect(reverse("billing:arrears") + query)


@login_required
@require_http_methods(["GET", "POST"])
def charge_confirmations(request: HttpRequest) -> HttpResponse:
    """The month's finished paid orders, unconfirmed first: the cashier confirms each
    order's charge and material cost, or corrects the last confirmation with a reason."""
    if not transitions.may(request.user, "charge_confirm"):
        raise PermissionDenied
    project = _chosen_project(request)
    period = _chosen_period(request)
    errors: dict[int, dict[str, list[str]]] = {}
    if request.method == "POST":
        ticket = (
            selectors.charges_to_confirm(project=project, period=period)
            .filter(pk=_int(request.POST.get("ticket")))
            .first()
        )
        if ticket is None:
            raise Http404
        try:
            services.charge_confirm(
                ticket=ticket,
                fee_charged=request.POST.get("fee_charged", ""),
                material_cost=request.POST.get("material_cost", ""),
                note=request.POST.get("note", ""),
                by=request.user,
            )
        except ApplicationError as error:
            errors[ticket.pk] = error.fields
        else:
            messages.success(request, _("%(serial)s confirmed.") % {"serial": ticket.serial})
            return redirect(
                reverse("billing:confirmations")
                + f"?project={project.pk}&period={period:%Y-%m}#t{ticket.pk}"
            )
    rows = list(selectors.charges_to_confirm(project=project, period=period))
    for row in rows:
        row.form_errors = errors.get(row.pk, {})  # type: ignore[attr-defined]
    return render(
        request,
        "billing/confirmations.html",
        {
            "project": project,
            "projects": projects_for(request.user),
            "may_confirm_charges": transitions.may(request.user, "charge_confirm"),
            "period": period,
            "rows": rows,
            "unconfirmed": sum(1 for r in rows if r.confirmed_at is None),  # type: ignore[attr-defined]
        },
    )


def _int(value: str | None) -> int | None:
    try:
        return int(value or "")
    except ValueError:
        return None


# --- Overtime air-conditioning -------------------------------------------------------------

LIST_LIMIT = 200


@login_required
@require_http_methods(["GET", "POST"])
def aircon_overtime_record(request: HttpRequest, household_id: int) -> HttpResponse:
    """Record a household's overtime air-conditioning; it goes on the household's next bill."""
    household = _household(request, household_id)
    if not transitions.may(request.user, "aircon_overtime_record"):
        raise PermissionDenied
    form = AirconOvertimeForm(request.POST or None, initial={"used_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            record = services.aircon_overtime_record(
                household=household,
                used_on=data["used_on"],
                starts_at=data["starts_at"],
                ends_at=data["ends_at"],
                hours=data["hours"] or None,
                note=data["note"],
                by=request.user,
            )
        except ApplicationError as error:
            error.apply_to_form(form)
        else:
            messages.success(
                request,
                _("Overtime air-conditioning recorded: ¥%(amount)s on the next bill.")
                % {"amount": record.amount},
            )
            return redirect(
                reverse("household-file", kwargs={"household_id": household.pk}) + "#panel-fees"
            )
    standard = services.aircon_standard_on(
        project_id=household.project_id, day=timezone.localdate()
    )
    return render(
        request,
        "billing/aircon_form.html",
        {
            "household": household,
            "form": form,
            "standard": standard,
            "title": _("Overtime air-conditioning"),
        },
    )


@login_required
def aircon_overtime_list(request: HttpRequest) -> HttpResponse:
    """Overtime air-conditioning of the user's projects, filtered as the API filters it."""
    _report_user(request)
    filterset = AirconOvertimeFilterSet(
        request.GET or None,
        queryset=selectors.aircon_overtime_list(user=request.user),
        request=request,
    )
    rows = list(filterset.qs[:LIST_LIMIT]) if filterset.is_valid() else []
    return render(
        request,
        "billing/aircon_list.html",
        {"filter": filterset, "rows": rows, "limit": LIST_LIMIT},
    )


# --- Utilities paid on a resident's behalf ---------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def utility_collect(request: HttpRequest, household_id: int) -> HttpResponse:
    """Take a resident's money for a utility (代收代缴); it is held until paid over."""
    household = _household(request, household_id)
    if not transitions.may(request.user, "utility_collect"):
        raise PermissionDenied
    form = UtilityCollectForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            payment = services.utility_collect(
                household=household, by=request.user, **form.cleaned_data
            )
        except ApplicationError as error:
            error.apply_to_form(form)
        else:
            messages.success(
                request,
                _("¥%(amount)s collected for %(utility)s, held until paid over.")
                % {"amount": payment.amount, "utility": payment.get_utility_display()},
            )
            return redirect(
                reverse("household-file", kwargs={"household_id": household.pk}) + "#panel-fees"
            )
    return render(
        request,
        "billing/utility_form.html",
        {"household": household, "form": form, "title": _("Collect for a utility")},
    )


@login_required
def utility_payments(request: HttpRequest) -> HttpResponse:
    """Money held for utilities: by default what is still to pay over (the cashier's to-do),
    with the pay-over and reverse forms; filtered as `/api/v1/utility-payments/` filters."""
    _report_user(request)
    query = request.GET.copy()
    if not query:
        query.setlist("status", ["collected"])
    filterset = UtilityPaymentFilterSet(
        query, queryset=selectors.utility_payment_list(user=request.user), request=request
    )
    rows, held = [], ZERO
    if filterset.is_valid():
        rows = list(filterset.qs[:LIST_LIMIT])
        held = (
            filterset.qs.filter(status=UtilityPaymentStatus.COLLECTED).aggregate(t=Sum("amount"))[
                "t"
            ]
            or ZERO
        )
    return render(
        request,
        "billing/utility_list.html",
        {
            "filter": filterset,
            "rows": rows,
            "limit": LIST_LIMIT,
            "held": held,
            "may_pay_over": transitions.may(request.user, "utility_pay_over"),
            "may_reverse": transitions.may(request.user, "utility_reverse"),
            "today": timezone.localdate(),
        },
    )


@login_required
@require_http_methods(["POST"])
def utility_step(request: HttpRequest, pk: int, step: str) -> HttpResponse:
    """Pay over (with the utility's receipt number and date) or reverse (with a reason)."""
    payment = selectors.utility_payment_list(user=request.user).filter(pk=pk).first()
    if payment is None:
        raise Http404
    try:
        if step == "pay-over":
            try:
                paid_on = dt.date.fromisoformat(request.POST.get("paid_on", ""))
            except ValueError:
                raise ApplicationError(
                    fields={"paid_on": [_("Enter the date of the utility's receipt.")]}
                ) from None
            services.utility_pay_over(
                payment=payment,
                by=request.user,
                reference=request.POST.get("reference", ""),
                paid_on=paid_on,
            )
            messages.success(request, _("Paid over to the utility."))
        else:
            services.utility_reverse(
                payment=payment, by=request.user, reason=request.POST.get("reason", "")
            )
            messages.success(request, _("The collection is reversed."))
    except ApplicationError as error:
        for texts in error.fields.values():
            for text in texts:
                messages.error(request, text)
    return redirect(reverse("billing:utility-payments") + f"?project={payment.project_id}")
