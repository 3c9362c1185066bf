"""API of cases, handovers between services, service standards and statutory clocks."""

from __future__ import annotations

from ninja import Router

router = Router(tags=["Cases"])
