"""URL configuration: pages, the admin, and the REST API under /api/v1/."""

from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularSwaggerView

from frontdesk.core.api.errors import api_not_found
from frontdesk.core.api.views import DeskSchemaView, TokenView

api_v1 = [
    path("auth/token/", TokenView.as_view(), name="api-token"),
    path("", include("residents.api.urls")),
    path("", include("tickets.api.urls")),
    path("", include("frontdesk.core.api.notifications")),
    path("", include("frontdesk.core.api.audit")),
    # Last: an address under /api/v1/ that names no endpoint is a 404 in JSON.
    re_path(r"^.*/$", api_not_found, name="api-not-found"),
]

urlpatterns = [
    path("", include("frontdesk.pages.urls")),
    path("residents/", include("residents.urls")),
    path("tickets/", include("tickets.urls")),
    path("notifications/", include("frontdesk.core.urls_notifications")),
    path("admin/", admin.site.urls),
    path("api/v1/", include(api_v1)),
    path("api/schema/", DeskSchemaView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
    path("i18n/", include("django.conf.urls.i18n")),
]
# A database outage is a 503, any other failure a 500, in the API's JSON under /api/.
handler500 = "frontdesk.core.outage.server_error"

if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
