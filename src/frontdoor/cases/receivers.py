"""What cases do when other things happen: a committed status change tells the resident.

Connected in `CasesConfig.ready`. The status change has already been committed when this runs,
so a failure here (a template missing, the database busy) must not undo it: it is logged, and
the timeline simply has no update entry.
"""

from __future__ import annotations

import logging
from typing import Any

from .actions import case_status_changed, do_send_status_update
from .models import Case

logger = logging.getLogger(__name__)


def tell_the_resident(sender: Any, *, case: Case, old: str, new: str, actor: Any, **_: Any) -> None:
    """Queue an update to the resident when the council's rules ask for one."""
    try:
        do_send_status_update(actor=actor, case=case, old=old, new=new)
    except Exception:  # the change is committed; the update's failure is logged, not raised
        logger.exception("could not queue the status update for case %s", case.pk)


def connect() -> None:
    case_status_changed.connect(
        tell_the_resident, sender=Case, dispatch_uid="cases.tell_the_resident"
    )
