"""Fixtures of the planning tests."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.core.cache import caches


@pytest.fixture(autouse=True)
def _an_empty_forecast_cache() -> Iterator[None]:
    """Each test starts with no cached forecast: database ids repeat from test to test."""
    caches["default"].clear()
    yield
    caches["default"].clear()
