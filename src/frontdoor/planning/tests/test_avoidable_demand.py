"""The avoidable-demand page: figures on a small known dataset, the assumptions beside them and
editable, online-capable reasons per service, the CSV files, and who may see it."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import tempfile
from html import unescape
from pathlib import Path

import pytest
from django.test import Client

from frontdoor.audit.models import ChangeLogEntry
from frontdoor.contacts.importing import import_contacts_file
from frontdoor.planning import selectors
from frontdoor.planning.models import AvoidableDemandSettings

pytestmark = pytest.mark.django_db

HEADER = (
    "contact_id,channel,service,offered_at,outcome,wait_seconds,handle_seconds,"
    "failure_demand,failure_demand_type,email_known,wrap_code\n"
)
FTE_HOURS = 37 * 52 * 0.7


def known_contacts(council) -> None:
    """Council Tax: 100 contacts of 5 minutes (20 failure demand: 10 chasing, 6 not right first
    time, 4 of no type; value demand 50 "pay" and 30 "move"; 60 with an email, 20 without, 20
    not known) and 5 short abandons. Rents: 40 contacts of 10 minutes (8 could not complete
    online; 32 "balance"), everyone with an email."""
    day = selectors.today_of(council) - dt.timedelta(days=10)
    lines = [HEADER]

    def add(n: int, service: str, handle: int, failure: str, kind: str, email: str, wrap: str):
        at = f"{day.isoformat()}T10:{n % 60:02d}:00"
        lines.append(
            f"{service}-{n},phone,{service},{at},answered,20,{handle},{failure},{kind},"
            f"{email},{wrap}\n"
        )

    for n in range(100):
        email = "true" if n < 60 else ("false" if n < 80 else "")
        if n < 10:
            add(n, "council-tax", 300, "true", "chasing", email, "chase")
        elif n < 16:
            add(n, "council-tax", 300, "true", "not_right_first_time", email, "error")
        elif n < 20:
            add(n, "council-tax", 300, "true", "", email, "error")
        elif n < 70:
            add(n, "council-tax", 300, "false", "", email, "pay")
        else:
            add(n, "council-tax", 300, "false", "", email, "move")
    for n in range(5):
        lines.append(f"short-{n},phone,council-tax,{day}T11:0{n}:00,abandoned,2,,,,,\n")
    for n in range(40):
        if n < 8:
            add(n, "rents", 600, "true", "could_not_complete_online", "true", "form")
        else:
            add(n, "rents", 600, "false", "", "true", "balance")
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "contacts.csv"
        path.write_text("".join(lines))
        result = import_contacts_file(actor=None, council=council, path=path)
    assert result.ok, result.rejections[:3]


@pytest.fixture
def contacts(catalogued_council):
    known_contacts(catalogued_council)


@pytest.fixture
def planner(make_user):
    return make_user("planner")


@pytest.fixture
def client(planner):
    client = Client()
    client.force_login(planner)
    return client


def mark_online(client: Client, service: str, *codes: str) -> None:
    response = client.post(f"/planning/avoidable/services/{service}/", {"wrap_codes": codes})
    assert response.status_code == 302


def test_only_planners_reach_avoidable_demand(catalogued_council, make_user):
    agent = Client()
    agent.force_login(make_user("agent"))
    assert agent.get("/planning/avoidable/").status_code == 403
    assert agent.post("/planning/avoidable/assumptions/", {}).status_code == 403
    assert agent.get("/planning/avoidable/services/council-tax/").status_code == 403
    assert AvoidableDemandSettings.objects.count() == 0


def test_the_page_gives_each_services_avoidable_and_movable_demand(
    catalogued_council, contacts, client
):
    mark_online(client, "council-tax", "pay")
    mark_online(client, "rents", "balance")

    page = client.get("/planning/avoidable/")

    assert page.status_code == 200
    report = page.context["report"]
    start, end = selectors.last_twelve_months(catalogued_council)
    assert (report.date_from, report.date_to) == (start, end)
    years = ((end - start).days + 1) / 365.25  # 365 or 366 days: within 0.1% of a year
    assert years == pytest.approx(1, abs=0.003)
    rows = {s.service_id: s for s in report.services}
    # Largest opportunity first: Rents frees 3.6 hours, Council Tax 2.4.
    assert [s.service_id for s in report.services] == ["rents", "council-tax"]
    tax = rows["council-tax"]
    assert tax.contacts == 100  # the 5 short abandons are not contacts
    assert tax.failure_by_type == {
        "chasing": 10,
        "not_right_first_time": 6,
        "could_not_complete_online": 0,
        "other": 0,
        "type_not_recorded": 4,
    }
    assert tax.email_share == pytest.approx(60 / 80)
    assert tax.online_capable == 50
    assert tax.result.avoidable == pytest.approx(10 * 0.6 + 6 * 0.5 + 4 * 0.25)
    assert tax.result.movable_online == pytest.approx(50 * 0.75 * 0.5)
    assert tax.result.hours_freed == pytest.approx((10 + 18.75) * 300 / 3600)
    assert tax.result.fte_freed == pytest.approx(tax.result.hours_freed / (FTE_HOURS * years))
    assert tax.result.share_of_demand == pytest.approx(28.75 / 100)
    rents = rows["rents"]
    assert rents.result.avoidable == pytest.approx(8 * 0.7)
    assert rents.result.movable_online == pytest.approx(32 * 1.0 * 0.5)
    assert rents.result.hours_freed == pytest.approx((5.6 + 16) * 600 / 3600)
    totals = report.totals
    assert totals["contacts"] == 140
    assert totals["hours_freed"] == pytest.approx(2.3958333 + 3.6)
    assert totals["share"] == pytest.approx((10 + 18.75 + 5.6 + 16) / 140)
    html = page.content.decode()
    assert "Failure demand by type, per service" in html  # captions name the tables
    assert "Avoidable and movable demand, and the staff time it frees, per service" in html
    assert "How this is worked out" in html and "Assumptions used" in html
    assert "All services" in html  # the totals row


def test_without_online_capable_reasons_nothing_is_movable(catalogued_council, contacts, client):
    report = client.get("/planning/avoidable/").context["report"]
    assert all(s.result.movable_online == 0 for s in report.services)
    assert "None marked" in client.get("/planning/avoidable/").content.decode()


def test_editing_an_assumption_changes_the_figures_and_is_audited(
    catalogued_council, contacts, client
):
    mark_online(client, "council-tax", "pay")
    start, end = selectors.last_twelve_months(catalogued_council)
    years = ((end - start).days + 1) / 365.25
    values = {
        "date_from": start.isoformat(),
        "date_to": end.isoformat(),
        "share_chasing": "100",
        "share_not_right_first_time": "50",
        "share_could_not_complete_online": "70",
        "share_other": "25",
        "share_type_not_recorded": "0",
        "online_take_up": "100",
        "productive_hours_per_fte_year": "1000",
    }
    response = client.post("/planning/avoidable/assumptions/", values)
    assert response.status_code == 302
    assert response["Location"] == (
        f"/planning/avoidable/?date_from={start.isoformat()}&date_to={end.isoformat()}"
    )
    stored = AvoidableDemandSettings.objects.get(council=catalogued_council)
    assert stored.share_chasing == 1.0 and stored.online_take_up == 1.0
    assert stored.online_reasons == {"council-tax": ["pay"]}  # kept
    entry = ChangeLogEntry.objects.filter(action="planning.update_avoidable_assumptions").get()
    assert entry.council_id == catalogued_council.pk

    tax = next(
        s
        for s in client.get(response["Location"]).context["report"].services
        if s.service_id == "council-tax"
    )
    assert tax.result.avoidable == pytest.approx(10 * 1.0 + 6 * 0.5 + 4 * 0)
    assert tax.result.movable_online == pytest.approx(50 * 0.75 * 1.0)
    assert tax.result.fte_freed == pytest.approx(tax.result.hours_freed / (1000 * years))

    bad = client.post("/planning/avoidable/assumptions/", {**values, "online_take_up": "140"})
    assert bad.status_code == 400
    assert "There is a problem" in bad.content.decode()
    assert AvoidableDemandSettings.objects.get().online_take_up == 1.0


def test_online_capable_reasons_are_stored_per_service_and_audited(
    catalogued_council, contacts, client
):
    page = client.get("/planning/avoidable/services/council-tax/")
    assert page.status_code == 200
    html = page.content.decode()
    # Value-demand reasons only, most used first: "chase" and "error" were failure demand.
    assert html.index("pay (50 contacts)") < html.index("move (30 contacts)")
    assert "chase" not in html
    mark_online(client, "council-tax", "pay", "move")
    mark_online(client, "rents", "balance")
    stored = AvoidableDemandSettings.objects.get(council=catalogued_council)
    assert stored.online_reasons == {"council-tax": ["move", "pay"], "rents": ["balance"]}
    mark_online(client, "rents")  # none: the service is dropped
    stored.refresh_from_db()
    assert stored.online_reasons == {"council-tax": ["move", "pay"]}
    assert ChangeLogEntry.objects.filter(action="planning.set_online_reasons").count() == 3
    assert client.get("/planning/avoidable/services/no-such-service/").status_code == 404


def cells_of(html: str, key: str) -> list[list[str]]:
    """The text of every row of the page's table `key` (header, body and totals)."""
    table = re.search(rf'<table class="govuk-table" id="table-{key}">(.*?)</table>', html, re.S)
    assert table is not None
    rows = []
    for row in re.findall(r"<tr[^>]*>(.*?)</tr>", table.group(1), re.S):
        cells = re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)
        texts = []
        for cell in cells:
            cell = re.sub(r'<span class="govuk-visually-hidden">.*?</span>', "", cell, flags=re.S)
            cell = re.sub(r"<a [^>]*>Change</a>", "", cell)
            texts.append(unescape(re.sub(r"<[^>]+>", "", cell)).strip())
        rows.append(texts)
    return rows


