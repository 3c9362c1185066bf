"""How a published table's figures differ from the same figures computed today.

Pure: rows in, comparisons out. A published row and today's row are the same row when their
group keys match (the `by` of the table); a figure has changed when a count differs at all or a
ratio or duration differs by more than a rounding tolerance.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

Status = Literal["same", "changed", "added", "removed"]
# Ratios and durations are floats: differences below this are rounding, not change.
TOLERANCE = 1e-9


@dataclass(frozen=True)
class FigureChange:
    """One KPI of one row: as published, as computed today, and today minus published."""

    kpi: str
    published: float | int | None
    today: float | int | None

    @property
    def difference(self) -> float | None:
        if self.published is None or self.today is None:
            return None
        return float(self.today) - float(self.published)


@dataclass(frozen=True)
class RowComparison:
    """A row of the table: its group keys, whether it changed, and the figures that did."""

    keys: tuple[tuple[str, Any], ...]
    status: Status
    changes: tuple[FigureChange, ...]


def _differs(published: Any, today: Any) -> bool:
    if published is None or today is None:
        return (published is None) != (today is None)
    if isinstance(published, bool) or isinstance(today, bool):
        return bool(published) != bool(today)
    scale = max(1.0, abs(float(published)), abs(float(today)))
    return abs(float(today) - float(published)) > TOLERANCE * scale


def compare_tables(
    published: Sequence[Mapping[str, Any]],
    today: Sequence[Mapping[str, Any]],
    by: Sequence[str],
    kpis: Sequence[str],
) -> list[RowComparison]:
    """Every row of either table, in the published order then today's new rows.

    A row only in the published table was `removed` (its contacts were retracted, merged away or
    moved to another group); a row only in today's was `added`.
    """

    def key_of(row: Mapping[str, Any]) -> tuple[tuple[str, Any], ...]:
        return tuple((name, row.get(name)) for name in by)

    todays = {key_of(row): row for row in today}
    seen: set[tuple[tuple[str, Any], ...]] = set()
    result: list[RowComparison] = []
    for row in published:
        key = key_of(row)
        seen.add(key)
        now = todays.get(key)
        if now is None:
            changes = tuple(FigureChange(k, row.get(k), None) for k in kpis)
            result.append(RowComparison(key, "removed", changes))
            continue
        changes = tuple(
            FigureChange(k, row.get(k), now.get(k))
            for k in kpis
            if _differs(row.get(k), now.get(k))
        )
        result.append(RowComparison(key, "changed" if changes else "same", changes))
    for key, row in todays.items():
        if key not in seen:
            changes = tuple(FigureChange(k, None, row.get(k)) for k in kpis)
            result.append(RowComparison(key, "added", changes))
    return result
