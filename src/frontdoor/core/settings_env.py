"""Install-wide defaults for a council created on first use."""

from __future__ import annotations

import os


def default_council_slug() -> str:
    return os.environ.get("FRONTDOOR_COUNCIL_SLUG", "council")


def default_council_name() -> str:
    return os.environ.get("FRONTDOOR_COUNCIL_NAME", "Council")
