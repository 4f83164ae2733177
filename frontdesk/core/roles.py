"""Roles of the desk (DOMAIN.md, "Who uses it"), kept as Django groups.

The role table is code: `sync_role_groups` runs after every migrate and gives
each group exactly the permissions listed here, so a deployment never drifts.
Permissions are named by string so that this module imports no app.
"""

from typing import Any

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser, Group, Permission
from django.db.models import TextChoices
from django.utils.translation import gettext_lazy as _


class Role(TextChoices):
    DESK = "desk", _("Front-desk receptionist")
    BUTLER = "butler", _("Butler")
    ENGINEERING = "engineering", _("Engineering")
    CLEANING = "cleaning", _("Cleaning")
    GREENING = "greening", _("Greening")
    SECURITY = "security", _("Security")
    SUPERVISOR = "supervisor", _("Customer-service supervisor")
    MANAGER = "manager", _("Service-center manager")
    CASHIER = "cashier", _("Cashier")


_HOUSEHOLD_EDIT = [
    "residents.add_household",
    "residents.change_household",
    "residents.add_person",
    "residents.change_person",
    "residents.add_vehicle",
    "residents.change_vehicle",
    "residents.add_card",
    "residents.change_card",
    "residents.add_movein",
    "residents.change_movein",
    "residents.add_decoration",
    "residents.change_decoration",
    "residents.add_attachment",
    "residents.add_note",
]
_HOUSEHOLD_VIEW = ["residents.view_household", "residents.view_person"]
# Work orders change only through their services (the API and pages check the
# role of each step); these permissions open the read-only admin lists.
_TICKETS_VIEW = [
    "tickets.view_ticket",
    "tickets.view_liaisonform",
    "tickets.view_monthlycontract",
]
_TICKETS_SUPERVISE = [
    *_TICKETS_VIEW,
    # Who was shown which ID number in full (frontdesk.core.audit).
    "core.view_idnumberread",
    "tickets.view_complaintdetail",
    "tickets.view_callback",
    "tickets.view_ticketsettings",
    "tickets.change_ticketsettings",
]

# The supervisor keeps each project's working calendar and deadline rules in the admin.
_DEADLINE_SETTINGS = [
    "core.view_workingwindow",
    "core.add_workingwindow",
    "core.change_workingwindow",
    "core.delete_workingwindow",
    "core.view_calendarday",
    "core.add_calendarday",
    "core.change_calendarday",
    "core.delete_calendarday",
    "core.view_deadlinepolicy",
    "core.add_deadlinepolicy",
    "core.change_deadlinepolicy",
    "core.view_deadlinerule",
    "core.add_deadlinerule",
    "core.change_deadlinerule",
    "core.delete_deadlinerule",
]

# The desk's records change only through their services; these open the read-only
# admin lists, and the supervisor keeps the phone system's key and extensions.
_DESK_REVIEW = [
    "desk.view_dutylogentry",
    "desk.view_shift",
    "desk.view_handover",
    "desk.view_review",
    "desk.view_incident",
    "desk.view_tracking",
]
_DESK_PHONES = [
    "desk.view_phoneline",
    "desk.add_phoneline",
    "desk.change_phoneline",
    "desk.view_extension",
    "desk.add_extension",
    "desk.change_extension",
    "desk.delete_extension",
]

# The desk's registers change only through their services; these open the read-only admin
# lists. The supervisor keeps the key board, the lost-and-found holding period, whether
# visitors are confirmed by phone and the time of the mail's daily list there.
_REGISTERS_VIEW = [
    "registers.view_visitor",
    "registers.view_visitormessage",
    "registers.view_visitorsettings",
    "registers.view_parcel",
    "registers.view_parcelsettings",
    "registers.view_releasepass",
    "registers.view_temporarypass",
    "registers.view_cardwork",
    "registers.view_incomingdocument",
    "registers.view_checklist",
    "registers.view_inspectionrun",
    "registers.view_key",
    "registers.view_loan",
    "registers.view_deposit",
    "registers.view_founditem",
    "registers.view_lostfoundsettings",
]
_REGISTERS_KEEP = [
    "registers.add_visitorsettings",
    "registers.change_visitorsettings",
    "registers.add_parcelsettings",
    "registers.change_parcelsettings",
    "registers.add_key",
    "registers.change_key",
    "registers.add_lostfoundsettings",
    "registers.change_lostfoundsettings",
]

# Which roles may do what. "view_phone" shows full phone numbers; without it a
# phone shows as 138****5678. "view_id_number" shows full ID numbers.
ROLE_PERMISSIONS: dict[str, list[str]] = {
    Role.DESK: [
        *_HOUSEHOLD_VIEW,
        *_TICKETS_VIEW,
        *_HOUSEHOLD_EDIT,
        "residents.view_phone",
        "residents.add_unit",
        "residents.change_unit",
    ],
    Role.BUTLER: [*_HOUSEHOLD_VIEW, *_TICKETS_VIEW, *_HOUSEHOLD_EDIT, "residents.view_phone"],
    Role.SUPERVISOR: [
        *_HOUSEHOLD_VIEW,
        *_TICKETS_SUPERVISE,
        *_DESK_REVIEW,
        *_DESK_PHONES,
        *_REGISTERS_VIEW,
        *_REGISTERS_KEEP,
        *_HOUSEHOLD_EDIT,
        "residents.view_phone",
        "residents.view_id_number",
        "residents.add_unit",
        "residents.change_unit",
        "residents.add_building",
        "residents.change_building",
        *_DEADLINE_SETTINGS,
    ],
    Role.MANAGER: [
        *_HOUSEHOLD_VIEW,
        *_TICKETS_SUPERVISE,
        *_DESK_REVIEW,
        *_REGISTERS_VIEW,
        "residents.view_phone",
        "residents.view_id_number",
    ],
    Role.CASHIER: [*_HOUSEHOLD_VIEW, *_TICKETS_VIEW, "residents.view_phone"],
    Role.ENGINEERING: [*_HOUSEHOLD_VIEW, *_TICKETS_VIEW],
    Role.CLEANING: [*_HOUSEHOLD_VIEW, *_TICKETS_VIEW],
    Role.GREENING: [*_HOUSEHOLD_VIEW, *_TICKETS_VIEW],
    Role.SECURITY: [*_HOUSEHOLD_VIEW, *_TICKETS_VIEW],
}


def user_roles(user: AbstractBaseUser | AnonymousUser) -> set[str]:
    """The role codes of a user (cached on the user object for the request)."""
    if not user.is_authenticated:
        return set()
    cached = getattr(user, "_desk_roles", None)
    if cached is None:
        cached = set(user.groups.values_list("name", flat=True))  # type: ignore[attr-defined]
        user._desk_roles = cached  # type: ignore[union-attr]
    return cached


def has_role(user: AbstractBaseUser | AnonymousUser, *roles: str) -> bool:
    return bool(getattr(user, "is_superuser", False)) or bool(user_roles(user) & set(roles))


def sync_role_groups(**kwargs: Any) -> None:
    """Create one group per role and set its permissions to the table above."""
    perms = {
        f"{p.content_type.app_label}.{p.codename}": p
        for p in Permission.objects.select_related("content_type")
    }
    for role, names in ROLE_PERMISSIONS.items():
        group, _created = Group.objects.get_or_create(name=str(role))
        group.permissions.set([perms[n] for n in names if n in perms])
