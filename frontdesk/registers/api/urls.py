from rest_framework.routers import DefaultRouter

from .views import custody, documents, inspections, loans, lost_found, parcels, passes, visitors

MODULES = (passes, visitors, parcels, loans, custody, documents, lost_found, inspections)

router = DefaultRouter()
for module in MODULES:
    for prefix, viewset, basename in module.ROUTES:
        router.register(prefix, viewset, basename=basename)

urlpatterns = [pattern for module in MODULES for pattern in module.urlpatterns] + router.urls
