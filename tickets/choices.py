"""Enumerations of the work-order app (DOMAIN.md, "Work orders")."""

from django.db.models import TextChoices
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class TicketKind(TextChoices):
    REPAIR = "repair", _("Repair")
    COMPLAINT = "complaint", _("Complaint")
    HOUSEKEEPING = "housekeeping", _("Housekeeping")
    GREENING = "greening", pgettext_lazy("work order kind", "Greening")
    CONVENIENCE = "convenience", _("Convenience service")


# The letters that start a serial number: WX-2026-000123 (维修), TS (投诉), JZ (家政),
# LH (绿化), BM (便民). They are printed on every copy, so they never change.
SERIAL_PREFIX: dict[str, str] = {
    TicketKind.REPAIR: "WX",
    TicketKind.COMPLAINT: "TS",
    TicketKind.HOUSEKEEPING: "JZ",
    TicketKind.GREENING: "LH",
    TicketKind.CONVENIENCE: "BM",
}

# Kinds that are paid services unless registered otherwise (a contract visit is
# covered by its monthly price).
PAID_BY_DEFAULT = frozenset({TicketKind.HOUSEKEEPING, TicketKind.GREENING, TicketKind.CONVENIENCE})


class TicketStatus(TextChoices):
    REGISTERED = "registered", pgettext_lazy("work order status", "Registered")
    DISPATCHED = "dispatched", _("Dispatched")
    ACCEPTED = "accepted", _("Accepted")
    ARRIVED = "arrived", _("Arrived on site")
    PAUSED = "paused", _("Paused")
    DONE = "done", _("Work done")
    RETURNED = "returned", _("Returned to the desk")
    VISITED = "visited", _("Called back")
    CLOSED = "closed", _("Closed")
    VOIDED = "voided", _("Voided")


# Not yet returned to the desk: these are what the queue tracks against deadlines.
UNRETURNED_STATUSES = frozenset(
    {
        TicketStatus.REGISTERED,
        TicketStatus.DISPATCHED,
        TicketStatus.ACCEPTED,
        TicketStatus.ARRIVED,
        TicketStatus.PAUSED,
        TicketStatus.DONE,
    }
)
# Everything that is neither closed nor voided.
OPEN_STATUSES = UNRETURNED_STATUSES | {TicketStatus.RETURNED, TicketStatus.VISITED}


class Place(TextChoices):
    LIFT = "lift", _("Lift")
    LOBBY = "lobby", _("Lobby")
    CORRIDOR = "corridor", _("Corridor")
    STAIRWELL = "stairwell", _("Stairwell")
    GROUNDS = "grounds", _("Grounds")
    CAR_PARK = "car_park", _("Car park")
    OTHER = "other", _("Other public place")


class Source(TextChoices):
    PHONE = "phone", _("Phone call")
    WALK_IN = "walk_in", _("Walk-in")
    PATROL = "patrol", _("Patrol")
    APP = "app", _("Resident app")


class Priority(TextChoices):
    NORMAL = "normal", _("Normal")
    URGENT = "urgent", _("Urgent")
    EMERGENCY = "emergency", _("Emergency")


# Higher first in a queue: emergencies jump it.
PRIORITY_RANK: dict[str, int] = {Priority.NORMAL: 0, Priority.URGENT: 1, Priority.EMERGENCY: 2}


class Weight(TextChoices):
    """How heavy a matter is for the quick commitment (快速响应): it sets the commitment's
    deadline. What makes a matter major or an emergency is the project's configuration."""

    GENERAL = "general", _("General matter")
    MAJOR = "major", _("Major matter")
    EMERGENCY = "emergency", _("Emergency")


# The deadline kind (frontdesk.core.deadlines) of the commitment owed for each weight.
COMMITMENT_KIND: dict[str, str] = {w.value: f"commitment.{w.value}" for w in Weight}
# The words an emergency is recognised by, and the public places that make a matter
# major, when a project has not set its own.
DEFAULT_EMERGENCY_WORDS = ("困人", "被困", "爆管", "跑水", "停电", "漏电", "火警", "燃气泄漏")
DEFAULT_MAJOR_PLACES = (Place.LIFT.value,)


