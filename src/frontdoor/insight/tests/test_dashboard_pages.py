"""The performance pages on a small known dataset: the figures, drill-down, permissions, CSV.

Every expected figure is worked out by hand from CSV below (phone unless the row says email):

- Council Tax (family council-tax): c1, c2 in January, c7 in February; all answered.
- Rents (family housing): c3 a short abandon (3 s), c4 abandoned after 50 s, c5 answered,
  c6 an email.
"""

from __future__ import annotations

import csv
import io
from html.parser import HTMLParser
from typing import Any

import pytest

from frontdoor.contacts.importing import import_contacts_file
from frontdoor.core.models import ServiceFamily
from frontdoor.insight.models import KpiTarget
from frontdoor.insight.snapshots import refresh

CSV = """\
contact_id,channel,service,offered_at,outcome,wait_seconds,handle_seconds,resolution,citizen_ref,failure_demand,failure_demand_type,csat,email_known,wrap_code
c1,phone,council-tax,2026-01-05T09:00:00,answered,20,300,first_contact,p1,false,,good,true,BILL
c2,phone,council-tax,2026-01-06T09:30:00,answered,100,200,handed_over,p1,true,chasing,poor,true,CHASE
c3,phone,rents,2026-01-07T09:00:00,abandoned,3,,,,,,,,
c4,phone,rents,2026-01-07T10:00:00,abandoned,50,,,p2,,,,false,
c5,phone,rents,2026-01-08T11:00:00,answered,40,600,follow_up_resolved,p2,true,not_right_first_time,4,false,CHASE
c6,email,rents,2026-01-09T12:00:00,answered,,,unresolved,p1,false,,,true,
c7,phone,council-tax,2026-02-02T10:00:00,answered,400,100,first_contact,p3,false,,average,,
"""
PERIOD = "from=2026-01-01&to=2026-02-28"
NO_FIGURE = "\u2013no figure"  # a dash, and words for screen readers


@pytest.fixture
def contacts(catalogued_council, tmp_path):
    path = tmp_path / "contacts.csv"
    path.write_text(CSV)
    result = import_contacts_file(actor=None, council=catalogued_council, path=path)
    assert result.ok
    return catalogued_council


@pytest.fixture
def analyst(client, make_user):
    client.force_login(make_user("performance_analyst"))
    return client


class Tables(HTMLParser):
    """Every <table> of a page with an id, as rows of cell texts (all text, hidden included)."""

    def __init__(self) -> None:
        super().__init__()
        self.tables: dict[str, list[list[str]]] = {}
        self.links: dict[str, list[str]] = {}
        self._table: str | None = None
        self._cell: list[str] | None = None
        self._row: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "table" and values.get("id"):
            self._table = str(values["id"]).removeprefix("table-")
            self.tables[self._table] = []
            self.links[self._table] = []
        elif self._table and tag == "tr":
            self._row = []
        elif self._table and tag in ("td", "th"):
            self._cell = []
        elif self._table and tag == "a" and values.get("href"):
            self.links[self._table].append(str(values["href"]))

    def handle_endtag(self, tag: str) -> None:
        if tag == "table":
            self._table = None
        elif tag in ("td", "th") and self._cell is not None and self._row is not None:
            self._row.append(" ".join("".join(self._cell).split()))
            self._cell = None
        elif tag == "tr" and self._row is not None and self._table:
            self.tables[self._table].append(self._row)
            self._row = None

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)


def tables_of(response: Any) -> Tables:
    parser = Tables()
    parser.feed(response.content.decode())
    return parser


def rows_by_name(table: list[list[str]]) -> dict[str, list[str]]:
    return {row[0]: row[1:] for row in table[1:]}


# --- the committee tables -----------------------------------------------------------------------


