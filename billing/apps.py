from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BillingConfig(AppConfig):
    name = "billing"
    verbose_name = _("Fees and payments")

    def ready(self) -> None:
        from frontdesk.core.household_flags import register_household_flags

        from .flags import arrears_flags

        register_household_flags("billing.arrears", arrears_flags)
