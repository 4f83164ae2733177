"""Reads of household files, always narrowed to the user's projects."""

from __future__ import annotations

import re
from typing import Any

from django.db import connection
from django.db.models import (
    BooleanField,
    ExpressionWrapper,
    F,
    Prefetch,
    Q,
    QuerySet,
    prefetch_related_objects,
)
from django.db.models.functions import Reverse

from frontdesk.core.masking import PHONE_SHOWN_LAST, can_view_phone
from frontdesk.core.scoping import project_ids_for, scope

from .models import (
    Building,
    Card,
    ChangeRecord,
    Decoration,
    Household,
    Person,
    Unit,
    Vehicle,
)
from .validators import normalize_phone

_UNIT_CODE = re.compile(r"^\s*([0-9A-Za-z]+)\s*[-－—#栋幢号]\s*([0-9A-Za-z]+)\s*室?\s*$")
_FILE_NUMBER = re.compile(r"^\d{8}-\d{1,4}$")
# A licence plate (粤B12345, or its part after the province: B12345) or a card number
# (MJ000123): letters and digits mixed, at least four characters.
_PLATE_OR_CARD = re.compile(r"^[\u4e00-\u9fff]?(?=[0-9A-Z]*[A-Z])(?=[0-9A-Z]*[0-9])[0-9A-Z]{4,}$")
# The digits a masked phone still shows at its end (frontdesk.core.masking.mask_phone).
MASK_SHOWS_LAST = PHONE_SHOWN_LAST


def household_search_q(q: str, *, full_phones: bool = True) -> Q:
    """The one search box: a unit ("3-1502"), a file number, a name or any part of a phone.

    `full_phones` is whether the user may see phones in full. A user who sees
    them masked (138****5678) finds a phone only by the digits the mask shows
    at its end: trying digits would otherwise recover the hidden middle ones.

    Each branch is an indexed lookup (the unit code and file number are
    b-tree prefixes; names and phones use trigram indexes on PostgreSQL).
    Digits are a phone fragment, and up to six digits also a unit number in
    any building. A name of one or two characters is matched at its start (a
    surname: 王) or its end (a given name: 建国 finds 王建国): a trigram index
    cannot look up fewer than three characters inside a name, and at 100,000
    households a scan would miss the search box's budget; the end is served by
    an index of the reversed name. Three characters or more are found anywhere.
    """
    q = q.strip()
    if not q:
        return Q()
    match = _UNIT_CODE.match(q)
    if match:
        code = f"{match.group(1)}-{match.group(2)}".upper()
        return Q(unit__code=code) | Q(unit__code__startswith=code)
    if _FILE_NUMBER.match(q):
        return Q(file_number__startswith=q)
    compact = q.upper().replace(" ", "").replace("·", "")
    if _PLATE_OR_CARD.match(compact):
        plates = Vehicle.objects.filter(plate__contains=compact).values("household_id")
        cards = Card.objects.filter(number__startswith=compact).values("household_id")
        return Q(id__in=plates.union(cards))
    digits = normalize_phone(q)
    if digits.isdigit():
        # Through the buildings, so that the (building, number) index finds the units.
        units = Unit.objects.filter(building__in=Building.objects.all(), number=digits)
        by_unit = Household.objects.filter(unit__in=units).values("id")
        if len(digits) < 3 or (not full_phones and len(digits) > MASK_SHOWS_LAST):
            return Q(id__in=by_unit)
        lookup = "phone__contains" if full_phones else "phone__endswith"
        people = Person.objects.filter(**{lookup: digits}).values("household_id")
        # One subquery for both branches: an OR of two would test every household.
        return Q(id__in=people.union(by_unit) if len(digits) <= 6 else people)
    if len(q) < 3:
        # A surname or a given name: the start or the end of a name, both indexed.
        people = (
            Person.objects.annotate(name_reversed=Reverse("name"))
            .filter(Q(name__startswith=q) | Q(name_reversed__startswith=q[::-1]))
            .values("household_id")
        )
    else:
        people = Person.objects.filter(name__contains=q).values("household_id")
    return Q(id__in=people)


def household_list(*, user: Any, filters: dict[str, Any] | None = None) -> QuerySet[Household]:
    """Households the user may see, with what a list row shows, in one query."""
    qs = scope(Household.objects.all(), user).select_related("unit", "unit__building", "project")
    return qs.filter(**(filters or {}))


