"""Masking of personal data for roles that do not need it (and of ID numbers for all)."""

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser

VIEW_PHONE = "residents.view_phone"
VIEW_ID_NUMBER = "residents.view_id_number"


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
