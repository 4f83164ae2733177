"""The desk's pages that span apps: the search page, the household file, my settings."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from frontdesk.core.errors import ApplicationError
from frontdesk.core.household_flags import household_flags
from frontdesk.core.masking import can_view_phone, phone_for
from frontdesk.core.middleware import SESSION_KEY
from frontdesk.core.models import StaffProfile
from frontdesk.core.roles import Role, has_role
from frontdesk.registers.selectors.parcels import overdue_parcels
from residents.models import Household, Person
from residents.selectors import household_file as select_household_file
from residents.selectors import household_list, household_search, search_match, unit_code_normalize
from residents.services import IMPORTANT_MARKERS
from residents.validators import normalize_phone

from .display import main_contact, present_file
from .forms import LanguageForm, SearchForm
from .panels import bind_panels
from .services import profile_set_language

VIEW_HOUSEHOLD = "residents.view_household"

# --- Search ---------------------------------------------------------------------------


@dataclass(frozen=True)
class SearchRow:
    household: Household
    contact: Person | None
    phone: str
    matched: str = ""


# An order's serial (WX-2026-000123) in the search box finds the household it concerns.
_SERIAL = re.compile(r"^[A-Za-z]{2}-\d{4}-\d{1,6}$")


def _search(request: HttpRequest) -> tuple[str, list[SearchRow]]:
    form = SearchForm(request.GET)
    q = form.cleaned_data["q"].strip() if form.is_valid() else ""
    full_phones = can_view_phone(request.user)
    if _SERIAL.match(q):
        households = _households_of_order(request, q)
        matched = _("Work order %(serial)s") % {"serial": q.upper()}
    else:
        households = household_search(user=request.user, q=q)
        matched = ""
    rows = []
    for household in households:
        person, how = (
            search_match(household, q, full_phones=full_phones)
            if not matched
            else (
                None,
                "",
            )
        )
        contact = person or main_contact(household)
        rows.append(
            SearchRow(
                household,
                contact,
                phone_for(request.user, contact.phone) if contact else "",
                matched or str(MATCHED_BY.get(how, "")),
            )
        )
    return q, rows


def _households_of_order(request: HttpRequest, serial: str) -> list[Household]:
    """The household of the order with this serial, among the user's projects."""
    from tickets.selectors import ticket_list

    ids = list(
        ticket_list(user=request.user)
        .filter(serial=serial.upper(), household__isnull=False)
        .values_list("household_id", flat=True)
    )
    return list(
        household_list(user=request.user)
        .filter(pk__in=ids)
        .prefetch_related("persons")
        .order_by("unit__code")
    )


MATCHED_BY = {
    "plate": gettext_lazy("by licence plate"),
    "card": gettext_lazy("by card number"),
    "phone": gettext_lazy("by phone"),
    "name": gettext_lazy("by name"),
}


def _is_exact(household: Household, q: str) -> bool:
    """Whether the query names this household exactly (its unit, file number, a phone or name)."""
    code = unit_code_normalize(q)
    if code is not None:
        return household.unit.code == code
    if household.file_number == q:
        return True
    digits = normalize_phone(q)
    return any(p.phone == digits or p.name == q for p in household.persons.all())


@login_required
@permission_required(VIEW_HOUSEHOLD, raise_exception=True)
def home(request: HttpRequest) -> HttpResponse:
    """The search page: ?q= renders the results without JavaScript; one exact hit opens the file."""
    q, rows = _search(request)
    if len(rows) == 1 and _is_exact(rows[0].household, q):
        return redirect("household-file", household_id=rows[0].household.pk)
    # Mail not collected in time, for the desk (two queries: the settings and the count).
    parcels_overdue = (
        overdue_parcels(user=request.user).count()
        if not q and has_role(request.user, Role.DESK, Role.SUPERVISOR, Role.MANAGER)
        else 0
    )
    return render(
        request,
        "pages/home.html",
        {"q": q, "rows": rows, "parcels_overdue": parcels_overdue},
    )


@login_required
@permission_required(VIEW_HOUSEHOLD, raise_exception=True)
def search_results(request: HttpRequest) -> HttpResponse:
    """The result list alone, for search-as-you-type (htmx)."""
    q, rows = _search(request)
    response = render(request, "pages/_search_results.html", {"q": q, "rows": rows})
    # The address bar follows the query, so reload and back show the same list.
    response["HX-Replace-Url"] = reverse("home") + (f"?{urlencode({'q': q})}" if q else "")
    return response


# --- The household file ---------------------------------------------------------------


@login_required
@permission_required(VIEW_HOUSEHOLD, raise_exception=True)
def household_file(request: HttpRequest, household_id: int) -> HttpResponse:
    """One household, one file: every panel of `FILE_PANELS` on one page."""
    try:
        household = select_household_file(user=request.user, household_id=household_id)
    except Household.DoesNotExist as missing:
        raise Http404(_("No such household.")) from missing
    present_file(request.user, household)
    flags = household_flags(household.pk, user=request.user)
    context: dict[str, Any] = {
        "household": household,
        "panels": bind_panels(request, household),
        "flags": flags,
        "may_mark_important": has_role(request.user, *IMPORTANT_MARKERS),
        "is_important": any(flag.code == "important" for flag in flags),
    }
    return render(request, "pages/household_file.html", context)


# --- My settings ----------------------------------------------------------------------


@login_required
def my_settings(request: HttpRequest) -> HttpResponse:
    """A staff member's own preferences; the language takes effect on the next page."""
    saved = (
        StaffProfile.objects.filter(user=request.user).values_list("language", flat=True).first()
    )
    form = LanguageForm(request.POST or None, initial={"language": saved or ""})
    if request.method == "POST" and form.is_valid():
        language = form.cleaned_data["language"]
        try:
            profile_set_language(user=request.user, language=language)
        except ApplicationError as error:
            error.apply_to_form(form)
        else:
            if language:
                request.session[SESSION_KEY] = language
                translation.activate(language)
            else:
                request.session.pop(SESSION_KEY, None)
            messages.success(request, _("Your settings are saved."))
            return redirect("my-settings")
    return render(request, "pages/my_settings.html", {"form": form})


@login_required
def start(request: HttpRequest) -> HttpResponse:
    """Where a login lands: a worker (engineering, cleaning, greening, security) on their
    departments' open orders, everyone else on the desk's home page."""
    from tickets.views.orders import worker_departments

    desk_roles = {Role.DESK, Role.BUTLER, Role.SUPERVISOR, Role.MANAGER, Role.CASHIER}
    if worker_departments(request.user) and not has_role(request.user, *desk_roles):
        return redirect("tickets:work")
    return redirect("home")
