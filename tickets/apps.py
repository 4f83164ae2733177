from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TicketsConfig(AppConfig):
    name = "tickets"
    verbose_name = _("Work orders")

    def ready(self) -> None:
        from frontdesk.core.household_flags import register_household_flags
        from frontdesk.core.open_items import register_open_items

        from .flags import dissatisfied_flags, repeated_complaint_flags
        from .selectors import callbacks_owed, orders_to_dispatch

        # What the shift handover lists of the work orders still open.
        register_open_items("tickets.to_dispatch", _("Orders to dispatch"), orders_to_dispatch)
        register_open_items("tickets.callbacks_due", _("Callbacks due"), callbacks_owed)
        # What every page opening a household shows at once.
        register_household_flags("tickets.repeated_complaints", repeated_complaint_flags)
        register_household_flags("tickets.dissatisfied", dissatisfied_flags)
