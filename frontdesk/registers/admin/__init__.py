"""The registers in the admin: read-only lists (entries change only through services)."""

from . import (
    custody,  # noqa: F401
    documents,  # noqa: F401
    inspections,  # noqa: F401
    loans,  # noqa: F401
    lost_found,  # noqa: F401
    parcels,  # noqa: F401
    passes,  # noqa: F401
    visitors,  # noqa: F401
)