def test_the_family_table_has_the_committee_figures_for_the_phone_channel(contacts, analyst):
    response = analyst.get(f"/performance/?{PERIOD}")
    assert response.status_code == 200
    table = tables_of(response).tables["breakdown"]
    assert table[0] == [
        "Service family",
        "Calls offered",
        "Average time to answer",
        "Average call length",
        "First contact resolution",
        "Overall resolution",
        "Customer satisfaction",
        "Failure demand",
    ]
    rows = rows_by_name(table)
    assert list(rows) == ["Council Tax and Benefits", "Housing", "All"]
    # offered 3; ASA (20+100+400)/3 = 173.3 s; AHT 200 s; FCR 2/3; overall 2/3; CSAT 1 good
    # of 3; failure demand 1 of 3.
    assert rows["Council Tax and Benefits"] == [
        "3",
        "02:53 Green",
        "03:20",
        "66.7% Green",
        "66.7%",
        "33.3%",
        "33.3%",
    ]
    # c3 is a short abandon: offered c4 and c5; FCR 0 of 1 (a follow-up), overall 1 of 1.
    assert rows["Housing"] == [
        "2",
        "00:40 Green",
        "10:00",
        "0.0% Red",
        "100.0%",
        "100.0%",
        "100.0%",
    ]
    assert rows["All"] == ["5", "02:20 Green", "05:00", "50.0% Amber", "75.0%", "50.0%", "50.0%"]


def test_every_channel_adds_the_email(contacts, analyst):
    response = analyst.get(f"/performance/?{PERIOD}&channel=all")
    rows = rows_by_name(tables_of(response).tables["breakdown"])
    assert rows["Housing"][0] == "3"
    assert tables_of(response).tables["breakdown"][0][1] == "Contacts offered"


def test_the_monthly_indicator_table_has_targets_and_red_amber_green_in_words(contacts, analyst):
    response = analyst.get(f"/performance/?{PERIOD}")
    table = tables_of(response).tables["monthly"]
    assert table[0] == [
        "Month",
        "Calls offered",
        "Calls answered",
        "% answered (target 90.0% or more)",
        "% abandoned (target 10.0% or less)",
        "Average wait (target 03:00 or less)",
        "First contact resolution (target 51.0% or more)",
    ]
    rows = rows_by_name(table)
    assert rows["January 2026"] == [
        "4",
        "3",
        "75.0% Red",
        "25.0% Red",
        "00:53 Green",
        "33.3% Red",
    ]
    assert rows["February 2026"] == [
        "1",
        "1",
        "100.0% Green",
        "0.0% Green",
        "06:40 Red",
        "100.0% Green",
    ]
    assert rows["Whole period"] == [
        "5",
        "4",
        "80.0% Red",
        "20.0% Red",
        "02:20 Green",
        "50.0% Amber",
    ]


def test_the_settings_behind_the_figures_are_shown_beside_them(contacts, analyst):
    text = analyst.get(f"/performance/?{PERIOD}").content.decode()
    assert "Contacts abandoned within 5 seconds are left out of every figure" in text
    assert "Answered within 60 seconds" in text
    assert "2026.1" in text  # the definitions version
    assert "Data watermark" in text
    assert "Europe/London" in text


def test_the_councils_own_targets_replace_the_defaults_and_a_family_inherits(contacts, analyst):
    council = contacts
    KpiTarget.objects.create(council=council, kpi="fcr", direction="higher", green=0.4, amber=0.3)
    housing = ServiceFamily.objects.get(council=council, family_id="housing")
    KpiTarget.objects.create(
        council=council, kpi="asa_seconds", family=housing, direction="lower", green=30, amber=35
    )
    response = analyst.get(f"/performance/?{PERIOD}")
    rows = rows_by_name(tables_of(response).tables["breakdown"])
    assert rows["All"][3] == "50.0% Green"  # the council's 40% target
    assert rows["Housing"][1] == "00:40 Red"  # the family's own 30 s target
    assert rows["Council Tax and Benefits"][1] == "02:53 Green"  # still the default 180 s
    monthly = tables_of(response).tables["monthly"]
    assert monthly[0][6] == "First contact resolution (target 40.0% or more)"
    # The family's own page judges its monthly figures by its own target.
    family = analyst.get(f"/performance/families/housing/?{PERIOD}")
    assert tables_of(family).tables["monthly"][0][5] == "Average wait (target 00:30 or less)"


