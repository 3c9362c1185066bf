"""The demand page's chasing section: chasing contacts per open case by service, and before and
after the council switched on status updates to residents. Figures worked out by hand:

- one Council Tax case open since 1 January 2026 (one open case every day);
- chasing contacts about Council Tax on 20 February and 1 March (before the switch on
  15 March) and on 20 March (after it); a not-right-first-time contact on 2 March.
"""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from freezegun import freeze_time

from frontdoor.cases.actions import do_open_case, do_switch_resident_updates, ensure_case_types
from frontdoor.cases.models import CaseType
from frontdoor.contacts.importing import import_contacts_file
from frontdoor.core.models import Service

from .test_dashboard_pages import Tables

CSV = """\
contact_id,channel,service,offered_at,outcome,wait_seconds,failure_demand,failure_demand_type
k1,phone,council-tax,2026-02-20T09:00:00,answered,20,true,chasing
k2,email,council-tax,2026-03-01T09:00:00,answered,,true,chasing
k3,phone,council-tax,2026-03-02T09:00:00,answered,20,true,not_right_first_time
k4,phone,council-tax,2026-03-20T09:00:00,answered,20,true,chasing
"""
PERIOD = "from=2026-03-01&to=2026-03-28&channel=all"


@pytest.fixture
def council(catalogued_council, tmp_path):
    path = tmp_path / "contacts.csv"
    path.write_text(CSV)
    assert import_contacts_file(actor=None, council=catalogued_council, path=path).ok
    ensure_case_types(catalogued_council)
    do_open_case(
        actor=None,
        council=catalogued_council,
        case_type=CaseType.objects.get(council=catalogued_council, type_id="service-request"),
        service=Service.objects.get(council=catalogued_council, service_id="council-tax"),
        summary="Refund not received",
        received_on=dt.date(2026, 1, 1),
    )
    return catalogued_council


@pytest.fixture
def analyst(client, make_user):
    client.force_login(make_user("performance_analyst"))
    return client


def tables(response) -> dict[str, list[list[str]]]:
    parsed = Tables()
    parsed.feed(response.content.decode())
    return parsed.tables


def test_chasing_per_open_case_in_the_period(council, analyst):
    response = analyst.get(f"/performance/demand/?{PERIOD}")

    assert response.status_code == 200
    table = tables(response)["chasing-per-open-case"]
    council_tax = next(row for row in table if row[0] == "Council Tax")
    assert council_tax[1:] == ["2", "1.0", "2.00"]
    assert "have not been switched on" in response.content.decode()


def test_before_and_after_updates_were_switched_on(council, analyst):
    with freeze_time("2026-03-15 10:00:00"):
        do_switch_resident_updates(actor=None, council=council, on=True)

    response = analyst.get(f"/performance/demand/?{PERIOD}")

    text = response.content.decode()
    assert "Before: 15 February 2026 to 14 March 2026" in text
    assert "After: 15 March 2026 to 11 April 2026" in text
    table = tables(response)["chasing-before-after"]
    council_tax = next(row for row in table if row[0] == "Council Tax")
    assert council_tax[1:] == ["2", "1.0", "2.00", "1", "1.0", "1.00", "-50.0%"]

    download = analyst.get(f"/performance/demand/?{PERIOD}&format=csv&table=chasing-before-after")
    rows = list(csv.reader(io.StringIO(download.content.decode("utf-8-sig"))))
    assert rows[0][0] == "Service"
    # The CSV holds the figures as the page shows them.
    assert next(row for row in rows if row[0] == "Council Tax")[1:] == council_tax[1:]
