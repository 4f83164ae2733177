from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ResidentsConfig(AppConfig):
    name = "residents"
    verbose_name = _("Residents")

    def ready(self) -> None:
        from frontdesk.core.household_flags import register_household_flags

        from .flags import important_flags

        register_household_flags("residents.important", important_flags)
