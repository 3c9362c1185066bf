"""What the person page shows about erasure: the "erased on" banner of a tombstone, and for
information-governance officers the link to record (or follow) an erasure request and the
person's legal holds (how many are in force, and the link to place one).

A tag rather than a context variable so the person page's view need not change."""

from __future__ import annotations

from typing import Any

from django import template

from frontdoor.citizens.erasure import may_handle_erasure, request_in_progress
from frontdoor.citizens.legal_holds import hold_counts
from frontdoor.citizens.models import Party

register = template.Library()


@register.simple_tag(takes_context=True)
def erasure_on_person(context: Any, party: Party) -> dict[str, Any]:
    """{"erased_on": local date or None, "may_request": bool, "in_progress": request or None,
    "holds": HoldCounts, or None for anyone but an information-governance officer}."""
    request = context.get("request")
    user = getattr(request, "user", None)
    erased_on = party.council.local_date(party.erased_at) if party.erased_at else None
    may = bool(user is not None and party.is_person and may_handle_erasure(user, party))
    return {
        "erased_on": erased_on,
        "may_request": may and erased_on is None,
        "in_progress": request_in_progress(party) if may and erased_on is None else None,
        # Only officers see holds: for anyone else no query is made.
        "holds": hold_counts(user, party) if may else None,
    }
