"""What a page may show of personal data: masking applied once, in the view.

Templates never see a raw phone or ID number of a resident; they print the
`*_shown` attributes set here, masked for roles without the permission.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist

from frontdesk.core.masking import id_number_for, phone_for
from residents.models import ChangeRecord, Household, Person

# Fields whose values in the change history are phone numbers.
_PHONE_FIELDS = {"phone", "contractor_phone"}
_HISTORY_VALUE_LENGTH = 80


@dataclass(frozen=True)
class ChangeLine:
    label: str
    old: str
    new: str


def main_contact(household: Household) -> Person | None:
    """The first listed person (main contact first), from the prefetched persons."""
    persons = [p for p in household.persons.all() if p.is_active]
    return persons[0] if persons else None


def present_person(user: Any, person: Person) -> Person:
    person.phone_shown = phone_for(user, person.phone)  # type: ignore[attr-defined]
    person.id_number_shown = id_number_for(user, person.id_number)  # type: ignore[attr-defined]
    return person


def _field_label(subject: str, name: str) -> str:
    try:
        model = apps.get_model("residents", subject)
        return str(model._meta.get_field(name).verbose_name)
    except (LookupError, FieldDoesNotExist):
        return name


def _shorten(value: Any) -> str:
    text = "" if value is None else str(value)
    if len(text) > _HISTORY_VALUE_LENGTH:
        return text[: _HISTORY_VALUE_LENGTH - 1] + "…"
    return text


def change_lines(user: Any, record: ChangeRecord) -> list[ChangeLine]:
    lines = []
    for name, pair in (record.changes or {}).items():
        old, new = (list(pair) + ["", ""])[:2] if isinstance(pair, list) else ("", pair)
        if name in _PHONE_FIELDS:
            old, new = phone_for(user, str(old or "")), phone_for(user, str(new or ""))
        lines.append(ChangeLine(_field_label(record.subject, name), _shorten(old), _shorten(new)))
    return lines


def present_file(user: Any, household: Household) -> None:
    """Mask the personal data of a household loaded by `household_file` (no queries)."""
    for person in household.persons.all():
        present_person(user, person)
    for decoration in household.decorations.all():
        decoration.contractor_phone_shown = phone_for(user, decoration.contractor_phone)  # type: ignore[attr-defined]
        for worker_pass in decoration.worker_passes.all():
            worker_pass.phone_shown = phone_for(user, worker_pass.phone)  # type: ignore[attr-defined]
            worker_pass.id_number_shown = id_number_for(user, worker_pass.id_number)  # type: ignore[attr-defined]
    for record in household.recent_changes:  # type: ignore[attr-defined]
        record.lines = change_lines(user, record)  # type: ignore[attr-defined]
    household.main_contact = main_contact(household)  # type: ignore[attr-defined]
