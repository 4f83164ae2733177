"""URL configuration: pages, the admin, and the REST API under /api/v1/."""

from django.conf import settings
from django.contrib import admin
from django.shortcuts import redirect
from django.templatetags.static import static as static_url
from django.urls import include, path, re_path
from django.utils.csp import CSP
from django.views.decorators.csp import csp_override

from frontdesk.core.api.errors import api_not_found
from frontdesk.core.api.views import DeskSchemaView, DeskSwaggerView, TokenView

api_v1 = [
    path("auth/token/", TokenView.as_view(), name="api-token"),
    path("", include("residents.api.urls")),
    path("", include("tickets.api.urls")),
    path("", include("billing.api.urls")),
    path("", include("frontdesk.core.api.notifications")),
    path("", include("frontdesk.core.api.audit")),
    path("", include("frontdesk.desk.api.urls")),
    path("", include("frontdesk.registers.api.urls")),
]

# The API documentation (Swagger UI) loads its start-up script as a file (the split
# view), so scripts stay 'self' only; Swagger UI sets one inline style of its own,
# allowed on this page alone.
api_docs = csp_override({**settings.SECURE_CSP, "style-src": [CSP.SELF, CSP.UNSAFE_INLINE]})(
    DeskSwaggerView.as_view(url_name="api-schema")
)

urlpatterns = [
    path("", include("frontdesk.pages.urls")),
    path("residents/", include("residents.urls")),
    path("tickets/", include("tickets.urls")),
    path("desk/", include("frontdesk.desk.urls")),
    path("registers/", include("frontdesk.registers.urls")),
    path("billing/", include("billing.urls")),
    path("notifications/", include("frontdesk.core.urls_notifications")),
    path("admin/", admin.site.urls),
    path("api/v1/", include(api_v1)),
    # After every endpoint: an address under /api/v1/ that names none is a 404 in JSON.
    re_path(r"^api/v1/.*/$", api_not_found, name="api-not-found"),
    path("api/schema/", DeskSchemaView.as_view(), name="api-schema"),
    path("api/docs/", api_docs, name="api-docs"),
    path("i18n/", include("django.conf.urls.i18n")),
    # Browsers ask for /favicon.ico whatever the page says.
    path("favicon.ico", lambda request: redirect(static_url("favicon.ico"), permanent=True)),
]
# A database outage is a 503, any other failure a 500, in the API's JSON under /api/.
handler500 = "frontdesk.core.outage.server_error"
handler404 = "frontdesk.core.outage.not_found"

# Uploaded files are never served from MEDIA_URL, not even in development: they
# are residents' documents, downloaded only through the views that check the
# user's project (residents:attachment-download, the API's download action).
