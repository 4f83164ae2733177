from django.urls import path
from rest_framework.routers import DefaultRouter

from .views import (
    AirconOvertimeViewSet,
    ArrearsReportView,
    BillViewSet,
    CashHandoverViewSet,
    ChargeConfirmationViewSet,
    ChargeStandardViewSet,
    CollectionReportView,
    CreditViewSet,
    DepositViewSet,
    ExpenditureViewSet,
    MarginReportView,
    MeterReadingViewSet,
    PaymentViewSet,
    ReceiptViewSet,
    RefundViewSet,
    StatementReportView,
    UtilityPaymentViewSet,
)

router = DefaultRouter()
router.register("charge-standards", ChargeStandardViewSet, basename="charge-standard")
router.register("meter-readings", MeterReadingViewSet, basename="meter-reading")
router.register("bills", BillViewSet, basename="bill")
router.register("payments", PaymentViewSet, basename="payment")
router.register("receipts", ReceiptViewSet, basename="receipt")
router.register("deposits", DepositViewSet, basename="deposit")
router.register("refunds", RefundViewSet, basename="refund")
router.register("credits", CreditViewSet, basename="credit")
router.register("cash-handovers", CashHandoverViewSet, basename="cash-handover")
router.register("expenditures", ExpenditureViewSet, basename="expenditure")
router.register("charge-confirmations", ChargeConfirmationViewSet, basename="charge-confirmation")
router.register("aircon-overtime", AirconOvertimeViewSet, basename="aircon-overtime")
router.register("utility-payments", UtilityPaymentViewSet, basename="utility-payment")

urlpatterns = [
    path("reports/collection/", CollectionReportView.as_view(), name="collection-report"),
    path("reports/arrears/", ArrearsReportView.as_view(), name="arrears-report"),
    path("reports/statement/", StatementReportView.as_view(), name="statement-report"),
    path("reports/margins/", MarginReportView.as_view(), name="margin-report"),
    *router.urls,
]
