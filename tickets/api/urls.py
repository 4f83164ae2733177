from django.urls import path
from rest_framework.routers import DefaultRouter

from .callbacks import CallbackQueueViewSet
from .reports import ComplaintReportView
from .views import LiaisonFormViewSet, MonthlyContractViewSet, TicketViewSet

router = DefaultRouter()
router.register("tickets", TicketViewSet, basename="ticket")
router.register("liaison-forms", LiaisonFormViewSet, basename="liaison-form")
router.register("contracts", MonthlyContractViewSet, basename="contract")
router.register("callbacks", CallbackQueueViewSet, basename="callback")

urlpatterns = [
    path("reports/complaints/", ComplaintReportView.as_view(), name="complaint-report"),
    *router.urls,
]