def household_search(*, user: Any, q: str, limit: int = 20) -> list[Household]:
    """Households matching the search box, current ones first, each part in unit order.

    Where the database allows it (PostgreSQL), current and moved-out households
    are two limited branches of one query, each walking the units' code index
    and stopping after `limit` matches: a common surname (王: thousands of
    households in one estate) costs no more than a rare one, instead of sorting
    every match.
    """
    if not q.strip():
        return []
    # The unit's project repeats the household's, and lets the (project, code) index serve.
    matches = (
        household_list(user=user)
        .filter(
            household_search_q(q, full_phones=can_view_phone(user)),
            unit__project_id__in=project_ids_for(user),
        )
        .annotate(moved=ExpressionWrapper(Q(moved_out_on__isnull=False), BooleanField()))
    )
    by_unit = ("unit__code", "-id")
    if connection.features.supports_slicing_ordering_in_compound:
        current = matches.filter(moved_out_on__isnull=True).order_by(*by_unit)[:limit]
        moved_out = matches.filter(moved_out_on__isnull=False).order_by(*by_unit)[:limit]
        qs = current.union(moved_out, all=True).order_by("moved", *by_unit)
    else:
        qs = matches.order_by("moved", *by_unit)
    found: list[Household] = list(qs[:limit])
    by_plate_or_card = _PLATE_OR_CARD.match(q.strip().upper().replace(" ", "").replace("·", ""))
    prefetch_related_objects(
        found,
        Prefetch("persons", queryset=Person.objects.filter(is_active=True)),
        # What matched a plate or a card number, to show it (only then: two more queries).
        *(["vehicles", "cards"] if by_plate_or_card else []),
    )
    return found


def search_match(
    household: Household, q: str, *, full_phones: bool = True
) -> tuple[Person | None, str]:
    """Which person of a found household the search box matched, and by what ("plate", "card",
    "phone", "name" or ""): the row shows that person, not always the main contact.

    Reads the household's prefetched persons, vehicles and cards (`household_search`)."""
    q = q.strip()
    people = list(household.persons.all())
    compact = q.upper().replace(" ", "").replace("·", "")
    if _PLATE_OR_CARD.match(compact):
        for card in household.cards.all():
            if card.number.startswith(compact):
                holder = next((p for p in people if p.pk == card.holder_id), None)
                return holder, "card"
        for vehicle in household.vehicles.all():
            if compact in vehicle.plate:
                return None, "plate"
    digits = normalize_phone(q)
    if digits.isdigit() and len(digits) >= 3:
        for person in people:
            phone = person.phone or ""
            if (digits in phone) if full_phones else phone.endswith(digits):
                return person, "phone"
    for person in people:
        if q and q in person.name:
            return person, "name"
    return None, ""


def household_file(*, user: Any, household_id: int) -> Household:
    """One household with everything its file page shows (a fixed number of queries).

    The latest 200 lines of its history are in `recent_changes` (a list: a
    limited prefetch must be stored on an attribute of its own).
    Raises Household.DoesNotExist for a household of another project.
    """
    return (
        household_list(user=user)
        .select_related("unit__building__butler", "move_in", "move_in__handled_by")
        .prefetch_related(
            "persons",
            "vehicles",
            "cards__holder",
            "cards__vehicle",
            Prefetch(
                "decorations",
                queryset=Decoration.objects.prefetch_related(
                    "worker_passes", "inspections__inspector"
                ),
            ),
            "attachments__uploaded_by",
            "household_notes__author",
            Prefetch(
                "changes",
                queryset=ChangeRecord.objects.select_related("actor")[:200],
                to_attr="recent_changes",
            ),
        )
        .get(pk=household_id)
    )


def unit_history(*, user: Any, unit_id: int) -> QuerySet[Household]:
    """Every household that has lived in a unit, the current one first."""
    return (
        household_list(user=user)
        .filter(unit_id=unit_id)
        .order_by(F("moved_out_on").asc(nulls_first=True), "-moved_in_on")
    )


def unit_code_normalize(text: str) -> str | None:
    """The unit code written the one way: "3栋1502" and "3#1502室" become "3-1502".

    None when the text is not a unit code.
    """
    match = _UNIT_CODE.match(text or "")
    if not match:
        return None
    return f"{match.group(1)}-{match.group(2)}".upper()


def units_by_code(*, user: Any, code: str) -> QuerySet[Unit]:
    """The units of the user's projects with this code (one per project at most)."""
    normalized = unit_code_normalize(code)
    if normalized is None:
        return Unit.objects.none()
    return scope(Unit.objects.select_related("building", "project"), user).filter(code=normalized)
