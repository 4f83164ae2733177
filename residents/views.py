"""Pages that write to a household file, and the unit page.

Each view checks the role's permission, finds its rows only within the user's
projects (another project's row is a 404), and hands the cleaned input to
`residents.services`. A refusal is shown on the form; on success the user
goes back to the household file with a message.
"""

from __future__ import annotations

import copy
import mimetypes
from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from frontdesk.core.errors import ApplicationError
from frontdesk.core.masking import phone_for
from frontdesk.core.models import ReadChannel
from frontdesk.core.roles import has_role
from frontdesk.core.scoping import scope

from . import services
from .filtersets import HouseholdFilterSet
from .forms import (
    AttachmentForm,
    CardIssueForm,
    CardStatusForm,
    ChecklistFormSet,
    DecorationForm,
    DecorationStatusForm,
    HouseholdEditForm,
    ImportantMarkForm,
    InspectionForm,
    MainContactForm,
    MoveInForm,
    MoveInRecordForm,
    MoveOutForm,
    NoteForm,
    PersonEditForm,
    PersonForm,
    VehicleForm,
    WorkerPassForm,
    apply_error,
    checklist_rows,
)
from .models import Attachment, Card, Decoration, Household, MoveIn, Person, Unit
from .selectors import household_list as household_list_query
from .selectors import unit_history, units_by_code

FILE_URL = "household-file"

# --- Helpers --------------------------------------------------------------------------


def _require(request: HttpRequest, perm: str) -> None:
    if not request.user.has_perm(perm):
        raise PermissionDenied


def _household(request: HttpRequest, household_id: int) -> Household:
    qs = Household.objects.select_related("unit", "unit__building", "project")
    return get_object_or_404(scope(qs, request.user), pk=household_id)


def _back_to_file(request: HttpRequest, household: Household, message: str) -> HttpResponse:
    messages.success(request, message)
    return redirect(FILE_URL, household_id=household.pk)


def _form_page(
    request: HttpRequest,
    *,
    household: Household,
    form: forms.BaseForm,
    title: str,
    save: Callable[[dict[str, Any]], Any],
    done: str,
) -> HttpResponse:
    """The one shape of a write page: validate, call the service, show a refusal or go back."""
    if request.method == "POST" and form.is_valid():
        try:
            save(form.cleaned_data)
        except ApplicationError as error:
            error.apply_to_form(form)
        else:
            return _back_to_file(request, household, done)
    return render(
        request, "residents/form.html", {"household": household, "form": form, "title": title}
    )


def _post(request: HttpRequest) -> tuple[Any, Any] | tuple[None, None]:
    if request.method == "POST":
        return request.POST, request.FILES
    return None, None


# --- Move-in, move-out, household -----------------------------------------------------


@login_required
def move_in(request: HttpRequest) -> HttpResponse:
    """Open the file of a household moving into a unit typed by its code."""
    _require(request, "residents.add_household")
    data, _files = _post(request)
    initial = {"unit_code": request.GET.get("unit", ""), "moved_in_on": timezone.localdate()}
    form = MoveInForm(data, user=request.user, initial=initial)
    person_form = MainContactForm(data, prefix="person")
    if data is not None and form.is_valid() & person_form.is_valid():
        person = {k: v for k, v in person_form.cleaned_data.items() if v not in ("", None)}
        try:
            household = services.household_move_in(
                unit=form.cleaned_data["unit"],
                moved_in_on=form.cleaned_data["moved_in_on"],
                notes=form.cleaned_data["notes"],
                persons=[{**person, "is_primary": True}],
                by=request.user,
            )
        except ApplicationError as error:
            person_fields = {f"persons[0].{name}": name for name in person_form.fields}
            apply_error(
                ApplicationError(
                    fields={k: v for k, v in error.fields.items() if k in person_fields}
                ),
                person_form,
                rename=person_fields,
            )
            apply_error(
                ApplicationError(
                    fields={k: v for k, v in error.fields.items() if k not in person_fields}
                ),
                form,
                rename={"unit": "unit_code"},
            )
        else:
            return _back_to_file(
                request,
                household,
                _("Household %(file)s moved into %(unit)s.")
                % {"file": household.file_number, "unit": household.unit.code},
            )
    return render(request, "residents/move_in.html", {"form": form, "person_form": person_form})


