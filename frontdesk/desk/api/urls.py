from rest_framework.routers import DefaultRouter

from .views import DutyLogViewSet, HandoverViewSet, ReviewViewSet, ShiftViewSet

router = DefaultRouter()
router.register("duty-log", DutyLogViewSet, basename="duty-log")
router.register("shifts", ShiftViewSet, basename="shift")
router.register("handovers", HandoverViewSet, basename="handover")
router.register("reviews", ReviewViewSet, basename="review")

urlpatterns = router.urls
