"""Enumerations of the residents app."""

from django.db.models import TextChoices
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class UnitType(TextChoices):
    APARTMENT = "apartment", _("Apartment")
    VILLA = "villa", _("Villa")
    SHOP = "shop", _("Shop")
    OFFICE = "office", _("Office")


class UnitStatus(TextChoices):
    VACANT = "vacant", _("Vacant")
    OCCUPIED = "occupied", _("Occupied")
    DECORATING = "decorating", _("Under decoration")


class PersonRole(TextChoices):
    OWNER = "owner", _("Owner")
    TENANT = "tenant", _("Tenant")
    MEMBER = "member", _("Household member")
    EMERGENCY = "emergency", _("Emergency contact")


class Gender(TextChoices):
    UNKNOWN = "", _("Not stated")
    MALE = "male", _("Male")
    FEMALE = "female", _("Female")


class IdType(TextChoices):
    RESIDENT_ID = "resident_id", _("Resident ID card")
    PASSPORT = "passport", _("Passport")
    HK_MACAO = "hk_macao", _("Mainland travel permit for HK and Macao residents")
    TAIWAN = "taiwan", _("Mainland travel permit for Taiwan residents")
    OTHER = "other", _("Other")


class CardKind(TextChoices):
    ACCESS = "access", _("Access card")
    IC = "ic", _("IC card")
    PARKING = "parking", _("Parking card")


class CardStatus(TextChoices):
    ACTIVE = "active", _("Active")
    LOST = "lost", _("Reported lost")
    RETURNED = "returned", pgettext_lazy("card status", "Returned")


class ChecklistCondition(TextChoices):
    GOOD = "good", _("Good")
    DEFECT = "defect", _("Defect")
    MISSING = "missing", _("Missing")


class DecorationStatus(TextChoices):
    APPLIED = "applied", _("Applied")
    APPROVED = "approved", _("Approved")
    IN_PROGRESS = "in_progress", _("In progress")
    INSPECTED = "inspected", _("Passed final inspection")
    REJECTED = "rejected", _("Rejected")


class InspectionKind(TextChoices):
    ROUTINE = "routine", _("Routine check")
    CONCEALED = "concealed", _("Concealed works")
    FINAL = "final", _("Final inspection")


class InspectionResult(TextChoices):
    PASSED = "passed", _("Passed")
    RECTIFY = "rectify", _("Rectification required")


class ChangeAction(TextChoices):
    CREATED = "created", _("Created")
    UPDATED = "updated", _("Updated")
    MOVED_IN = "moved_in", _("Moved in")
    MOVED_OUT = "moved_out", _("Moved out")
    ADDED = "added", _("Added")
    REMOVED = "removed", _("Removed")
    MARKED_IMPORTANT = "important", _("Marked an important customer")
    UNMARKED_IMPORTANT = "unimportant", _("No longer an important customer")
