"""Choices of the mail, newspapers and parcels register (邮件、报刊、快递)."""

from django.db.models import TextChoices
from django.utils.translation import gettext_lazy as _

# The kinds of ID a collector shows are the household file's (residents.choices.IdType).
from residents.choices import IdType

__all__ = ["Carrier", "CollectorKind", "IdType", "ParcelKind", "ParcelStatus", "TellChannel"]


class ParcelKind(TextChoices):
    LETTER = "letter", _("Letter")
    REGISTERED = "registered", _("Registered mail")
    NEWSPAPER = "newspaper", _("Newspaper or magazine")
    PARCEL = "parcel", _("Parcel")


class Carrier(TextChoices):
    POST = "post", _("China Post / EMS")
    SF = "sf", _("SF Express")
    JD = "jd", _("JD Logistics")
    ZTO = "zto", _("ZTO Express")
    YTO = "yto", _("YTO Express")
    STO = "sto", _("STO Express")
    YUNDA = "yunda", _("Yunda Express")
    OTHER = "other", _("Other carrier")


class ParcelStatus(TextChoices):
    WAITING = "waiting", _("Waiting for pickup")
    COLLECTED = "collected", _("Picked up")
    RETURNED = "returned", _("Returned to sender")


class TellChannel(TextChoices):
    PHONE = "phone", _("By phone")
    IN_PERSON = "in_person", _("In person")
    NOTE = "note", _("Note in the mailbox")
    BUTLER = "butler", _("Through the area staff")


class CollectorKind(TextChoices):
    RESIDENT = "resident", _("The resident")
    AREA_STAFF = "area_staff", _("Area staff on the resident's behalf")
