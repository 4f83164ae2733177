"""Writes to work orders. Every change is checked, saved and recorded here.

All functions are keyword-only and atomic. Each validates everything before
it writes, so a refused request raises `ApplicationError` (or
`PermissionDenied` for a supervisor's action) and leaves nothing behind; the
serial number is taken last, just before the order is saved, so a refused
registration consumes none and the counter row stays locked as briefly as
possible. Each transition locks the order row, checks the table in
`tickets.transitions`, appends a `TicketEvent`, and opens or keeps the
promises of the step as deadlines (`frontdesk.core.deadlines`).

Functions that take a `ticket` update that instance in place and return it.

One module per part of the process: `orders` (every kind), `complaints`,
`warranty`, `liaison`, `contracts`; `common` holds what they share. Import
the functions from here.
"""

from .commitments import classify, classify_for_project, ticket_commit
from .common import (
    RETURN_FREE,
    RETURN_PAID,
    end_of_working_day,
    next_liaison_number,
    next_serial,
)
from .complaints import (
    complaint_answer,
    complaint_butler_reply,
    complaint_confirm,
    complaint_decide,
    complaint_investigate,
    complaint_mark_valid,
    complaint_refer,
    complaint_sign_off,
)
from .contracts import contract_create, contract_open_visit
from .liaison import liaison_answer, liaison_close, liaison_create
from .orders import (
    complaint_promise_slip,
    resident_rate,
    return_deadline,
    ticket_accept,
    ticket_arrive,
    ticket_callback,
    ticket_close,
    ticket_complete,
    ticket_confirm_time,
    ticket_dispatch,
    ticket_follow_up,
    ticket_force_close,
    ticket_pause,
    ticket_price,
    ticket_promise_slip,
    ticket_quote_acknowledge,
    ticket_record_print,
    ticket_register,
    ticket_resume,
    ticket_return,
    ticket_rework,
    ticket_transfer,
    ticket_void,
    tickets_record_print,
)
from .warranty import warranty_pass, warranty_report

__all__ = [
    "RETURN_FREE",
    "RETURN_PAID",
    "classify",
    "classify_for_project",
    "complaint_answer",
    "complaint_butler_reply",
    "complaint_confirm",
    "complaint_decide",
    "complaint_investigate",
    "complaint_mark_valid",
    "complaint_promise_slip",
    "complaint_refer",
    "complaint_sign_off",
    "contract_create",
    "contract_open_visit",
    "end_of_working_day",
    "liaison_answer",
    "liaison_close",
    "liaison_create",
    "next_liaison_number",
    "next_serial",
    "resident_rate",
    "return_deadline",
    "ticket_accept",
    "ticket_arrive",
    "ticket_callback",
    "ticket_close",
    "ticket_commit",
    "ticket_complete",
    "ticket_confirm_time",
    "ticket_dispatch",
    "ticket_follow_up",
    "ticket_force_close",
    "ticket_pause",
    "ticket_price",
    "ticket_promise_slip",
    "ticket_quote_acknowledge",
    "ticket_record_print",
    "tickets_record_print",
    "ticket_register",
    "ticket_resume",
    "ticket_return",
    "ticket_rework",
    "ticket_transfer",
    "ticket_void",
    "warranty_pass",
    "warranty_report",
]
