"""Fixtures shared by every app's tests."""

from __future__ import annotations

import pytest

from frontdoor.testing.factories import CouncilFactory, UserFactory


@pytest.fixture
def council():
    return CouncilFactory(slug="northshire", name="Northshire Council")


@pytest.fixture
def other_council():
    return CouncilFactory(slug="southvale", name="Southvale District Council")


@pytest.fixture
def catalogued_council(council):
    """`council` with the reference catalogue: 32 services in 9 families, a queue each."""
    from frontdoor.testing.catalogue import load_reference_catalogue

    return load_reference_catalogue(council)


@pytest.fixture(autouse=True)
def _snapshots_in_a_temporary_folder(settings, tmp_path):
    """Each test writes KPI snapshots into its own folder (council ids repeat across workers)."""
    settings.FRONTDOOR_SNAPSHOT_DIR = tmp_path / "snapshots"


@pytest.fixture
def make_user(council):
    """make_user("agent") gives a user of `council` holding that role."""

    def make(*roles: str, **fields):
        fields.setdefault("council", council)
        return UserFactory(roles=list(roles), **fields)

    return make


@pytest.fixture(autouse=True, scope="session")
def _import_every_url_module_before_any_clock_is_frozen():
    """Import the URL configuration once, before any test freezes time.

    django-ninja builds its pydantic schemas when the API modules are imported. If the first
    import happens inside ``freeze_time``, ``datetime.date`` is freezegun's FakeDate and schema
    generation fails, so which test failed depended on the order xdist happened to run them.
    """
    from django.urls import get_resolver

    assert get_resolver().url_patterns


def pytest_collection_modifyitems(items):
    """Every test may use the database, except pure-engine tests marked `no_db`."""
    for item in items:
        if (
            item.get_closest_marker("no_db") is None
            and item.get_closest_marker("django_db") is None
        ):
            item.add_marker(pytest.mark.django_db)