@login_required
def move_out(request: HttpRequest, household_id: int) -> HttpResponse:
    _require(request, "residents.change_household")
    household = _household(request, household_id)
    form = MoveOutForm(_post(request)[0], initial={"moved_out_on": timezone.localdate()})
    return _form_page(
        request,
        household=household,
        form=form,
        title=_("Move out of %(unit)s") % {"unit": household.unit.code},
        save=lambda d: services.household_move_out(
            household=household, moved_out_on=d["moved_out_on"], by=request.user
        ),
        done=_("The household has moved out; its active cards are marked returned."),
    )


@login_required
def household_edit(request: HttpRequest, household_id: int) -> HttpResponse:
    _require(request, "residents.change_household")
    household = _household(request, household_id)
    form = HouseholdEditForm(_post(request)[0], instance=copy.copy(household))
    return _form_page(
        request,
        household=household,
        form=form,
        title=_("Edit the household"),
        save=lambda d: services.household_update(household=household, data=d, by=request.user),
        done=_("The household is saved."),
    )


# --- Persons, vehicles, cards ---------------------------------------------------------


@login_required
def person_add(request: HttpRequest, household_id: int) -> HttpResponse:
    _require(request, "residents.add_person")
    household = _household(request, household_id)
    form = PersonForm(_post(request)[0])
    return _form_page(
        request,
        household=household,
        form=form,
        title=_("Add a person"),
        save=lambda d: services.person_add(household=household, data=d, by=request.user),
        done=_("The person is added."),
    )


@login_required
def person_edit(request: HttpRequest, person_id: int) -> HttpResponse:
    _require(request, "residents.change_person")
    qs = Person.objects.select_related("household__unit__building", "household__project")
    person = get_object_or_404(scope(qs, request.user), pk=person_id)
    form = PersonEditForm(_post(request)[0], instance=copy.copy(person))
    # An ID number may be corrected here but is never filled in: showing it in full is its
    # own audited action on the household file.
    form.initial["id_number"] = ""
    form.fields["id_number"].help_text = _("Leave empty to keep the number on file.")
    return _form_page(
        request,
        household=person.household,
        form=form,
        title=_("Edit %(name)s") % {"name": person.name},
        save=lambda d: services.person_update(
            person=person, data=_keep_hidden_id(request, person, d), by=request.user
        ),
        done=_("The person is saved."),
    )


@login_required
@require_POST
def person_reveal_id_number(request: HttpRequest, person_id: int) -> HttpResponse:
    """Show one person's ID number in full (the household file's "show" button); the read is
    recorded in the audit log. htmx swaps the number into the row; without it, a small page."""
    qs = Person.objects.select_related("household__unit__building", "household__project")
    person = get_object_or_404(scope(qs, request.user), pk=person_id)
    try:
        number = services.person_reveal_id_number(
            person=person,
            by=request.user,
            channel=ReadChannel.PAGE,
            source=reverse(FILE_URL, kwargs={"household_id": person.household_id}),
        )
    except ApplicationError as error:
        messages.error(request, " ".join(m for ms in error.fields.values() for m in ms))
        return redirect(FILE_URL, household_id=person.household_id)
    context = {"person": person, "id_number": number}
    if request.headers.get("HX-Request"):
        return render(request, "residents/_id_number.html", context)
    return render(request, "residents/id_number.html", context)


def _keep_hidden_id(request: HttpRequest, person: Person, data: dict[str, Any]) -> dict[str, Any]:
    data = dict(data)
    if not data.get("id_number"):
        data["id_number"] = person.id_number
    return data


