from django.contrib.auth import views as auth_views
from django.urls import path

from frontdesk.core import views_lock

from . import views

urlpatterns = [
    path("", views.home, name="home"),
    path("start/", views.start, name="start"),
    path("search/results/", views.search_results, name="search-results"),
    path("households/<int:household_id>/", views.household_file, name="household-file"),
    path("settings/", views.my_settings, name="my-settings"),
    path("login/", auth_views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("lock/", views_lock.lock, name="lock"),
    path("unlock/", views_lock.unlock, name="unlock"),
]
