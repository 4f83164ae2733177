"""Pages of the registers, one module per register; the index lists them all."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


@login_required
def index(request: HttpRequest) -> HttpResponse:
    """The desk's registers, each with a link to its page."""
    return render(request, "registers/index.html")
