"""The WSGI entry point readies the URLconf at start-up, not on a clerk's first request."""

import subprocess
import sys


def test_starting_the_wsgi_application_loads_the_urls_and_views():
    """After importing frontdesk.wsgi the URL resolver is populated and the page views are
    imported, so the first request of a worker costs what any request costs."""
    script = (
        "import sys, frontdesk.wsgi; from django.urls import get_resolver; "
        "print(get_resolver()._populated, 'tickets.views.orders' in sys.modules)"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=120, check=True
    )
    assert done.stdout.split() == ["True", "True"]
