from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DeskConfig(AppConfig):
    name = "frontdesk.desk"
    label = "desk"
    verbose_name = _("Desk records")

    def ready(self) -> None:
        from frontdesk.core.open_items import register_open_items

        from .selectors import (
            open_emergencies,
            open_incidents,
            pending_promises,
            post_records_unread,
            trackings_due,
        )

        # The desk's own open items in every handover.
        register_open_items("desk.pending_promises", _("Answers owed"), pending_promises)
        register_open_items("desk.emergencies", _("Open emergencies"), open_emergencies)
        register_open_items("desk.incidents", _("Incidents being handled"), open_incidents)
        register_open_items("desk.trackings_due", _("Follow-ups due for a check"), trackings_due)
        register_open_items(
            "desk.post_records", _("Gate and monitoring records not read"), post_records_unread
        )
