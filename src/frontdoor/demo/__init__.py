"""The single, seeded demo generator. Later capabilities add their steps to `steps.STEPS`."""

from .generator import DEMO_PASSWORD, generate

__all__ = ["DEMO_PASSWORD", "generate"]
