"""A discrete-event simulation (SimPy) of one queue, to check the Erlang formulas against.

Calls arrive as a Poisson process, wait first-come first-served for one of ``agents`` agents,
are handled for an exponential time, and (with a patience) give up after an exponential time if
not answered by then. The first calls warm the queue up and are not counted. The measures follow
the same conventions as `erlang`: service level over all offered calls, ASA over answered calls.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from typing import Any

import simpy


@dataclass(frozen=True)
class SimulatedMeasures:
    calls: int
    service_level: float
    asa_seconds: float
    p_wait: float
    p_abandon: float
    occupancy: float


def simulate_queue(
    *,
    agents: int,
    load: float,
    aht: float,
    target: float,
    patience: float | None = None,
    calls: int = 100_000,
    warmup: int = 10_000,
    seed: int = 1,
) -> SimulatedMeasures:
    """Simulate `calls` counted calls (after `warmup`) and measure them."""
    rng = random.Random(seed)  # noqa: S311 (a seeded simulation, not secrets)
    env = simpy.Environment()
    desk = simpy.Resource(env, capacity=agents)
    arrival_rate = load / aht
    total = warmup + calls
    tallies = {"answered_in_time": 0, "answered": 0, "waited": 0, "abandoned": 0, "wait": 0.0}
    window = {"start": 0.0, "end": 0.0, "busy": 0.0}

    def call(index: int) -> Any:
        arrived = env.now
        counted = index >= warmup
        with desk.request() as request:
            if patience is None:
                yield request
            else:
                outcome = yield request | env.timeout(rng.expovariate(1 / patience))
                if request not in outcome:
                    if counted:
                        tallies["abandoned"] += 1
                        tallies["waited"] += 1
                    return
            wait = env.now - arrived
            handle = rng.expovariate(1 / aht)
            if counted:
                tallies["answered"] += 1
                tallies["wait"] += wait
                tallies["waited"] += wait > 0
                tallies["answered_in_time"] += wait <= target
                window["busy"] += handle
            yield env.timeout(handle)

    def arrivals() -> Any:
        for index in range(total):
            if index == warmup:
                window["start"] = env.now
            env.process(call(index))
            yield env.timeout(rng.expovariate(arrival_rate))
        window["end"] = env.now

    env.process(arrivals())
    env.run()
    answered = tallies["answered"]
    elapsed = window["end"] - window["start"]
    return SimulatedMeasures(
        calls=calls,
        service_level=tallies["answered_in_time"] / calls,
        asa_seconds=tallies["wait"] / answered if answered else 0.0,
        p_wait=tallies["waited"] / calls,
        p_abandon=tallies["abandoned"] / calls,
        # Handle time of the counted answered calls over agent time in the window (the last
        # calls' handling runs past the window; over many calls the edge is negligible).
        occupancy=window["busy"] / (agents * elapsed) if elapsed else 0.0,
    )
