from django.urls import path
from rest_framework.routers import DefaultRouter

from .views import (
    DutyLogViewSet,
    FollowUpViewSet,
    HandoverViewSet,
    IncidentViewSet,
    ReviewViewSet,
    RingView,
    ShiftViewSet,
)

router = DefaultRouter()
router.register("duty-log", DutyLogViewSet, basename="duty-log")
router.register("shifts", ShiftViewSet, basename="shift")
router.register("handovers", HandoverViewSet, basename="handover")
router.register("reviews", ReviewViewSet, basename="review")
router.register("incidents", IncidentViewSet, basename="incident")
router.register("follow-ups", FollowUpViewSet, basename="follow-up")

urlpatterns = [path("calls/ring/", RingView.as_view(), name="call-ring"), *router.urls]
