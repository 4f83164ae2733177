"""The URLs the served benchmark's gunicorn answers: the product's, and the floors beside them.

Set as ROOT_URLCONF by `bench/wsgi.py` only: the product never serves a floor.
"""

from django.urls import path

from frontdesk import urls as product

from .floors import floor_view

urlpatterns = [path("__floor__/<str:name>", floor_view), *product.urlpatterns]
handler404 = product.handler404
handler500 = product.handler500
