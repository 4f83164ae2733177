from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TicketsConfig(AppConfig):
    name = "tickets"
    verbose_name = _("Work orders")

    def ready(self) -> None:
        from frontdesk.core.open_items import register_open_items

        from .selectors import callbacks_owed, orders_to_dispatch

        # What the shift handover lists of the work orders still open.
        register_open_items("tickets.to_dispatch", _("Orders to dispatch"), orders_to_dispatch)
        register_open_items("tickets.callbacks_due", _("Callbacks due"), callbacks_owed)
