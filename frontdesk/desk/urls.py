from django.urls import path

from . import views

app_name = "desk"
urlpatterns = [
    path("log/", views.duty_log, name="duty-log"),
    path("log/pick/", views.household_pick, name="household-pick"),
    path("log/print/", views.duty_log_print, name="duty-log-print"),
    path("log/<int:pk>/", views.entry_detail, name="entry"),
    path("morning/", views.morning, name="morning"),
    path("shifts/", views.shifts, name="shifts"),
    path("shifts/<int:pk>/close/", views.shift_close, name="shift-close"),
    path("handovers/<int:pk>/", views.handover_detail, name="handover"),
    path("handovers/<int:pk>/print/", views.handover_print, name="handover-print"),
    path("banner/", views.banner, name="banner"),
    path("incidents/", views.incidents, name="incidents"),
    path("incidents/<int:pk>/", views.incident_detail, name="incident"),
    path("follow-ups/", views.trackings, name="trackings"),
    path("follow-ups/<int:pk>/", views.tracking_detail, name="tracking"),
    path("calls/", views.ringing, name="ringing"),
    path("now/", views.now, name="now"),
    path("calls/<int:pk>/take/", views.ring_take, name="ring-take"),
    path("reviews/", views.review_today, name="review-today"),
    path("reviews/<int:project_id>/<str:day>/", views.review, name="review"),
    path(
        "reviews/<int:project_id>/week/<str:day>/",
        views.review,
        {"kind": "weekly"},
        name="review-weekly",
    ),
    path(
        "reviews/<int:project_id>/department/<str:department>/<str:day>/",
        views.review,
        {"kind": "department"},
        name="review-department",
    ),
    path(
        "reviews/<int:project_id>/spot/<str:day>/",
        views.review,
        {"kind": "spot"},
        name="review-spot",
    ),
]
