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
]
