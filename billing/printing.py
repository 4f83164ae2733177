"""Printed receipts (收据) through the desk's PDF pipeline (`frontdesk.core.pdf`)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils import timezone

from frontdesk.core.pdf import render_pdf

from .models import Allocation, Receipt
from .services import receipt_print


def receipt_pdf(*, receipt: Receipt, by: Any, request: HttpRequest | None = None) -> bytes:
    """Count the print and lay the receipt out; a print after the first says "reprint"."""
    receipt = receipt_print(receipt=receipt, by=by)
    receipt = Receipt.objects.select_related(
        "project", "household__unit", "payment__reversal", "deposit", "refund", "issued_by"
    ).get(pk=receipt.pk)
    allocations = []
    if receipt.payment_id:
        allocations = list(
            Allocation.objects.filter(payment_id=receipt.payment_id, reversal__isnull=True)
            .select_related("bill")
            .order_by("bill__period")
        )
    allocated = sum((a.amount for a in allocations), 0)
    context = {
        "receipt": receipt,
        "allocations": allocations,
        "held": receipt.amount - allocated if receipt.payment_id else None,
        "reprint": receipt.print_count > 1,
        "printed_at": timezone.localtime(),
    }
    return render_pdf("print/receipt.html", context, request=request)
