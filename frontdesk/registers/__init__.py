"""The desk's registers (seed 004, 4.6–4.8): the paper books of the front desk.

Item release passes, visitors, mail and parcels, key and file loans, valuables in
custody, incoming documents, lost and found, patrols and inspections. Each register
is one module of the same name in every package here (`models/passes.py`,
`services/passes.py`, `views/passes.py`, `api/views/passes.py` ...), and keeps
every entry: a correction is a new entry, never an edit or a delete.

What stays open in a register (a parcel not collected, a key not returned) reaches
the shift handover through the open-item registry (`frontdesk.core.open_items`):
each `selectors/<register>.py` lists its gatherers in `OPEN_ITEMS`.
"""

# The registers, in the order the desk's pages list them.
REGISTERS = (
    "passes",
    "visitors",
    "parcels",
    "loans",
    "custody",
    "documents",
    "lost_found",
    "inspections",
)
