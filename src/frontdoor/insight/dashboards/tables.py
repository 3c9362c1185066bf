"""Tables whose cells carry both the page's text and the CSV file's."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _

from ..selectors import rag
from .display import (
    COUNT,
    KPI_KINDS,
    RAG_LABELS,
    RAG_TAGS,
    format_count,
    format_percent,
    format_value,
)


@dataclass
class Cell:
    """What a table cell shows (`text`, empty for no figure), what its CSV holds (`export`),
    and optionally a status (a red/amber/green or "provisional" tag), a link and a CSS class."""

    text: str
    export: str
    numeric: bool = False
    status: str = ""
    status_class: str = ""
    href: str = ""
    css: str = ""


@dataclass
class Column:
    label: str
    numeric: bool = False
    # A column with statuses gets a second CSV column for them.
    has_status: bool = False


@dataclass
class Table:
    """A table of a page: `key` names it in the CSV download's query string."""

    key: str
    caption: str
    columns: list[Column]
    rows: list[list[Cell]] = field(default_factory=list)
    totals: list[list[Cell]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    heat_map: bool = False

    def csv_rows(self) -> list[list[str]]:
        """The header and every row (totals last), as the CSV file holds them."""
        header: list[str] = []
        for column in self.columns:
            header.append(column.label)
            if column.has_status:
                header.append(_("%(column)s: status") % {"column": column.label})
        lines = [header]
        for row in [*self.rows, *self.totals]:
            line: list[str] = []
            for column, cell in zip(self.columns, row, strict=True):
                line.append(cell.export)
                if column.has_status:
                    line.append(cell.status)
            lines.append(line)
        return lines


def text_cell(text: str, *, href: str = "", status: str = "", status_class: str = "") -> Cell:
    return Cell(text=text, export=text, href=href, status=status, status_class=status_class)


def count_cell(value: int | None, css: str = "") -> Cell:
    return Cell(
        text=format_count(value),
        export="" if value is None else str(value),
        numeric=True,
        css=css,
    )


def kpi_cell(kpi: str, value: Any, target: dict[str, Any] | None = None) -> Cell:
    """A KPI's figure, with its red/amber/green against `target` (unrounded, §2)."""
    kind = KPI_KINDS[kpi]
    if kind == COUNT:
        return count_cell(None if value is None else int(value))
    text = format_value(kind, value)
    status = rag(value, target) if target is not None else None
    return Cell(
        text=text,
        export=text,
        numeric=True,
        status=str(RAG_LABELS[status]) if status else "",
        status_class=RAG_TAGS[status] if status else "",
    )


def share_cell(value: float | None) -> Cell:
    text = format_percent(value)
    return Cell(text=text, export=text, numeric=True)