def test_drill_down_from_family_to_services_to_queues_keeps_the_period(contacts, analyst):
    response = analyst.get(f"/performance/?{PERIOD}&channel=phone")
    links = tables_of(response).links["breakdown"]
    housing = "/performance/families/housing/?from=2026-01-01&to=2026-02-28&channel=phone"
    assert housing in links
    family = analyst.get(housing)
    assert family.status_code == 200
    parsed = tables_of(family)
    assert rows_by_name(parsed.tables["breakdown"]) == {
        "Rents": ["2", "00:40 Green", "10:00", "0.0% Red", "100.0%", "100.0%", "100.0%"],
        "All": ["2", "00:40 Green", "10:00", "0.0% Red", "100.0%", "100.0%", "100.0%"],
    }
    service_link = "/performance/services/rents/?from=2026-01-01&to=2026-02-28&channel=phone"
    assert parsed.links["breakdown"] == [service_link]
    service = analyst.get(service_link)
    assert service.status_code == 200
    queues = tables_of(service).tables["breakdown"]
    assert queues[0][0] == "Queue"
    assert [row[0] for row in queues[1:]] == ["Housing", "All"]
    assert "Performance: service" in service.content.decode()
    # The breadcrumbs lead back up with the same period.
    assert housing.replace("&", "&amp;") in service.content.decode()


def test_an_unknown_family_or_service_is_not_found(contacts, analyst):
    assert analyst.get("/performance/families/nothing/").status_code == 404
    assert analyst.get("/performance/services/nothing/").status_code == 404


def test_a_period_that_is_not_a_date_shows_the_error_summary(contacts, analyst):
    response = analyst.get("/performance/?from=31/2/2026&to=2026-01-01")
    assert response.status_code == 400
    text = response.content.decode()
    assert "There is a problem" in text
    assert "Enter the first date as a real date" in text
    assert 'href="#id_from"' in text
    reversed_dates = analyst.get("/performance/trends/?from=2026-02-01&to=2026-01-01")
    assert "The last date must be the same as or after the first" in reversed_dates.content.decode()


def test_a_uk_date_and_a_preset_both_give_the_period(contacts, analyst):
    uk = analyst.get("/performance/?from=1/1/2026&to=28/2/2026")
    assert rows_by_name(tables_of(uk).tables["breakdown"])["All"][0] == "5"
    preset = analyst.get("/performance/?preset=last-month")
    assert preset.status_code == 200
    assert preset.context["period"].date_to.day >= 28


# --- permissions --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "/performance/",
        "/performance/families/housing/",
        "/performance/services/rents/",
        "/performance/trends/",
        "/performance/demand/",
        f"/performance/?{PERIOD}&format=csv&table=breakdown",
    ],
)
def test_an_agent_may_not_see_performance(contacts, client, make_user, url):
    client.force_login(make_user("agent"))
    assert client.get(url).status_code == 403


def test_signed_out_visitors_are_sent_to_sign_in(contacts, client):
    response = client.get("/performance/")
    assert response.status_code == 302
    assert "/sign-in/" in response["Location"]


def test_the_navigation_shows_performance_only_to_those_who_may_see_it(contacts, client, make_user):
    client.force_login(make_user("agent"))
    assert 'href="/performance/"' not in client.get("/").content.decode()
    client.force_login(make_user("planner", username="planner"))
    assert 'href="/performance/"' in client.get("/").content.decode()


# --- CSV ----------------------------------------------------------------------------------------


def csv_of(response: Any) -> list[list[str]]:
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith("attachment; filename=")
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


