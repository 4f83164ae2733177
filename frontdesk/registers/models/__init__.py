"""The registers' models, one module per register (see `frontdesk.registers`)."""

from .custody import *  # noqa: F403
from .documents import *  # noqa: F403
from .inspections import *  # noqa: F403
from .loans import *  # noqa: F403
from .lost_found import *  # noqa: F403
from .parcels import *  # noqa: F403
from .passes import *  # noqa: F403
from .visitors import *  # noqa: F403
