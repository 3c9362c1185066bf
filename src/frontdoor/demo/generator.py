"""Runs the demo steps in order, each idempotent, and prints the log-ins."""

from __future__ import annotations

import random
import time
from dataclasses import dataclass, field
from typing import Any, TextIO

# Only for the demo: printed, documented, refused in production by the command.
DEMO_PASSWORD = "frontdoor-demo"  # noqa: S105


@dataclass
class DemoContext:
    """What steps share: a seeded random generator, the councils made, and the log-ins to print."""

    seed: int
    rng: random.Random
    out: TextIO
    councils: dict[str, Any] = field(default_factory=dict)
    logins: list[tuple[str, str, str]] = field(default_factory=list)  # username, role, council


def generate(out: TextIO, seed: int = 42) -> DemoContext:
    """Create or refresh the demo councils and everything the steps add; returns the context."""
    from .steps import STEPS

    context = DemoContext(seed=seed, rng=random.Random(seed), out=out)
    started = time.perf_counter()
    for step in STEPS:
        step_started = time.perf_counter()
        step(context)
        out.write(
            f"  {step.__doc__.splitlines()[0] if step.__doc__ else step.__name__}"
            f" ({time.perf_counter() - step_started:.1f} s)\n"
        )
    out.write(f"Demo data ready in {time.perf_counter() - started:.1f} s.\n")
    return context


def print_logins(context: DemoContext, url: str = "http://127.0.0.1:8000") -> None:
    """The table of demo log-ins, for the person who ran `make demo`."""
    out = context.out
    width = max(len(u) for u, _, _ in context.logins)
    role_width = max(len(r) for _, r, _ in context.logins)
    out.write("\nDemo log-ins (password for all: " + DEMO_PASSWORD + ")\n")
    out.write(f"  {'username'.ljust(width)}  {'role'.ljust(role_width)}  council\n")
    for username, role, council in context.logins:
        out.write(f"  {username.ljust(width)}  {role.ljust(role_width)}  {council}\n")
    out.write(f"\nOpen {url} and sign in.\n")
