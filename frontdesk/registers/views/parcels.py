"""Pages of this register."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
