from django.urls import path

from .views import callbacks as views_callbacks
from .views import orders as views
from .views import reports as views_reports

app_name = "tickets"
urlpatterns = [
    path("", views.queue, name="queue"),
    path("new/", views.register, name="new"),
    path("work/", views.work, name="work"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/print/", views.print_ticket, name="print"),
    path("<int:pk>/timeline/", views.timeline, name="timeline"),
    path("<int:pk>/do/<slug:action>/", views.act, name="act"),
    path("print/today/", views.print_today, name="print-today"),
    path("r/<str:token>/", views.resident, name="resident"),
    path("month-end/", views.month_end, name="month-end"),
    path("liaison/", views.liaison_list, name="liaison-list"),
    path("liaison/<int:pk>/", views.liaison_detail, name="liaison"),
    path("liaison/<int:pk>/print/", views.liaison_print, name="liaison-print"),
    path("contracts/", views.contract_list, name="contracts"),
    path("contracts/<int:pk>/", views.contract_detail, name="contract"),
    path("warranty/", views.warranty_daily, name="warranty-daily"),
    path("callbacks/", views_callbacks.callback_queue, name="callbacks"),
    path(
        "callbacks/<int:pk>/outcome/",
        views_callbacks.callback_outcome,
        name="callback-outcome",
    ),
    path("visits/", views_callbacks.visits_due, name="visits"),
    path("unreturned/", views_callbacks.unreturned, name="unreturned"),
    path("weekly/", views_callbacks.weekly, name="weekly"),
    path("reports/complaints/", views_reports.report_list, name="complaint-reports"),
    path(
        "reports/complaints/live/",
        views_reports.report_preview,
        name="complaint-report-preview",
    ),
    path(
        "reports/complaints/<str:period>/",
        views_reports.report_detail,
        name="complaint-report",
    ),
]
