"""The forecast cache: a second request for the same week reuses the computed forecast, and any
change to what it was built from (contacts, planned events, queue settings, opening hours)
computes it afresh; one council's entries never answer another's."""

from __future__ import annotations

import datetime as dt
import tempfile
from pathlib import Path

import numpy as np
import pytest
from django.test import Client

from frontdoor.contacts.importing import import_contacts_file
from frontdoor.core.calendars.models import OpeningPattern
from frontdoor.core.models import Council, Queue
from frontdoor.planning import actions, forecast_cache, selectors
from frontdoor.planning.tests.helpers import HEADER, open_weekdays, seed_history
from frontdoor.testing.factories import CouncilFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def queue(catalogued_council) -> Queue:
    queue = Queue.objects.get(council=catalogued_council, queue_id="council-tax")
    open_weekdays(queue)
    seed_history(catalogued_council)
    return queue


@pytest.fixture
def planner(make_user):
    return make_user("planner")


@pytest.fixture
def computed(monkeypatch) -> list[tuple[str, ...]]:
    """The queues whose arrivals were read from the facts, one entry per computation."""
    calls: list[tuple[str, ...]] = []
    real = selectors.arrivals_by_interval

    def counting(source, council_id, query):
        calls.append(query.queues)
        return real(source, council_id, query)

    monkeypatch.setattr(selectors, "arrivals_by_interval", counting)
    return calls


def forecast(council: Council, queue_id: str = "council-tax") -> selectors.QueueForecast:
    queue = selectors.queue_of(council, queue_id)  # afresh: settings may have changed
    assert queue is not None
    week = selectors.next_week_start(council)
    return selectors.forecasts_for_week(council, week, queues=[queue])[0]


def same(first: selectors.QueueForecast, second: selectors.QueueForecast) -> bool:
    return (
        np.array_equal(first.mean, second.mean)
        and np.array_equal(first.lower, second.lower)
        and np.array_equal(first.upper, second.upper)
        and np.array_equal(first.masks, second.masks)
        and first.history.dates == second.history.dates
        and np.array_equal(first.history.counts, second.history.counts)
        and first.handling == second.handling
        and first.learnt_events == second.learnt_events
        and first.events == second.events
    )


def add_call(council: Council, day: dt.date) -> None:
    line = f"late-1,phone,council-tax,{day.isoformat()}T10:05:00,answered,25,240,false,move\n"
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "late.csv"
        path.write_text(HEADER + line)
        assert import_contacts_file(actor=None, council=council, path=path).ok


def last_weekday(council: Council) -> dt.date:
    day = selectors.today_of(council) - dt.timedelta(days=1)
    while day.weekday() >= 5:
        day -= dt.timedelta(days=1)
    return day


def test_a_second_request_returns_the_same_forecast_from_the_cache(
    catalogued_council, queue, computed
):
    first = forecast(catalogued_council)
    assert len(computed) == 1

    second = forecast(catalogued_council)

    assert len(computed) == 1  # nothing read from the facts again
    assert same(first, second)
    assert second.total == pytest.approx(first.total) and second.total > 0
    assert second.handling is not None and second.handling.aht_seconds == pytest.approx(240)
    second.mean[0, 0] = 1e6  # a caller's change to its copy never reaches the cache
    assert forecast(catalogued_council).mean[0, 0] != 1e6


def test_a_new_contact_computes_the_forecast_afresh(catalogued_council, queue, computed):
    before = forecast(catalogued_council)

    add_call(catalogued_council, last_weekday(catalogued_council))
    after = forecast(catalogued_council)

    assert len(computed) == 2
    assert after.history.counts.sum() == before.history.counts.sum() + 1