@login_required
def vehicle_add(request: HttpRequest, household_id: int) -> HttpResponse:
    _require(request, "residents.add_vehicle")
    household = _household(request, household_id)
    form = VehicleForm(_post(request)[0], household=household)
    return _form_page(
        request,
        household=household,
        form=form,
        title=_("Register a vehicle"),
        save=lambda d: services.vehicle_add(household=household, **d, by=request.user),
        done=_("The vehicle is registered."),
    )


@login_required
def card_issue(request: HttpRequest, household_id: int) -> HttpResponse:
    _require(request, "residents.add_card")
    household = _household(request, household_id)
    form = CardIssueForm(
        _post(request)[0], household=household, initial={"issued_on": timezone.localdate()}
    )
    return _form_page(
        request,
        household=household,
        form=form,
        title=_("Issue a card"),
        save=lambda d: services.card_issue(household=household, **d, by=request.user),
        done=_("The card is issued."),
    )


@login_required
def card_status(request: HttpRequest, card_id: int) -> HttpResponse:
    _require(request, "residents.change_card")
    qs = Card.objects.select_related("household__unit__building", "household__project")
    card = get_object_or_404(scope(qs, request.user), pk=card_id)
    form = CardStatusForm(
        _post(request)[0], initial={"status": card.status, "on": timezone.localdate()}
    )
    return _form_page(
        request,
        household=card.household,
        form=form,
        title=_("Status of card %(card)s") % {"card": card},
        save=lambda d: services.card_set_status(
            card=card, status=d["status"], on=d["on"], by=request.user
        ),
        done=_("The card's status is saved."),
    )


# --- Move-in record -------------------------------------------------------------------


@login_required
def movein_record(request: HttpRequest, household_id: int) -> HttpResponse:
    """Keys, meter base readings and the handover checklist, on one form."""
    household = _household(request, household_id)
    record = MoveIn.objects.filter(household=household).first()
    _require(request, "residents.change_movein" if record else "residents.add_movein")
    data, _files = _post(request)
    form = MoveInRecordForm(data, instance=copy.copy(record) if record else None)
    checklist = ChecklistFormSet(
        data, prefix="checklist", initial=record.checklist if record else None
    )
    if data is not None and form.is_valid() & checklist.is_valid():
        try:
            services.movein_record(
                household=household,
                data={**form.cleaned_data, "checklist": checklist_rows(checklist)},
                by=request.user,
            )
        except ApplicationError as error:
            apply_error(error, form)
        else:
            return _back_to_file(request, household, _("The move-in record is saved."))
    return render(
        request,
        "residents/movein_record.html",
        {"household": household, "form": form, "checklist": checklist},
    )


# --- Decoration -----------------------------------------------------------------------


def _decoration(request: HttpRequest, decoration_id: int) -> Decoration:
    qs = Decoration.objects.select_related("household__unit__building", "household__project")
    return get_object_or_404(scope(qs, request.user), pk=decoration_id)


@login_required
def decoration_apply(request: HttpRequest, household_id: int) -> HttpResponse:
    _require(request, "residents.add_decoration")
    household = _household(request, household_id)
    form = DecorationForm(_post(request)[0], initial={"applied_on": timezone.localdate()})
    return _form_page(
        request,
        household=household,
        form=form,
        title=_("Decoration application"),
        save=lambda d: services.decoration_apply(household=household, data=d, by=request.user),
        done=_("The decoration application is registered."),
    )


_STATUS_DONE = {
    "approved": gettext_lazy("The decoration is approved."),
    "rejected": gettext_lazy("The decoration is rejected."),
    "in_progress": gettext_lazy("The decoration works have started."),
}


