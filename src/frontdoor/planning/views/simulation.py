"""The day simulation against a roster."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import formats
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from .. import selectors
from ..engine.day_simulation import CallbackRule
from ..forms import (
    SimulationForm,
)
from .charts import interval_chart
from .common import council_of_request, page_context


@require_GET
def simulation(request: HttpRequest) -> HttpResponse:
    """Play a forecast day against its staff, with abandonment and callbacks (SimPy)."""
    council = council_of_request(request)
    queues = selectors.planning_queues(council)
    week = selectors.next_week_start(council)
    asked = "queue" in request.GET
    form = SimulationForm(
        request.GET if asked else None,
        queues=queues,
        initial={
            "queue": queues[0].queue_id if queues else "",
            "day": week.isoformat(),
            "staff_source": "requirement",
            "seed": 1,
            "replications": 5,
        },
    )
    simulated = None
    closed = False
    if asked and form.is_valid():
        data = form.cleaned_data
        rule = None
        if data["callback_after_seconds"] is not None:
            rule = CallbackRule(
                offer_after_seconds=data["callback_after_seconds"],
                accept_share=float(data["callback_share"]) / 100,
            )
        simulated = selectors.simulate_queue_day(
            council,
            data["queue"],
            data["day"],
            staff_source=data["staff_source"],
            callbacks=rule,
            patience_seconds=data["patience_seconds"],
            seed=data["seed"],
            replications=data["replications"],
        )
        closed = simulated is None
    context = page_context(
        request,
        "planning:simulation",
        form=form,
        simulated=simulated,
        closed=closed,
        **(_simulation_figures(simulated) if simulated else {}),
    )
    return render(request, "planning/simulation.html", context, status=400 if form.errors else 200)


def _simulation_figures(simulated: selectors.SimulatedDay) -> dict[str, Any]:
    result = simulated.result
    days = result.replications
    rows: list[dict[str, Any]] = []
    for label, item, agents, expected in zip(
        simulated.labels,
        result.intervals,
        simulated.plan.agents,
        simulated.expected_service_level,
        strict=True,
    ):
        rows.append(
            {
                "interval": label,
                "calls": item.calls / days,
                "agents": agents,
                "answered": item.answered / days,
                "service_level": item.service_level,
                "expected": expected,
                "asa": item.asa_seconds,
                "abandon_rate": item.abandon_rate,
                "callbacks": item.callbacks_requested / days,
                "occupancy": item.occupancy,
            }
        )
    chart = interval_chart(
        title=_("Simulated service level per interval, %(queue)s, %(day)s")
        % {
            "queue": simulated.queue.name,
            "day": formats.date_format(simulated.day, "l j F Y"),
        },
        description=_(
            "Bars: the share of calls answered within %(seconds)s seconds in the simulation, as "
            "a percentage. Line: what Erlang's formula expects at the same staff. The table "
            "below gives every figure."
        )
        % {"seconds": f"{simulated.rule.target.within_seconds:g}"},
        labels=simulated.labels,
        bars=[(r["service_level"] or 0.0) * 100 for r in rows],
        bars_label=_("Simulated service level (%)"),
        line=[(r["expected"] if r["expected"] is not None else 1.0) * 100 for r in rows],
        line_label=_("Erlang's expectation (%)"),
        y_top=100.0,
    )
    totals = result.totals
    return {
        "rows": rows,
        "chart": chart,
        "totals": totals,
        "per_day": {
            "calls": totals.calls / days,
            "answered": totals.answered / days,
            "abandoned": totals.abandoned / days,
            "callbacks_requested": totals.callbacks_requested / days,
            "callbacks_returned": totals.callbacks_returned / days,
            "callbacks_outstanding": result.callbacks_outstanding / days,
            "unanswered": totals.unanswered_at_close / days,
        },
    }
