"""The one application error of the desk's services.

Services raise `ApplicationError` when a request is refused (bad input, an
illegal transition, a row of another project). Pages show its messages as form
errors; the API maps it once, in `frontdesk.core.api.errors`, to a 400 whose
body has the same shape as DRF's own validation errors:
``{"field": ["message", ...], "non_field_errors": ["message"]}``.
"""

from collections.abc import Mapping, Sequence

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.utils.translation import gettext_noop

NON_FIELD = "non_field_errors"


class ApplicationError(Exception):
    def __init__(
        self, message: str = "", *, fields: Mapping[str, Sequence[str] | str] | None = None
    ):
        self.fields: dict[str, list[str]] = {
            key: [value] if isinstance(value, str) else list(value)
            for key, value in (fields or {}).items()
        }
        if message:
            self.fields.setdefault(NON_FIELD, []).insert(0, str(message))
        super().__init__(message or "; ".join(m for ms in self.fields.values() for m in ms))

    @classmethod
    def from_validation_error(cls, error: ValidationError) -> "ApplicationError":
        if hasattr(error, "error_dict"):
            fields = {
                (NON_FIELD if key == NON_FIELD_ERRORS else key): [str(m) for m in msgs]
                for key, msgs in error.message_dict.items()
            }
            return cls(fields=fields)
        return cls(fields={NON_FIELD: [str(m) for m in error.messages]})

    def apply_to_form(self, form) -> None:  # type: ignore[no-untyped-def]
        """Show the messages on a Django form, on its fields where it has them."""
        for key, messages in self.fields.items():
            field = key if key in form.fields else None
            for message in messages:
                form.add_error(field, message)


# Django's own blank choice of a select ("- Select an option -", new in Django 6.1) is not
# in its zh-hans catalogue yet; marked here so that the desk's catalogue translates it.
BLANK_CHOICE_LABEL = gettext_noop("- Select an option -")