@login_required
@require_POST
def decoration_status(request: HttpRequest, decoration_id: int) -> HttpResponse:
    """Approve, reject or start a decoration (buttons on the file page)."""
    _require(request, "residents.change_decoration")
    decoration = _decoration(request, decoration_id)
    form = DecorationStatusForm(request.POST)
    try:
        if not form.is_valid():
            raise ApplicationError(_("Unknown decoration status."))
        status = form.cleaned_data["status"]
        services.decoration_set_status(decoration=decoration, status=status, by=request.user)
    except ApplicationError as error:
        for message_list in error.fields.values():
            for message in message_list:
                messages.error(request, message)
        return redirect(FILE_URL, household_id=decoration.household_id)
    return _back_to_file(request, decoration.household, str(_STATUS_DONE.get(status, "")))


@login_required
def worker_pass(request: HttpRequest, decoration_id: int) -> HttpResponse:
    _require(request, "residents.change_decoration")
    decoration = _decoration(request, decoration_id)
    form = WorkerPassForm(_post(request)[0])
    return _form_page(
        request,
        household=decoration.household,
        form=form,
        title=_("Decoration worker pass"),
        save=lambda d: services.decoration_pass_issue(decoration=decoration, **d, by=request.user),
        done=_("The worker pass is issued."),
    )


@login_required
def inspection(request: HttpRequest, decoration_id: int) -> HttpResponse:
    _require(request, "residents.change_decoration")
    decoration = _decoration(request, decoration_id)
    form = InspectionForm(_post(request)[0], initial={"inspected_on": timezone.localdate()})
    return _form_page(
        request,
        household=decoration.household,
        form=form,
        title=_("Decoration inspection"),
        save=lambda d: services.decoration_inspect(decoration=decoration, **d, by=request.user),
        done=_("The inspection is recorded."),
    )


# --- Attachments and notes ------------------------------------------------------------


@login_required
def attachment_add(request: HttpRequest, household_id: int) -> HttpResponse:
    _require(request, "residents.add_attachment")
    household = _household(request, household_id)
    data, files = _post(request)
    form = AttachmentForm(data, files)
    return _form_page(
        request,
        household=household,
        form=form,
        title=_("Upload an attachment"),
        save=lambda d: services.attachment_add(
            household=household, file=d["file"], title=d["title"], by=request.user
        ),
        done=_("The attachment is kept in the file."),
    )


@login_required
def attachment_download(request: HttpRequest, attachment_id: int) -> FileResponse:
    """Attachments are personal documents: served only to staff of the project."""
    _require(request, "residents.view_household")
    attachment = get_object_or_404(scope(Attachment.objects.all(), request.user), pk=attachment_id)
    filename = attachment.file.name.rsplit("/", 1)[-1]
    kind, _encoding = mimetypes.guess_type(filename)
    # Scans and photos open in the browser; anything else (an uploaded web
    # page, or an SVG drawing, which can carry scripts) is only ever
    # downloaded, never rendered on the desk's origin.
    inline = kind is not None and (
        kind == "application/pdf" or (kind.startswith("image/") and kind != "image/svg+xml")
    )
    return FileResponse(attachment.file.open("rb"), filename=filename, as_attachment=not inline)


@login_required
def note_add(request: HttpRequest, household_id: int) -> HttpResponse:
    _require(request, "residents.add_note")
    household = _household(request, household_id)
    form = NoteForm(_post(request)[0])
    return _form_page(
        request,
        household=household,
        form=form,
        title=_("Add a note"),
        save=lambda d: services.note_add(household=household, text=d["text"], by=request.user),
        done=_("The note is added."),
    )


@login_required
def unit_lookup(request: HttpRequest) -> HttpResponse:
    """The units of the user's projects with the typed code, for the move-in form (htmx)."""
    _require(request, "residents.view_household")
    current = Household.objects.filter(moved_out_on__isnull=True).prefetch_related(
        Prefetch("persons", queryset=Person.objects.filter(is_active=True))
    )
    units = units_by_code(user=request.user, code=request.GET.get("unit_code", ""))
    units = units.prefetch_related(Prefetch("households", queryset=current, to_attr="current"))[:5]
    return render(request, "residents/_unit_lookup.html", {"units": units})


