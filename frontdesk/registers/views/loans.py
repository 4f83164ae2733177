"""Pages of the key and file loans register: the key board, lending, taking back, history."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from frontdesk.core.errors import ApplicationError
from frontdesk.core.masking import phone_for
from frontdesk.core.models import Project
from frontdesk.core.roles import Role, has_role
from frontdesk.core.scoping import project_ids_for, projects_for, scope
from residents.models import Household
from tickets.forms import staff_choices

from ..filtersets.loans import LoanFilterSet
from ..forms.loans import LendForm, ReturnForm
from ..models.loans import Key, Loan
from ..selectors import loans as selectors
from ..services import loans as services
from ..transitions import allowed, may
from ..transitions.loans import LOAN
from ._common import int_or_none


def _only(projects: list[tuple[int, str]]) -> int | None:
    """The user's only project; None for a user of several (they choose)."""
    return projects[0][0] if len(projects) == 1 else None


def staff_only(request: HttpRequest) -> None:
    if not has_role(request.user, *Role.values):
        raise PermissionDenied


def _household_by_ref(project_id: int, ref: str) -> Household | None:
    """The household file a clerk names by its file number, or the current one of a unit."""
    ref = ref.strip()
    return (
        Household.objects.filter(project_id=project_id)
        .filter(Q(file_number=ref) | Q(unit__code=ref, moved_out_on__isnull=True))
        .select_related("unit")
        .order_by("moved_out_on", "-id")
        .first()
    )


def _with_phones(request: HttpRequest, loans: list[Loan]) -> list[Loan]:
    for loan in loans:
        loan.shown_phone = phone_for(request.user, loan.borrower_phone)  # type: ignore[attr-defined]
    return loans


@login_required
def board(request: HttpRequest) -> HttpResponse:
    """The key board: each key in or out (with whom, until when), the files out, the loans."""
    staff_only(request)
    now = timezone.now()
    keys = list(selectors.key_list(user=request.user))
    for key in keys:
        key.loan = key.open_loans[0] if key.open_loans else None  # type: ignore[attr-defined]
    filterset = LoanFilterSet(
        request.GET, queryset=selectors.loan_list(user=request.user), request=request
    )
    rows = list(filterset.qs[:100]) if filterset.is_valid() else []
    context = {
        "keys": keys,
        "files": _with_phones(request, list(selectors.files_out(user=request.user)[:100])),
        "rows": _with_phones(request, rows),
        "filter": filterset,
        "now": now,
        "overdue": selectors.overdue_count(user=request.user, now=now),
        "may_lend": may(request.user, LOAN, "lend"),
        "several_projects": len(project_ids_for(request.user)) > 1,
    }
    return render(request, "registers/loans/board.html", context)


@login_required
def lend(request: HttpRequest) -> HttpResponse:
    """Lend a key (picked on the board) or a household file (by its number or unit)."""
    staff_only(request)
    if not may(request.user, LOAN, "lend"):
        raise PermissionDenied
    projects = [(p.pk, p.name) for p in projects_for(request.user)]
    if not projects:
        raise PermissionDenied
    keys = list(selectors.key_list(user=request.user))
    preset_key = next((k for k in keys if k.pk == int_or_none(request.GET.get("key"))), None)
    project_id = int_or_none(request.POST.get("project")) or (
        preset_key.project_id if preset_key else _only(projects)
    )
    multi = len(projects) > 1
    key_choices = [
        (k.pk, f"{k.project.name} · {k}" if multi else str(k))
        for k in keys
        if not k.open_loans  # type: ignore[attr-defined]
    ]
    initial = {"project": project_id, "key": preset_key.pk if preset_key else None}
    form = LendForm(
        request.POST or None,
        initial=initial,
        projects=projects,
        keys=key_choices,
        staff=staff_choices(project_id),
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        project = Project.objects.get(pk=data["project"])
        key = scope(Key.objects.all(), request.user).filter(pk=data["key"]).first()
        household = None
        if data["file"]:
            household = _household_by_ref(project.pk, data["file"])
            if household is None:
                form.add_error(
                    "file", _("No household file of this project has this number or unit.")
                )
        if not form.errors:
            borrower = (
                get_user_model().objects.filter(pk=data["borrower"], is_active=True).first()
                if data["borrower"]
                else None
            )
            try:
                loan = services.loan_lend(
                    project=project,
                    by=request.user,
                    key=key,
                    household=household,
                    borrower=borrower,
                    borrower_name=data["borrower_name"],
                    borrower_company=data["borrower_company"],
                    borrower_phone=data["borrower_phone"],
                    purpose=data["purpose"],
                    due_at=data["due_at"],
                )
            except ApplicationError as error:
                error.apply_to_form(form)
            else:
                return redirect("registers:loan", pk=loan.pk)
    return render(request, "registers/loans/lend.html", {"form": form})


@login_required
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One loan: what, with whom, until when, and the button to take it back."""
    staff_only(request)
    try:
        loan = selectors.loan_detail(user=request.user, loan_id=pk)
    except Loan.DoesNotExist:
        raise Http404 from None
    _with_phones(request, [loan])
    return render(
        request,
        "registers/loans/detail.html",
        {
            "loan": loan,
            "form": ReturnForm(),
            "actions": allowed(loan, LOAN, request.user),
            "now": timezone.now(),
        },
    )


@login_required
@require_POST
def take_back(request: HttpRequest, pk: int) -> HttpResponse:
    """The return button: the key or file is back; a second press is refused with a message."""
    staff_only(request)
    try:
        loan = selectors.loan_detail(user=request.user, loan_id=pk)
    except Loan.DoesNotExist:
        raise Http404 from None
    form = ReturnForm(request.POST)
    if form.is_valid():
        try:
            services.loan_return(loan=loan, by=request.user, **form.cleaned_data)
        except ApplicationError as error:
            error.apply_to_form(form)
        else:
            return redirect("registers:loan", pk=pk)
    loan.refresh_from_db()
    _with_phones(request, [loan])
    return render(
        request,
        "registers/loans/detail.html",
        {
            "loan": loan,
            "form": form,
            "actions": allowed(loan, LOAN, request.user),
            "now": timezone.now(),
        },
        status=400,
    )


@login_required
def key_history(request: HttpRequest, pk: int) -> HttpResponse:
    """Every loan of one key, newest first."""
    staff_only(request)
    key = scope(Key.objects.select_related("project", "unit"), request.user).filter(pk=pk).first()
    if key is None:
        raise Http404
    rows = _with_phones(request, list(selectors.loan_list(user=request.user).filter(key=key)[:200]))
    return render(
        request, "registers/loans/history.html", {"key": key, "rows": rows, "now": timezone.now()}
    )


@login_required
def overdue_badge(request: HttpRequest) -> HttpResponse:
    """The count of overdue loans, as a badge the registers' index loads beside its link."""
    staff_only(request)
    count = selectors.overdue_count(user=request.user, now=timezone.now())
    return render(request, "registers/loans/_overdue_badge.html", {"overdue": count})


urlpatterns: list[URLPattern] = [
    path("loans/", board, name="loans"),
    path("loans/lend/", lend, name="loan-lend"),
    path("loans/<int:pk>/", detail, name="loan"),
    path("loans/<int:pk>/return/", take_back, name="loan-return"),
    path("loans/keys/<int:pk>/", key_history, name="key-history"),
    path("loans/overdue-badge/", overdue_badge, name="loans-overdue-badge"),
]
