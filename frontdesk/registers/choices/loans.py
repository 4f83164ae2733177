"""Choices of the key and file loans register (钥匙借用 / 档案借阅)."""

from django.db.models import TextChoices
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

# A loan is due back this many hours after it is lent unless the clerk sets a time.
DEFAULT_LOAN_HOURS = 4


class KeyKind(TextChoices):
    VACANT_UNIT = "vacant_unit", _("Vacant unit key")
    FILE_CABINET = "file_cabinet", _("File-cabinet key")
    OTHER = "other", _("Other key")


class LoanStatus(TextChoices):
    OUT = "out", _("Lent out")
    RETURNED = "returned", pgettext_lazy("loan status", "Returned")
