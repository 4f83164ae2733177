"""API of this register."""

from django.urls import URLPattern

# (prefix, viewset, basename) registered on the API router.
ROUTES: list[tuple] = []
urlpatterns: list[URLPattern] = []
