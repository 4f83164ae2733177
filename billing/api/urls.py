from django.urls import path
from rest_framework.routers import DefaultRouter

from .views import (
    ArrearsReportView,
    BillViewSet,
    ChargeStandardViewSet,
    CollectionReportView,
    DepositViewSet,
    MeterReadingViewSet,
    PaymentViewSet,
    ReceiptViewSet,
    RefundViewSet,
)

router = DefaultRouter()
router.register("charge-standards", ChargeStandardViewSet, basename="charge-standard")
router.register("meter-readings", MeterReadingViewSet, basename="meter-reading")
router.register("bills", BillViewSet, basename="bill")
router.register("payments", PaymentViewSet, basename="payment")
router.register("receipts", ReceiptViewSet, basename="receipt")
router.register("deposits", DepositViewSet, basename="deposit")
router.register("refunds", RefundViewSet, basename="refund")

urlpatterns = [
    path("reports/collection/", CollectionReportView.as_view(), name="collection-report"),
    path("reports/arrears/", ArrearsReportView.as_view(), name="arrears-report"),
    *router.urls,
]
