from django.urls import path

from . import views
from .views import (
    custody,
    documents,
    inspections,
    loans,
    lost_found,
    parcels,
    passes,
    visitors,
)

app_name = "registers"
urlpatterns = [
    path("", views.index, name="index"),
    *passes.urlpatterns,
    *visitors.urlpatterns,
    *parcels.urlpatterns,
    *loans.urlpatterns,
    *custody.urlpatterns,
    *documents.urlpatterns,
    *lost_found.urlpatterns,
    *inspections.urlpatterns,
]