@login_required
def important_mark(request: HttpRequest, household_id: int) -> HttpResponse:
    """Mark a household an important customer (重要客户), or clear the mark: supervisors and
    the manager only, with a note; the manager is told of a new one."""
    if not has_role(request.user, *services.IMPORTANT_MARKERS):
        raise PermissionDenied
    household = _household(request, household_id)
    important = not services.household_is_important(household)
    form = ImportantMarkForm(_post(request)[0])
    return _form_page(
        request,
        household=household,
        form=form,
        title=_("Mark important customer") if important else _("Clear important-customer mark"),
        save=lambda d: services.household_mark_important(
            household=household, important=important, note=d["note"], by=request.user
        ),
        done=_("The important-customer mark is saved."),
    )


# --- Units ----------------------------------------------------------------------------


@login_required
def unit_detail(request: HttpRequest, unit_id: int) -> HttpResponse:
    """A unit and every household that has lived in it, the current one first."""
    _require(request, "residents.view_household")
    qs = Unit.objects.select_related("building__butler", "project")
    unit = get_object_or_404(scope(qs, request.user), pk=unit_id)
    households = list(
        unit_history(user=request.user, unit_id=unit.pk).prefetch_related(
            Prefetch("persons", queryset=Person.objects.filter(is_active=True))
        )
    )
    for household in households:
        contact = next(iter(household.persons.all()), None)
        household.contact = contact  # type: ignore[attr-defined]
        household.contact_phone = phone_for(request.user, contact.phone) if contact else ""  # type: ignore[attr-defined]
    current = next((h for h in households if h.is_current), None)
    return render(
        request,
        "residents/unit.html",
        {"unit": unit, "households": households, "current": current},
    )


# --- The household list ---------------------------------------------------------------

LIST_PAGE_SIZE = 50


def _keyset_page(qs: Any, *, after: int | None, before: int | None) -> tuple[list[Any], bool, bool]:
    """One page of `qs` newest first, by id (no COUNT): rows, has_newer, has_older."""
    if before is not None:
        rows = list(qs.filter(id__gt=before).order_by("id")[: LIST_PAGE_SIZE + 1])
        has_newer = len(rows) > LIST_PAGE_SIZE
        return list(reversed(rows[:LIST_PAGE_SIZE])), has_newer, True
    if after is not None:
        qs = qs.filter(id__lt=after)
    rows = list(qs.order_by("-id")[: LIST_PAGE_SIZE + 1])
    return rows[:LIST_PAGE_SIZE], after is not None, len(rows) > LIST_PAGE_SIZE


def _cursor(request: HttpRequest, name: str) -> int | None:
    value = request.GET.get(name, "")
    return int(value) if value.isdecimal() else None


@login_required
def household_list(request: HttpRequest) -> HttpResponse:
    """Households filtered as the API filters them, newest first, 50 a page (no total count)."""
    _require(request, "residents.view_household")
    base = household_list_query(user=request.user).prefetch_related(
        Prefetch("persons", queryset=Person.objects.filter(is_active=True))
    )
    filterset = HouseholdFilterSet(request.GET, queryset=base, request=request)
    for name in ("moved_in_after", "moved_in_before"):
        filterset.form.fields[name].widget.input_type = "date"
    rows: list[Household] = []
    has_newer = has_older = False
    if filterset.is_valid():
        rows, has_newer, has_older = _keyset_page(
            filterset.qs, after=_cursor(request, "after"), before=_cursor(request, "before")
        )
    for household in rows:
        contact = next(iter(household.persons.all()), None)
        household.contact = contact  # type: ignore[attr-defined]
        household.contact_phone = phone_for(request.user, contact.phone) if contact else ""  # type: ignore[attr-defined]
    query = request.GET.copy()
    for name in ("after", "before"):
        query.pop(name, None)
    return render(
        request,
        "residents/household_list.html",
        {
            "filterset": filterset,
            "rows": rows,
            "newer": rows[0].pk if rows and has_newer else None,
            "older": rows[-1].pk if rows and has_older else None,
            "query": query.urlencode(),
        },
    )
