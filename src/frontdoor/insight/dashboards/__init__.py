"""Reads for the performance pages: the committee tables, trends and demand insight.

Each page is built from one `Reading` (the council's settings, the fact source, the catalogue's
names and the targets, each read once) so a page costs a fixed handful of database queries
whatever the period; the figures themselves come from the KPI engine and the demand engine over
the Parquet snapshots plus the fresh rows.

Tables are returned as `Table`s whose cells carry both the text the page shows and the text the
CSV file holds, so a download always has the figures of the page.

The package's modules: `display` (labels and formats), `tables` (cells, columns, tables),
`reading` (the period, the targets and the `Reading`), and one module per page section:
`committee`, `trends`, `demand` and `chasing`.
"""

from .chasing import chasing_contacts_by_service, chasing_section
from .committee import Scope, committee_page
from .demand import demand_page, demand_read_for, heat_band
from .display import (
    CHANNEL_LABELS,
    COUNT,
    DURATION,
    GRANULARITIES,
    KPI_LABELS,
    NET,
    PERCENT,
    format_duration,
    format_percent,
    format_points,
    format_target,
    kpi_label,
)
from .reading import Period, Reading, TargetBook, financial_year_start, read_for
from .tables import Table
from .trends import line_chart, trends_page

__all__ = [
    "CHANNEL_LABELS",
    "COUNT",
    "DURATION",
    "GRANULARITIES",
    "KPI_LABELS",
    "NET",
    "PERCENT",
    "Period",
    "Reading",
    "Scope",
    "Table",
    "TargetBook",
    "chasing_contacts_by_service",
    "chasing_section",
    "committee_page",
    "demand_page",
    "demand_read_for",
    "financial_year_start",
    "format_duration",
    "format_percent",
    "format_points",
    "format_target",
    "heat_band",
    "kpi_label",
    "line_chart",
    "read_for",
    "trends_page",
]
