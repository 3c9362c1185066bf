"""The formulas agree with a SimPy simulation (a small subset; the full grid is a benchmark)."""

from __future__ import annotations

import pytest

from frontdoor.planning.engine.erlang import measures
from frontdoor.planning.engine.simulation import simulate_queue

pytestmark = pytest.mark.no_db

POINTS = [
    # agents, load (erlangs), patience (None: Erlang C)
    (14, 10.0, None),  # the published vector
    (14, 10.0, 120.0),
    (10, 11.0, 300.0),  # Erlang A above full load
]


@pytest.mark.parametrize(("agents", "load", "patience"), POINTS)
def test_formulas_agree_with_the_simulation(agents, load, patience):
    formula = measures(agents, load, 180.0, 20.0, patience)
    simulated = simulate_queue(
        agents=agents,
        load=load,
        aht=180.0,
        target=20.0,
        patience=patience,
        calls=200_000,
        warmup=20_000,
        seed=7,
    )
    assert abs(simulated.service_level - formula.service_level) <= 0.005
    assert abs(simulated.p_wait - formula.p_wait) <= 0.005
    assert abs(simulated.p_abandon - (formula.p_abandon or 0.0)) <= 0.005
    assert abs(simulated.asa_seconds - formula.asa_seconds) <= max(0.02 * formula.asa_seconds, 0.5)
