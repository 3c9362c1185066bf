"""Likely duplicates: a run over a small planted population finds the planted pairs with their
evidence, remembers "not a duplicate", and only information-governance officers review them."""

from __future__ import annotations

import datetime as dt
import json
import random
from io import StringIO

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.urls import reverse

from frontdoor.audit.models import AccessKind, AccessLogEntry, ChangeLogEntry
from frontdoor.citizens import duplicates
from frontdoor.citizens.actions import (
    NewAddress,
    NewContactPoint,
    do_create_person,
    do_update_party,
)
from frontdoor.citizens.models import CandidateStatus, DuplicateCandidate, DuplicateRun, Party
from frontdoor.citizens.selectors import ReasonRequired


def _words(text: str, sep: str | None = None) -> list[str]:
    return text.split(sep)


GIVEN = _words(
    "Oliver George Harry Jack Jacob Noah Charlie Thomas Oscar William James Leo Alfie Henry "
    "Joshua Freddie Archie Ethan Isaac Olivia Amelia Isla Ava Emily Sophia Grace Mia Poppy "
    "Ella Lily Evie Isabella Sophie Ivy Freya Harper Willow Charlotte Jessica Rhys Cerys "
    "Dylan Megan"
)
FAMILY = _words(
    "Williams Taylor Brown Davies Evans Wilson Thomas Johnson Roberts Robinson Thompson "
    "Wright Walker White Edwards Hughes Green Hall Lewis Harris Clarke Patel Jackson Wood "
    "Turner Martin Cooper Hill Ward Morris Moore Clark Lee King Baker Harrison Morgan Allen "
    "Price Griffiths"
)
STREETS = _words(
    "High Street,Station Road,Church Lane,Mill Lane,Park Road,Victoria Road,Green Lane,Manor "
    "Road,Church Street,Kings Road,Heol y Nant,Ffordd Dinas",
    ",",
)
LETTERS = "ABDEFGHJLNPQRSTUWXYZ"


def _person(council, given, family, born, address="", postcode="", phone="", email="", **kw):
    points = []
    if phone:
        points.append(NewContactPoint("phone", phone))
    if email:
        points.append(NewContactPoint("email", email))
    return do_create_person(
        actor=None,
        council=council,
        given_name=given,
        family_name=family,
        date_of_birth=born,
        addresses=[NewAddress(text=address, postcode=postcode)] if address else [],
        contact_points=points,
        **kw,
    )


def plant(council, background: int = 120) -> dict[str, Party]:
    """A seeded population of `background` different people, and three planted pairs:

    - "sarah"/"sara": one woman recorded twice (a typo in the given name, the street written
      short, a phone number on one and an email on the other);
    - "przemyslaw"/"przemek": one man, his short name and the day and month of his birth
      swapped, no address on the second, one phone number on both;
    - "john_senior"/"john_junior": a father and son of one name at one address (two people).
    """
    rng = random.Random(20261201)
    for _ in range(background):
        postcode = (
            f"CF{rng.randint(10, 24)} {rng.randint(1, 9)}{rng.choice(LETTERS)}{rng.choice(LETTERS)}"
        )
        _person(
            council,
            rng.choice(GIVEN),
            rng.choice(FAMILY),
            dt.date(rng.randint(1935, 2005), rng.randint(1, 12), rng.randint(1, 28)),
            address=f"{rng.randint(1, 200)} {rng.choice(STREETS)}\nCardiff",
            postcode=postcode,
            phone=f"07700 9{rng.randint(10000, 99999)}" if rng.random() < 0.6 else "",
        )
    born = dt.date(1980, 3, 12)
    return {
        "sarah": _person(
            council,
            "Sarah",
            "Jones",
            born,
            "14 Cathedral Road\nCardiff",
            "CF10 1EP",
            "07700 900123",
        ),
        "sara": _person(
            council,
            "Sara",
            "Jones",
            born,
            "14 Cathedral Rd\nCardiff",
            "CF10 1EP",
            email="sarah.jones@example.com",
        ),
        "przemyslaw": _person(
            council,
            "Przemyslaw",
            "Kowalczyk",
            dt.date(1975, 7, 1),
            "3 Station Terrace\nCardiff",
            "CF24 3AA",
            "07700 900555",
        ),
        "przemek": _person(
            council, "Przemek", "Kowalczyk", dt.date(1975, 1, 7), phone="07700 900555"
        ),
        "john_senior": _person(
            council, "John", "Smith", dt.date(1950, 2, 2), "22 Kings Road\nCardiff", "CF11 9LJ"
        ),
        "john_junior": _person(
            council, "John", "Smith", dt.date(1982, 6, 17), "22 Kings Road\nCardiff", "CF11 9LJ"
        ),
    }


