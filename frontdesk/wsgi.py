"""WSGI entry point (gunicorn frontdesk.wsgi)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "frontdesk.settings")
application = get_wsgi_application()


def _warm_up() -> None:
    """Load the URLconf (every view module) and the page skeleton when the process starts.

    Otherwise the first request a clerk makes to each worker pays for it: about 0.8 s
    of imports and URL patterns on a 2-core machine.
    """
    from django.template.loader import get_template
    from django.urls import reverse

    reverse("home")
    get_template("base.html")


_warm_up()
