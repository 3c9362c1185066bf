"""Live-queue engines: pure functions of values (no Django), tested exhaustively.

`events` reads one queue event from its JSON, `calls` moves a call along its life and `tiers`
decides which resilience tier a queue is at, and since when.
"""