def pair(a: Party, b: Party) -> DuplicateCandidate | None:
    first, second = sorted((a.pk, b.pk))
    return DuplicateCandidate.objects.filter(first_id=first, second_id=second).first()


@pytest.fixture
def planted(council):
    return plant(council)


def test_a_run_finds_the_planted_pairs_with_the_evidence_for_each(council, planted):
    run = duplicates.do_find_duplicates(actor=None, council=council)

    assert run.status == DuplicateRun.Status.COMPLETED
    assert run.records == 126
    assert set(run.fields_used) >= {"given_name", "family_name", "date_of_birth", "postcode"}
    sarah = pair(planted["sarah"], planted["sara"])
    przemek = pair(planted["przemyslaw"], planted["przemek"])
    assert sarah is not None and sarah.probability >= 0.9
    assert przemek is not None and przemek.probability >= 0.9
    evidence = {e["field"]: e for e in sarah.evidence}
    assert (
        evidence["date_of_birth"]["verdict"] == "agree" and evidence["date_of_birth"]["weight"] > 0
    )
    assert evidence["given_name"]["verdict"] == "partial"
    assert evidence["given_name"]["level"] == "Nearly the same"
    assert evidence["family_name"]["verdict"] == "agree"
    assert evidence["phones"]["verdict"] == "missing" and evidence["phones"]["weight"] == 0
    swapped = {e["field"]: e for e in przemek.evidence}
    assert swapped["date_of_birth"]["level"] == "Day and month swapped"
    assert swapped["date_of_birth"]["verdict"] == "partial"
    assert swapped["phones"]["verdict"] == "agree" and swapped["phones"]["weight"] > 5
    assert swapped["postcode"]["verdict"] == "missing"
    # The weights explain the score: with the prior they add up to the match weight.
    assert sarah.match_weight == pytest.approx(
        sum(e["weight"] for e in sarah.evidence) + _log2_prior_odds(run.prior), abs=0.05
    )
    # No personal value is stored in the evidence, only field names, levels and weights.
    stored = json.dumps(sarah.evidence + przemek.evidence)
    for value in ("Sarah", "Jones", "1980", "CF10", "Cathedral", "07700", "Kowalczyk"):
        assert value not in stored
    # Of the random people, hardly any pair looks like one person.
    assert DuplicateCandidate.objects.filter(council=council).count() <= 6
    entry = ChangeLogEntry.objects.get(action="duplicates.find")
    assert entry.batch["run"] == run.pk and entry.batch["records"] == 126


def _log2_prior_odds(prior: float) -> float:
    import math

    return math.log2(prior / (1 - prior))


def test_not_a_duplicate_is_remembered_by_later_runs(council, planted, ig_officer):
    duplicates.do_find_duplicates(actor=ig_officer, council=council)
    johns = pair(planted["john_senior"], planted["john_junior"])
    assert johns is not None, "one name at one address: a pair for a person to decide"
    duplicates.do_decide_not_duplicate(
        actor=ig_officer, candidate=johns, note="Father and son: different dates of birth"
    )

    again = duplicates.do_find_duplicates(actor=None, council=council)

    johns.refresh_from_db()
    assert johns.status == CandidateStatus.NOT_DUPLICATE
    assert johns.decided_by == ig_officer
    assert again.remembered == 1
    assert (
        DuplicateCandidate.objects.filter(
            council=council, status=CandidateStatus.OPEN, first=johns.first, second=johns.second
        ).count()
        == 0
    )
    decision = ChangeLogEntry.objects.get(action="duplicate.not_duplicate")
    assert decision.changes["status"]["new"] == "not_duplicate"
    assert "sealed" in decision.changes["decision_note"]["new"]  # the note is sealed


def test_an_open_pair_no_longer_found_is_cleared(council, planted):
    duplicates.do_find_duplicates(actor=None, council=council)
    assert pair(planted["przemyslaw"], planted["przemek"]) is not None
    # The second record was someone else after all: corrected, it no longer looks alike.
    do_update_party(
        actor=None,
        party=planted["przemek"],
        given_name="Zofia",
        family_name="Nowak",
        date_of_birth=dt.date(2001, 11, 30),
    )
    from frontdoor.citizens.models import ContactPoint

    ContactPoint.objects.filter(party=planted["przemek"]).delete()

    duplicates.do_find_duplicates(actor=None, council=council)

    assert pair(planted["przemyslaw"], planted["przemek"]) is None


