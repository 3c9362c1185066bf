"""Frontdoor settings, split by concern. Every value comes from the environment."""

from .base import *  # noqa: F403
from .checks import *  # noqa: F403  (imports what it checks itself)
from .database import *  # noqa: F403
from .logging import *  # noqa: F403
from .realtime import *  # noqa: F403
from .security import *  # noqa: F403
from .tasks import *  # noqa: F403
