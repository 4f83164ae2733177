"""`manage.py seed_demo [--if-empty]`: load the demo estates, staff and households."""

import time
from importlib import import_module
from typing import Any

from django.apps import apps
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils.module_loading import module_has_submodule
from django.utils.translation import gettext as _

from frontdesk.core.models import Project
from frontdesk.desk import demo


def app_loaders() -> list[Any]:
    """The ``load(data)`` functions of the other apps' `demo` modules, in INSTALLED_APPS order."""
    loaders = []
    for config in apps.get_app_configs():
        if config.name == "frontdesk.desk" or not module_has_submodule(config.module, "demo"):
            continue
        module = import_module(f"{config.name}.demo")
        # A demo module without load() holds helpers that demo.load() calls itself.
        if hasattr(module, "load"):
            loaders.append(module.load)
    return loaders


class Command(BaseCommand):
    help = _("Load the demo data: two projects, their staff and about 300 household files.")

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help=_(
                "Do nothing when the database already has projects (safe to run on every start)."
            ),
        )

    def handle(self, *args: Any, if_empty: bool = False, **options: Any) -> None:
        if if_empty and Project.objects.exists():
            self.stdout.write(_("The database already has data; demo not loaded."))
            return
        if demo.is_loaded():
            raise CommandError(_("The demo data is already loaded."))
        started = time.monotonic()
        with transaction.atomic():  # all of the demo or none of it
            data = demo.load()
            for loader in app_loaders():
                loader(data)
        households = sum(len(h) for h in data.households.values())
        self.stdout.write(
            self.style.SUCCESS(
                _(
                    "Demo loaded in %(seconds).1f s: %(projects)d projects, "
                    "%(households)d current households, %(staff)d staff logins "
                    "(password %(password)s)."
                )
                % {
                    "seconds": time.monotonic() - started,
                    "projects": len(data.projects),
                    "households": households,
                    "staff": len(data.staff),
                    "password": demo.PASSWORD,
                }
            )
        )
