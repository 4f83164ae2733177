"""The work-order models: the orders and their process (`orders`), and the
supervision side — the monthly complaint report, its settings and the runs of
the periodic jobs (`reports`)."""

from .orders import (
    Callback,
    ComplaintDetail,
    ContractVisit,
    LiaisonForm,
    MonthlyContract,
    PromiseSlip,
    ResidentRating,
    Ticket,
    TicketEvent,
    TicketSettings,
    WarrantyRepair,
    WarrantyReport,
)
from .reports import (
    ComplaintReport,
    EffectivenessBasis,
    JobRun,
    ReportSettings,
)

__all__ = [
    "Callback",
    "ComplaintDetail",
    "ComplaintReport",
    "ContractVisit",
    "EffectivenessBasis",
    "JobRun",
    "LiaisonForm",
    "MonthlyContract",
    "PromiseSlip",
    "ReportSettings",
    "ResidentRating",
    "Ticket",
    "TicketEvent",
    "TicketSettings",
    "WarrantyRepair",
    "WarrantyReport",
]