class Department(TextChoices):
    ENGINEERING = "engineering", _("Engineering")
    CLEANING = "cleaning", _("Cleaning")
    GREENING = "greening", _("Greening")
    SECURITY = "security", _("Security")
    CUSTOMER_SERVICE = "customer_service", _("Customer service")


DEFAULT_DEPARTMENT: dict[str, str] = {
    TicketKind.REPAIR: Department.ENGINEERING,
    TicketKind.HOUSEKEEPING: Department.CLEANING,
    TicketKind.GREENING: Department.GREENING,
    TicketKind.CONVENIENCE: Department.CUSTOMER_SERVICE,
    TicketKind.COMPLAINT: "",
}


# --- Complaints --------------------------------------------------------------------


class ComplaintCategory(TextChoices):
    SECURITY = "security", pgettext_lazy("complaint category", "Security")
    CLEANING = "cleaning", pgettext_lazy("complaint category", "Cleaning")
    GREENING = "greening", pgettext_lazy("complaint category", "Greening")
    ENGINEERING = "engineering", _("Engineering maintenance")
    MAIL = "mail", _("Mail and newspapers")
    DECORATION = "decoration", _("Decoration management")
    ATTITUDE = "attitude", _("Staff attitude")
    OTHER = "other", _("Other")


class ComplaintReason(TextChoices):
    AIR_CONDITIONING = "air_conditioning", _("Equipment: air-conditioning")
    LIGHTING = "lighting", _("Equipment: lighting")
    WATER = "water", _("Equipment: water")
    POWER = "power", _("Equipment: power")
    ELEVATOR = "elevator", _("Equipment: elevators")
    SERVICE_ATTITUDE = "service_attitude", _("Service attitude")
    SERVICE_QUALITY = "service_quality", _("Service quality")
    EMERGENCY = "emergency", _("Emergency")


class Temper(TextChoices):
    RATIONAL = "rational", _("Rational")
    DISAPPOINTED = "disappointed", _("Disappointed")
    ANGRY = "angry", _("Angry")


class ReferredTo(TextChoices):
    HEAD_OF_CUSTOMER_SERVICE = "head_of_customer_service", _("Head of customer service")
    SERVICE_CENTER_MANAGER = "service_center_manager", _("Service-center manager")


# --- Callbacks -----------------------------------------------------------------------


class Satisfaction(TextChoices):
    SATISFIED = "satisfied", _("Satisfied")
    BASICALLY_SATISFIED = "basically_satisfied", _("Basically satisfied")
    NOT_SATISFIED = "not_satisfied", _("Not satisfied")


class Rating(TextChoices):
    GOOD = "good", _("Good")
    FAIR = "fair", _("Fair")
    POOR = "poor", _("Poor")


class Dissatisfied(TextChoices):
    """What the desk does when the resident is not satisfied at the callback."""

    NOTHING = "", _("Nothing yet")
    REWORK = "rework", _("Redo the work (a linked rework order)")
    COMPLAINT = "complaint", _("Open a linked complaint")


# --- Liaison forms and contracts ---------------------------------------------------------


class LiaisonStatus(TextChoices):
    OPEN = "open", _("Open")
    ANSWERED = "answered", _("Answered")
    CLOSED = "closed", _("Closed")


class ScheduleType(TextChoices):
    WEEKDAYS = "weekdays", _("Days of the week")
    MONTHDAYS = "monthdays", _("Days of the month")


class ContractKind(TextChoices):
    """The kinds of order a monthly contract (包月) covers."""

    HOUSEKEEPING = TicketKind.HOUSEKEEPING.value, TicketKind.HOUSEKEEPING.label
    GREENING = TicketKind.GREENING.value, TicketKind.GREENING.label


CONTRACT_KINDS = frozenset(ContractKind.values)
