"""SVG charts of a day's intervals, coordinates worked out on the server.

Each chart has a title and a description as its accessible name, and its figures are also in a
table on the page."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

WIDTH, HEIGHT = 720, 300
LEFT, RIGHT, TOP, BOTTOM = 56, 16, 16, 44
# GOV.UK colours with at least 3:1 contrast against white (non-text contrast, WCAG 1.4.11).
BLUE = "#1d70b8"
LIGHT_BLUE = "#5694ca"
BLACK = "#0b0c0c"
RED = "#ca3535"


@dataclass
class Chart:
    """Coordinates of an SVG chart over a day's intervals."""

    title: str
    description: str
    width: int = WIDTH
    height: int = HEIGHT
    left: int = LEFT
    top: int = TOP
    plot_width: int = WIDTH - LEFT - RIGHT
    plot_height: int = HEIGHT - TOP - BOTTOM
    y_ticks: list[dict[str, Any]] = field(default_factory=list)
    x_ticks: list[dict[str, Any]] = field(default_factory=list)
    bars: list[dict[str, Any]] = field(default_factory=list)
    lines: list[dict[str, Any]] = field(default_factory=list)
    bands: list[dict[str, Any]] = field(default_factory=list)
    legend: list[dict[str, Any]] = field(default_factory=list)

    @property
    def baseline(self) -> int:
        return self.top + self.plot_height

    @property
    def right(self) -> int:
        return self.left + self.plot_width


def _nice_top(value: float) -> tuple[float, float]:
    """A round top for the y axis and the step between its ticks (about five ticks)."""
    if value <= 0:
        return 1.0, 0.2
    raw = value / 5
    power = 10 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 2.5, 5, 10) if m * power >= raw)
    return step * math.ceil(value / step - 1e-9), step


def interval_chart(
    *,
    title: str,
    description: str,
    labels: Sequence[str],
    bars: Sequence[float] | None = None,
    bars_label: str = "",
    line: Sequence[float] | None = None,
    line_label: str = "",
    band: tuple[Sequence[float], Sequence[float]] | None = None,
    band_label: str = "",
    step_line: bool = False,
    y_top: float | None = None,
) -> Chart:
    """Bars, a line (or step line) and a shaded band over the intervals `labels`."""
    chart = Chart(title=title, description=description)
    count = max(len(labels), 1)
    slot = chart.plot_width / count
    values = [*(bars or []), *(line or []), *(band[1] if band else [])]
    finite = [v for v in values if v is not None and math.isfinite(v)]
    top, step = _nice_top(y_top if y_top is not None else max(finite, default=0.0))

    def y(value: float | None) -> float:
        value = 0.0 if value is None or not math.isfinite(value) else min(value, top)
        return round(chart.top + chart.plot_height * (1 - value / top), 1)

    for n in range(round(top / step) + 1):
        tick = n * step
        chart.y_ticks.append({"y": y(tick), "text": f"{tick:g}"})
    every = max(1, math.ceil(count / 10))
    for i, label in enumerate(labels):
        if i % every == 0:
            chart.x_ticks.append({"x": round(chart.left + i * slot, 1), "text": label})
    if bars is not None:
        for i, value in enumerate(bars):
            chart.bars.append(
                {
                    "x": round(chart.left + i * slot + slot * 0.1, 1),
                    "y": y(value),
                    "width": round(slot * 0.8, 1),
                    "height": round(chart.baseline - y(value), 1),
                }
            )
        chart.legend.append({"colour": LIGHT_BLUE, "text": bars_label, "kind": "bar"})
    if band is not None:
        low, high = band
        upper = [f"{chart.left + (i + 0.5) * slot:.1f},{y(v)}" for i, v in enumerate(high)]
        lower = [f"{chart.left + (i + 0.5) * slot:.1f},{y(v)}" for i, v in enumerate(low)]
        chart.bands.append({"points": " ".join(upper + lower[::-1])})
        chart.legend.append({"colour": LIGHT_BLUE, "text": band_label, "kind": "bar"})
    if line is not None:
        points: list[str] = []
        if step_line:
            for i, value in enumerate(line):
                points.append(f"{chart.left + i * slot:.1f},{y(value)}")
                points.append(f"{chart.left + (i + 1) * slot:.1f},{y(value)}")
        else:
            points = [f"{chart.left + (i + 0.5) * slot:.1f},{y(v)}" for i, v in enumerate(line)]
        colour = RED if step_line else (BLACK if bars is not None else BLUE)
        chart.lines.append({"points": " ".join(points), "colour": colour})
        chart.legend.append({"colour": colour, "text": line_label, "kind": "line"})
    return chart
