"""Loading the reference catalogue (32 services in 9 families) for tests and benchmarks."""

from __future__ import annotations

from pathlib import Path

from frontdoor.core.actions import SINCE_ALWAYS, do_load_catalogue
from frontdoor.core.catalogue import ParsedCatalogue, parse_families, parse_services
from frontdoor.core.models import Council

FIXTURES = Path(__file__).resolve().parent.parent / "core" / "fixtures"


def load_reference_catalogue(council: Council) -> Council:
    """Give `council` the shipped catalogue, as the demo council has it."""
    parsed = ParsedCatalogue()
    parse_families(FIXTURES / "service-families.csv", parsed)
    parse_services(
        FIXTURES / "service-catalogue.csv", parsed, {f.family_id for f in parsed.families}
    )
    do_load_catalogue(actor=None, council=council, parsed=parsed, effective_from=SINCE_ALWAYS)
    return council
