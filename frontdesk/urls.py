"""URL configuration: pages, the admin, and the REST API under /api/v1/."""

from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from frontdesk.core.api.views import TokenView

api_v1 = [
    path("auth/token/", TokenView.as_view(), name="api-token"),
    path("", include("residents.api.urls")),
    path("", include("tickets.api.urls")),
    path("", include("frontdesk.core.api.notifications")),
    path("", include("frontdesk.core.api.audit")),
]

urlpatterns = [
    path("", include("frontdesk.pages.urls")),
    path("residents/", include("residents.urls")),
    path("tickets/", include("tickets.urls")),
    path("notifications/", include("frontdesk.core.urls_notifications")),
    path("admin/", admin.site.urls),
    path("api/v1/", include(api_v1)),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
    path("i18n/", include("django.conf.urls.i18n")),
]
if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
