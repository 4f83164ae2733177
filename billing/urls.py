from django.urls import path

from . import views

app_name = "billing"
urlpatterns = [
    path("households/<int:household_id>/pay/", views.payment_take, name="pay"),
    path("receipts/<int:pk>/print/", views.receipt_print, name="receipt-print"),
    path("reports/collection/", views.collection_report, name="collection"),
    path("reports/arrears/", views.arrears_report, name="arrears"),
    path("reports/arrears/dunning/", views.dunning_print, name="dunning"),
    path("reports/arrears/notify/", views.dunning_notify, name="dunning-notify"),
    path("reports/statement/", views.statement_report, name="statement"),
    path("confirmations/", views.charge_confirmations, name="confirmations"),
    path(
        "households/<int:household_id>/aircon-overtime/",
        views.aircon_overtime_record,
        name="aircon-new",
    ),
    path("aircon-overtime/", views.aircon_overtime_list, name="aircon-overtime"),
    path(
        "households/<int:household_id>/utility-payments/",
        views.utility_collect,
        name="utility-new",
    ),
    path("utility-payments/", views.utility_payments, name="utility-payments"),
    path(
        "utility-payments/<int:pk>/pay-over/",
        views.utility_step,
        {"step": "pay-over"},
        name="utility-pay-over",
    ),
    path(
        "utility-payments/<int:pk>/reverse/",
        views.utility_step,
        {"step": "reverse"},
        name="utility-reverse",
    ),
]
