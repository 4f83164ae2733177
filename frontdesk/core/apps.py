from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "frontdesk.core"
    label = "core"
    verbose_name = _("Projects and staff")

    def ready(self) -> None:
        from django.utils.translation import gettext_lazy

        from . import signals  # noqa: F401
        from .open_items import overdue_deadlines, register_open_items
        from .roles import sync_role_groups

        register_open_items(
            "core.overdue_deadlines", gettext_lazy("Overdue deadlines"), overdue_deadlines
        )

        # Groups and their permissions are code: every migrate brings them in line.
        post_migrate.connect(sync_role_groups, dispatch_uid="core.sync_role_groups")