def test_a_new_planned_event_computes_the_forecast_afresh(
    catalogued_council, queue, planner, computed
):
    forecast(catalogued_council)
    day = selectors.next_week_start(catalogued_council) + dt.timedelta(days=1)

    actions.do_add_event(
        actor=planner, council=catalogued_council, date=day, kind="bill_run", queue=queue
    )
    after = forecast(catalogued_council)

    assert len(computed) == 2
    assert [e.date for e in after.coming_events] == [day]
    forecast(catalogued_council)
    assert len(computed) == 2  # and that one is cached in its turn


def test_a_change_of_queue_settings_computes_the_forecast_afresh(
    catalogued_council, queue, planner, computed
):
    before = forecast(catalogued_council)

    actions.do_update_queue_settings(actor=planner, queue=queue, values={"channels": "webchat"})
    after = forecast(catalogued_council)

    assert len(computed) == 2
    assert before.total > 0 and after.total == 0  # the history has no webchats


def test_a_change_of_opening_hours_computes_the_forecast_afresh(
    catalogued_council, queue, computed
):
    forecast(catalogued_council)

    OpeningPattern.objects.filter(queue=queue, weekday=1).update(closes=dt.time(13))
    after = forecast(catalogued_council)

    assert len(computed) == 2
    monday = after.masks[0]
    assert monday.sum() == 8  # 09:00 to 13:00 in half hours


def test_the_forecast_page_and_the_staffing_page_share_one_computation(
    catalogued_council, queue, planner, computed
):
    client = Client()
    client.force_login(planner)
    week = selectors.next_week_start(catalogued_council)
    tuesday = week + dt.timedelta(days=1)

    assert client.get(f"/planning/queues/council-tax/?week={week}").status_code == 200
    assert client.get(f"/planning/queues/council-tax/?week={week}&day={tuesday}").status_code == 200
    assert client.get(f"/planning/queues/council-tax/staffing/?week={week}").status_code == 200

    assert len(computed) == 1
    client.get(f"/planning/queues/council-tax/?week={week}&interval=15")
    assert len(computed) == 2  # another interval length is another forecast


def test_one_councils_cached_forecast_never_answers_another(catalogued_council, queue, computed):
    from frontdoor.testing.catalogue import load_reference_catalogue

    other = load_reference_catalogue(CouncilFactory(slug="southvale", name="Southvale"))
    open_weekdays(Queue.objects.get(council=other, queue_id="council-tax"))
    seed_history(other, scale=2, prefix="s")

    ours = forecast(catalogued_council)
    theirs = forecast(other)

    assert len(computed) == 2
    assert theirs.total == pytest.approx(2 * ours.total)
    assert forecast(catalogued_council).total == pytest.approx(ours.total)
    assert len(computed) == 2


def test_the_cache_key_names_the_council_and_changes_with_any_input(catalogued_council, queue):
    from frontdoor.insight.selectors import kpi_settings_of

    other = CouncilFactory(slug="southvale", name="Southvale")
    week = selectors.next_week_start(catalogued_council)
    masks = np.ones((7, 48), dtype=bool)

    def key(council=catalogued_council, **changes):
        values = {
            "facts": forecast_cache.facts_stamp(council, kpi_settings_of(council)),
            "channels": "phone",
            "settings_updated_at": None,
            "week_start": week,
            "interval_minutes": 30,
            "history_span": (week - dt.timedelta(days=364), week - dt.timedelta(days=1)),
            "history_masks": masks,
            "week_masks": masks,
            "events": [],
        }
        values.update(changes)
        return forecast_cache.queue_key(council, queue, **values)

    base = key()
    assert base.startswith(f"planning:forecast:{catalogued_council.pk}:{queue.pk}:")
    assert key() == base
    assert key(council=other) != base
    assert key(channels="webchat") != base
    assert key(interval_minutes=15) != base
    assert key(events=[(week, "bill_run")]) != base
    shut = masks.copy()
    shut[0, 20] = False
    assert key(week_masks=shut) != base
    assert key(settings_updated_at=dt.datetime(2025, 1, 1, tzinfo=dt.UTC)) != base
