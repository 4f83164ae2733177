from rest_framework.routers import DefaultRouter

from .views import LiaisonFormViewSet, MonthlyContractViewSet, TicketViewSet

router = DefaultRouter()
router.register("tickets", TicketViewSet, basename="ticket")
router.register("liaison-forms", LiaisonFormViewSet, basename="liaison-form")
router.register("contracts", MonthlyContractViewSet, basename="contract")
urlpatterns = router.urls

# The desk's callback queue and the monthly complaint report.
from django.urls import path  # noqa: E402

from .callbacks import CallbackQueueViewSet  # noqa: E402
from .reports import ComplaintReportView  # noqa: E402

router.register("callbacks", CallbackQueueViewSet, basename="callback")
urlpatterns = [
    path("reports/complaints/", ComplaintReportView.as_view(), name="complaint-report"),
    *router.urls,
]