@pytest.mark.parametrize("key", ["failure", "opportunity"])
def test_each_csv_file_holds_the_tables_figures(catalogued_council, contacts, client, key):
    mark_online(client, "council-tax", "pay", "move")
    page = client.get("/planning/avoidable/").content.decode()
    start, end = selectors.last_twelve_months(catalogued_council)
    period = f"date_from={start.isoformat()}&date_to={end.isoformat()}"
    assert f"?{period.replace('&', '&amp;')}&amp;format=csv&amp;table={key}" in page

    response = client.get(f"/planning/avoidable/?{period}&format=csv&table={key}")

    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert f"avoidable-demand-{key}-{start}-to-{end}.csv" in response["Content-Disposition"]
    lines = list(csv.reader(io.StringIO(response.content.decode().lstrip("\ufeff"))))
    shown = cells_of(page, key)
    assert len(lines) == len(shown) == 4  # header, two services, totals
    for line, row in zip(lines, shown, strict=True):
        # The file holds the same figures, without the thousands separators.
        assert line == [text.replace(",", "") if text[:1].isdigit() else text for text in row]
    if key == "opportunity":
        assert lines[1][:4] == ["Council Tax", "100", "10.0", "move; pay"]
        assert lines[2][0] == "Rents" and lines[2][3] == "None marked"
        assert lines[-1][0] == "All services"
    assert client.get(f"/planning/avoidable/?{period}&format=csv&table=nope").status_code == 404


def test_a_chosen_period_without_contacts_says_so(catalogued_council, contacts, client):
    page = client.get("/planning/avoidable/?date_from=2001-01-01&date_to=2001-12-31")
    assert page.status_code == 200
    assert "No contacts were offered in this period." in page.content.decode()
    bad = client.get("/planning/avoidable/?date_from=2001-02-01&date_to=2001-01-01")
    assert bad.status_code == 400
    assert "The last day must be on or after the first day" in bad.content.decode()