def assert_csv_equals_table(html: list[list[str]], rows: list[list[str]], statuses: list[bool]):
    """A page's table and its CSV hold the same figures: the CSV's status columns hold the
    tags the page shows after a figure; counts are written without thousands separators."""
    assert len(html) == len(rows)
    for html_row, csv_row in zip(html, rows, strict=True):
        cells = iter(csv_row)
        shown = []
        for has_status in statuses:
            value = next(cells)
            status = next(cells) if has_status else ""
            shown.append(" ".join(part for part in (value, status) if part))
        assert [cell.replace(NO_FIGURE, "").replace(",", "") for cell in html_row] == [
            text.replace(",", "") for text in shown
        ]


def statuses_of(header: list[str]) -> list[bool]:
    flags = []
    for name in header:
        if name.endswith(": status"):
            flags[-1] = True
        else:
            flags.append(False)
    return flags


@pytest.mark.parametrize(
    "page, keys",
    [
        (f"/performance/?{PERIOD}", ["breakdown", "monthly"]),
        (f"/performance/families/housing/?{PERIOD}", ["breakdown", "monthly"]),
        (f"/performance/services/rents/?{PERIOD}", ["breakdown", "monthly"]),
        (f"/performance/trends/?{PERIOD}&kpi=asa_seconds&by=week", ["trend"]),
        (
            f"/performance/demand/?{PERIOD}&baseline=2025",
            [
                "profile",
                "abandonment",
                "repeats",
                "crossover-people",
                "crossover-pairs",
                "failure-services",
                "failure-types",
                "failure-wrap-codes",
                "no-email",
                "channel-mix",
                "channel-shift",
                "chasing-per-open-case",
            ],
        ),
    ],
)
def test_every_table_downloads_as_csv_with_the_same_figures(contacts, analyst, page, keys):
    text = analyst.get(page).content.decode()
    parsed = Tables()
    parsed.feed(text)
    assert sorted(parsed.tables) == sorted(keys)
    for key in keys:
        response = analyst.get(f"{page}&format=csv&table={key}")
        assert response.status_code == 200, key
        rows = csv_of(response)
        html = parsed.tables[key]
        assert len(rows) == len(html), key
        statuses = statuses_of(rows[0])
        assert [name for name in rows[0] if not name.endswith(": status")] == html[0], key
        assert_csv_equals_table(html[1:], rows[1:], statuses)
        assert f'format=csv&amp;table={key}" download>' in text, key  # the table's own link


def test_the_family_table_csv_holds_the_figures_and_statuses(contacts, analyst):
    rows = csv_of(analyst.get(f"/performance/?{PERIOD}&format=csv&table=breakdown"))
    assert rows[0][:4] == [
        "Service family",
        "Calls offered",
        "Average time to answer",
        "Average time to answer: status",
    ]
    assert rows[-1] == [
        "All",
        "5",
        "02:20",
        "Green",
        "05:00",
        "50.0%",
        "Amber",
        "75.0%",
        "50.0%",
        "50.0%",
    ]


def test_an_unknown_csv_table_is_not_found(contacts, analyst):
    assert analyst.get(f"/performance/?{PERIOD}&format=csv&table=nothing").status_code == 404


def test_text_a_spreadsheet_would_run_is_escaped_in_csv(catalogued_council, tmp_path, analyst):
    path = tmp_path / "contacts.csv"
    path.write_text(
        "contact_id,channel,service,offered_at,outcome,wait_seconds,failure_demand,wrap_code\n"
        "x1,phone,rents,2026-01-05T09:00:00,answered,20,true,=HYPERLINK(1)\n"
    )
    assert import_contacts_file(actor=None, council=catalogued_council, path=path).ok
    rows = csv_of(analyst.get(f"/performance/demand/?{PERIOD}&format=csv&table=failure-wrap-codes"))
    assert rows[1][0] == "'=HYPERLINK(1)"


# --- trends -------------------------------------------------------------------------------------


