from importlib import import_module

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RegistersConfig(AppConfig):
    name = "frontdesk.registers"
    label = "registers"
    verbose_name = _("Desk registers")

    def ready(self) -> None:
        from frontdesk.core.open_items import register_open_items

        from . import REGISTERS

        # Every register's open items join the shift handover; its steps join the table.
        for register in REGISTERS:
            import_module(f"{self.name}.transitions.{register}")
            selectors = import_module(f"{self.name}.selectors.{register}")
            for source in getattr(selectors, "OPEN_ITEMS", ()):
                register_open_items(source.key, source.title, source.gather)