def test_the_command_runs_for_a_council_and_reports(council, planted):
    out = StringIO()
    call_command("find_duplicates", "--council", "northshire", "--threshold", "0.95", stdout=out)
    run = DuplicateRun.objects.get()
    assert run.threshold == 0.95 and run.started_by is None
    assert f"northshire: 126 people compared, {run.pairs_found} likely pairs" in out.getvalue()
    assert pair(planted["sarah"], planted["sara"]) is not None


def test_the_task_runs_as_the_person_who_asked(council, planted, ig_officer):
    result = duplicates.find_duplicates_task.call(council.pk, 0.9, requested_by=ig_officer.pk)
    run = DuplicateRun.objects.get(pk=result["run"])
    assert run.started_by == ig_officer and result["pairs"] >= 2


def test_only_information_governance_runs_and_reviews(
    council, planted, agent, team_leader, ig_officer
):
    for user in (agent, team_leader):
        with pytest.raises(PermissionDenied):
            duplicates.do_find_duplicates(actor=user, council=council)
        with pytest.raises(PermissionDenied):
            duplicates.duplicate_worklist(user, council)
    duplicates.do_find_duplicates(actor=ig_officer, council=council)
    found = duplicates.duplicate_worklist(ig_officer, council)
    assert found.rows and found.counts["open"] == len(found.rows)
    with pytest.raises(PermissionDenied):
        duplicates.do_decide_not_duplicate(actor=team_leader, candidate=found.rows[0].candidate)


def test_listing_and_opening_a_pair_are_in_the_access_log(council, planted, ig_officer):
    duplicates.do_find_duplicates(actor=None, council=council)
    before = AccessLogEntry.objects.count()
    found = duplicates.duplicate_worklist(ig_officer, council)
    listed = AccessLogEntry.objects.latest("pk")
    assert listed.view == duplicates.LIST_VIEW
    assert str(planted["sarah"].pk) in listed.result_ids
    candidate = pair(planted["sarah"], planted["sara"])
    page = duplicates.open_candidate(ig_officer, council, candidate.pk)
    views = AccessLogEntry.objects.filter(view=duplicates.CANDIDATE_VIEW)
    assert {v.object_id for v in views} == {str(planted["sarah"].pk), str(planted["sara"].pk)}
    assert AccessLogEntry.objects.count() == before + 3
    assert [row.field for row in page.evidence][:3] == [
        "given_name",
        "family_name",
        "date_of_birth",
    ]
    assert page.first.party.pk == candidate.first_id
    assert len(found.rows) >= 2


def test_a_pair_with_a_restricted_record_asks_for_a_reason(council, planted, ig_officer):
    do_update_party(actor=None, party=planted["sara"], sensitivity="safeguarding")
    duplicates.do_find_duplicates(actor=None, council=council)
    candidate = pair(planted["sarah"], planted["sara"])
    with pytest.raises(ReasonRequired):
        duplicates.open_candidate(ig_officer, council, candidate.pk)
    duplicates.open_candidate(ig_officer, council, candidate.pk, reason="Checking a duplicate")
    glass = AccessLogEntry.objects.get(kind=AccessKind.BREAK_GLASS)
    assert glass.object_id == str(planted["sara"].pk)


# Pages ------------------------------------------------------------------------------------------


def test_the_pages_show_the_pair_side_by_side_and_record_not_a_duplicate(
    client, council, planted, ig_officer, agent
):
    duplicates.do_find_duplicates(actor=None, council=council)
    candidate = pair(planted["sarah"], planted["sara"])
    client.force_login(agent)
    assert client.get(reverse("citizens:duplicates")).status_code == 403
    client.force_login(ig_officer)

    listing = client.get(reverse("citizens:duplicates")).content.decode()
    assert "Sarah Jones" in listing and "Sara Jones" in listing

    shown = client.get(reverse("citizens:duplicate", args=[candidate.pk])).content.decode()
    assert "14 Cathedral Road" in shown and "14 Cathedral Rd" in shown
    assert "Nearly the same" in shown and "Partly agrees" in shown and "Day and month" not in shown
    assert "Merge the records" in shown and "Not a duplicate" in shown

    response = client.post(
        reverse("citizens:duplicate-decide", args=[candidate.pk]),
        {"decision": "not_duplicate", "different-note": "Checked with the resident"},
    )
    assert response.status_code == 302
    candidate.refresh_from_db()
    assert candidate.status == CandidateStatus.NOT_DUPLICATE
    tab = client.get(reverse("citizens:duplicates") + "?status=not_duplicate").content.decode()
    assert "Sarah Jones" in tab


def test_the_run_button_queues_a_run(
    client, council, ig_officer, django_capture_on_commit_callbacks
):
    client.force_login(ig_officer)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client.post(reverse("citizens:duplicates-run"))
    assert response.status_code == 302 and len(callbacks) == 1
