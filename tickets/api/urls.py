from rest_framework.routers import DefaultRouter

from .views import LiaisonFormViewSet, MonthlyContractViewSet, TicketViewSet

router = DefaultRouter()
router.register("tickets", TicketViewSet, basename="ticket")
router.register("liaison-forms", LiaisonFormViewSet, basename="liaison-form")
router.register("contracts", MonthlyContractViewSet, basename="contract")
urlpatterns = router.urls
