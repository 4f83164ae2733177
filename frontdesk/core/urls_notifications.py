"""Pages of the bell: /notifications/."""

from django.urls import path

from . import views_notifications as views

urlpatterns = [
    path("", views.notifications, name="notifications"),
    path("bell/", views.bell, name="notification-bell"),
    path("<int:pk>/read/", views.read, name="notification-read"),
    path("read-all/", views.read_all, name="notification-read-all"),
]
