"""The printed item release pass (物品放行条), with the QR code the gate scans.

Only a printing sent to paper is counted (the POST print action): after it a
later printing says "reprint" on the pass. Opening the PDF is a preview that
counts nothing and says so. Phones are masked as the screen masks them for
whoever prints; the ID number is always masked.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils import timezone

from frontdesk.core.masking import id_number_for, phone_for
from frontdesk.core.pdf import qr_data_uri, render_pdf

from ..models.passes import ReleasePass
from ..selectors.passes import pass_code, verify_url
from ..services.passes import release_pass_record_print


def print_release_pass(
    release_pass: ReleasePass, *, by: Any, request: HttpRequest | None = None, counted: bool
) -> bytes:
    """The pass as a PDF as `by` may see it; with `counted`, one printing is recorded first."""
    if counted:
        release_pass.print_count = release_pass_record_print(
            release_pass=release_pass, by=by
        ).print_count
    url = verify_url(release_pass)
    if request is not None:
        url = request.build_absolute_uri(url)
    context = {
        "p": release_pass,
        "phone": phone_for(by, release_pass.carrier_phone),
        "id_number": id_number_for(by, release_pass.carrier_id_number),
        "qr": qr_data_uri(url),
        "code": pass_code(release_pass),
        "preview": not counted,
        "reprint": counted and release_pass.print_count > 1,
        "printed_at": timezone.now(),
        "printed_by": by,
    }
    return render_pdf("registers/print/release_pass.html", context, request=request)
