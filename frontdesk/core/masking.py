"""Masking of personal data for roles that do not need it (and of ID numbers for all)."""

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser

VIEW_PHONE = "residents.view_phone"
VIEW_ID_NUMBER = "residents.view_id_number"

# The digits a masked phone still shows at its end (mask_phone). A role that
# sees phones masked may look a phone up by these only, matched at the end:
# any other digits would be a guess at the hidden middle, and a filter that
# answers guesses recovers a number one digit at a time.
PHONE_SHOWN_LAST = 4

# Fields of residents' personal data, by name, and the permission that shows
# them in full. Named here so that the shared admin rules need no app.
MASKED_FIELDS: dict[str, str] = {
    "phone": VIEW_PHONE,
    "contractor_phone": VIEW_PHONE,
    "reporter_phone": VIEW_PHONE,
    "id_number": VIEW_ID_NUMBER,
}


def mask_phone(phone: str) -> str:
    """138****5678: keep the first three and last four digits."""
    if not phone:
        return ""
    if len(phone) <= 7:
        return (
            phone[:1] + "*" * (len(phone) - 2) + phone[-1:] if len(phone) > 2 else "*" * len(phone)
        )
    return phone[:3] + "*" * (len(phone) - 7) + phone[-4:]


def mask_id_number(id_number: str) -> str:
    """110101********1234: keep the region code and the last four characters."""
    if not id_number:
        return ""
    if len(id_number) <= 8:
        return "*" * len(id_number)
    return id_number[:6] + "*" * (len(id_number) - 10) + id_number[-4:]


def can_view_phone(user: AbstractBaseUser | AnonymousUser) -> bool:
    return user.is_authenticated and user.has_perm(VIEW_PHONE)


def can_view_id_number(user: AbstractBaseUser | AnonymousUser) -> bool:
    return user.is_authenticated and user.has_perm(VIEW_ID_NUMBER)


def phone_for(user: AbstractBaseUser | AnonymousUser, phone: str) -> str:
    return phone if can_view_phone(user) else mask_phone(phone)


def id_number_for(user: AbstractBaseUser | AnonymousUser, id_number: str) -> str:
    """An ID number as pages, the API, prints and exports show it: masked, for every role.

    A role with `residents.view_id_number` sees one in full only by asking for it (the
    household file's "show" button, `POST /api/v1/persons/{id}/reveal-id-number/`), which
    the audit log records; never as a side effect of opening a page.
    """
    return mask_id_number(id_number)


def phone_lookup(user: AbstractBaseUser | AnonymousUser, digits: str) -> str | None:
    """How `digits` may find a phone for `user`: anywhere in it ("contains") for a role that
    sees phones in full, at its end ("endswith") for one that sees them masked, or None
    when a masked role asks for more digits than the mask shows."""
    if can_view_phone(user):
        return "contains"
    return "endswith" if len(digits) <= PHONE_SHOWN_LAST else None


def can_view_field(user: AbstractBaseUser | AnonymousUser, field_name: str) -> bool:
    """Whether `user` sees the field of this name in full (True for a field never masked)."""
    needed = MASKED_FIELDS.get(field_name)
    return needed is None or (user.is_authenticated and user.has_perm(needed))