def test_trends_chart_a_kpi_by_month_with_its_table_beside(contacts, analyst):
    response = analyst.get(f"/performance/trends/?{PERIOD}&kpi=pct_answered&by=month")
    assert response.status_code == 200
    table = tables_of(response).tables["trend"]
    assert table[0] == ["Month", "% answered (target 90.0% or more)"]
    assert table[1:] == [["January 2026", "75.0% Red"], ["February 2026", "100.0% Green"]]
    text = response.content.decode()
    assert 'role="img"' in text
    assert 'aria-labelledby="trend-chart-title trend-chart-description"' in text
    assert "% answered by month, Northshire Council, 1 January 2026 to 28 February 2026" in text
    assert "Highest 100.0% (February 2026), lowest 75.0% (January 2026)" in text
    assert "<polyline" in text


def test_trends_for_one_family_by_week(contacts, analyst):
    response = analyst.get(f"/performance/trends/?{PERIOD}&kpi=offered&by=week&family=housing")
    table = tables_of(response).tables["trend"]
    assert table[0] == ["Week beginning", "Calls offered"]
    assert table[1:] == [["5 Jan 2026", "2"]]  # c4 and c5, in the week of Monday 5 January


def test_trends_by_day_leave_a_gap_for_a_day_without_a_figure(contacts, analyst):
    response = analyst.get(f"/performance/trends/?{PERIOD}&kpi=aht_seconds&by=day")
    table = tables_of(response).tables["trend"]
    days = rows_by_name(table)
    assert days["Wed 7 Jan 2026"] == [NO_FIGURE]  # only an abandoned call: no handle time
    assert days["Thu 8 Jan 2026"] == ["10:00"]


# --- demand insight -----------------------------------------------------------------------------


def test_demand_insight_has_the_known_figures(contacts, analyst):
    response = analyst.get(f"/performance/demand/?{PERIOD}&baseline=2025")
    assert response.status_code == 200
    tables = tables_of(response).tables
    # Repeats: c1 then c2 (24.5 h, Council Tax again); c2 then the email c6 (74.5 h); c4 then
    # c5 (25 h, Rents again); c7, c5 and c6 are followed by nothing.
    repeats = rows_by_name(tables["repeats"])
    assert repeats["Council Tax"] == ["3", "3", "2", "66.7%", "1", "33.3%"]
    assert repeats["Rents"] == ["3", "3", "1", "33.3%", "1", "33.3%"]
    assert repeats["All services"] == ["6", "6", "3", "50.0%", "2", "33.3%"]
    people = rows_by_name(tables["crossover-people"])
    assert (people["1"], people["2"], people["All people"]) == (
        ["2", "66.7%"],
        ["1", "33.3%"],
        ["3", "100.0%"],
    )
    assert rows_by_name(tables["crossover-pairs"]) == {"Council Tax": ["Rents", "1", "33.3%"]}
    abandonment = rows_by_name(tables["abandonment"])
    assert abandonment["Under 5 seconds"] == ["1", "50.0%", "50.0%"]
    assert abandonment["30 to 60 seconds"] == ["1", "50.0%", "100.0%"]
    codes = tables["failure-wrap-codes"]
    assert [row[0] for row in codes[1:]] == ["CHASE", "BILL", "No wrap code"]
    assert codes[1][1:] == ["2", "2", "2", "100.0%"]
    types = rows_by_name(tables["failure-types"])
    assert types["Chasing"] == ["1", "50.0%"]
    assert types["Not right first time"] == ["1", "50.0%"]
    # No email: Rents' contacts c4, c5 (false) and c6 (true); its people p2 (false) and p1
    # (true: the latest value of p1's contacts in the period, c6).
    email = rows_by_name(tables["no-email"])
    assert email["Rents"] == ["3", "2", "66.7%", "2", "1", "50.0%"]
    assert email["Council Tax"] == ["2", "0", "0.0%", "1", "0", "0.0%"]
    assert email["All services"] == ["5", "2", "40.0%", "2", "1", "50.0%"]
    # Channel mix over every channel, short abandons included: six calls and one email.
    mix = rows_by_name(tables["channel-mix"])
    assert mix["Phone"] == ["6", "85.7%", "0", NO_FIGURE, NO_FIGURE]
    assert mix["Email"] == ["1", "14.3%", "0", NO_FIGURE, NO_FIGURE]
    # The heat map: Monday 5 January 09:00 holds c1 (every channel is the default here).
    profile = tables["profile"]
    assert profile[0][:3] == ["Hour starting", "Monday", "Tuesday"]
    assert rows_by_name(profile)["09:00"][0] == "1"


