from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DeskConfig(AppConfig):
    name = "frontdesk.desk"
    label = "desk"
    verbose_name = _("Desk records")

    def ready(self) -> None:
        from frontdesk.core.open_items import register_open_items

        from .selectors import open_emergencies, pending_promises

        # The desk's own open items in every handover.
        register_open_items("desk.pending_promises", _("Answers owed"), pending_promises)
        register_open_items("desk.emergencies", _("Open emergencies"), open_emergencies)