def test_demand_insight_for_the_phone_channel_leaves_the_email_out(contacts, analyst):
    response = analyst.get(f"/performance/demand/?{PERIOD}&baseline=2025&channel=phone")
    repeats = rows_by_name(tables_of(response).tables["repeats"])
    # c2 is still followed by the email c6: the rule counts later contacts of any channel.
    assert repeats["Rents"] == ["2", "2", "1", "50.0%", "1", "50.0%"]
    assert repeats["Council Tax"][:3] == ["3", "3", "2"]


def test_the_channel_shift_compares_with_the_baseline_year(catalogued_council, tmp_path, analyst):
    path = tmp_path / "contacts.csv"
    path.write_text(
        "contact_id,channel,service,offered_at,outcome,wait_seconds\n"
        "b1,phone,rents,2025-01-10T09:00:00,answered,20\n"
        "b2,phone,rents,2025-01-11T09:00:00,answered,20\n"
        "n1,phone,rents,2026-01-10T09:00:00,answered,20\n"
        "n2,email,rents,2026-01-11T09:00:00,answered,\n"
    )
    assert import_contacts_file(actor=None, council=catalogued_council, path=path).ok
    response = analyst.get("/performance/demand/?from=2026-01-01&to=2026-01-31")
    tables = tables_of(response).tables
    assert response.context["page"].baseline_year == 2025  # the year before the period's start
    mix = rows_by_name(tables["channel-mix"])
    assert mix["Phone"] == ["1", "50.0%", "2", "100.0%", "-50.0 pp"]
    assert mix["Email"] == ["1", "50.0%", "0", "0.0%", "+50.0 pp"]
    shift = rows_by_name(tables["channel-shift"])
    assert shift["Rents: Phone"] == ["1", "50.0%", "100.0%", "-50.0 pp"]


# --- speed: the snapshots, and a bounded number of queries ----------------------------------------


def test_pages_read_the_snapshots_with_a_bounded_number_of_queries(
    contacts, analyst, django_assert_max_num_queries, tmp_path
):
    refresh(contacts)
    pages = [
        f"/performance/?{PERIOD}",
        f"/performance/families/housing/?{PERIOD}",
        f"/performance/trends/?{PERIOD}&by=day",
        f"/performance/demand/?{PERIOD}",
    ]
    counts = {}
    for page in pages:
        with django_assert_max_num_queries(24) as captured:
            assert analyst.get(page).status_code == 200
        counts[page] = len(captured.captured_queries)
    # More contacts (another month of them) do not mean more queries.
    more = tmp_path / "more.csv"
    more.write_text(
        "contact_id,channel,service,offered_at,outcome,wait_seconds\n"
        + "".join(
            f"m{i},phone,{service},2026-02-{10 + i % 10}T10:00:00,answered,30\n"
            for i, service in enumerate(["waste", "planning", "libraries", "rents"] * 5)
        )
    )
    assert import_contacts_file(actor=None, council=contacts, path=more).ok
    refresh(contacts)
    for page in pages:
        with django_assert_max_num_queries(counts[page]):
            assert analyst.get(page).status_code == 200
    # The snapshot figures are the figures: the same family table as from the database rows.
    rows = rows_by_name(tables_of(analyst.get(f"/performance/?{PERIOD}")).tables["breakdown"])
    assert rows["Housing"][0] == "7"  # c4, c5 and the five new Rents calls
