"""The marker and needs pages: the team leader's marker worklist (reviews due, safety markers to
approve or decline), recording and reviewing markers on a person, and their accessibility needs."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from frontdoor.audit.models import AccessLogEntry
from frontdoor.audit.sealing import subject_ref
from frontdoor.citizens.actions import do_add_vulnerability_marker, do_propose_safety_marker
from frontdoor.citizens.models import (
    AccessibilityNeeds,
    Party,
    SafetyMarker,
    SafetyStatus,
    VulnerabilityMarker,
)

FUTURE = dt.date(2099, 1, 1)
PAST = dt.date(2000, 1, 1)


@pytest.fixture
def resident(catalogued_council, make_person):
    return make_person("Sarah", "Jones", born=dt.date(1980, 3, 12), postcode="CF10 1EP")


def signed_in(client, user):
    client.force_login(user)
    return client


def vulnerability(party, *, due: bool, guidance: str = "Offer a call back"):
    marker = do_add_vulnerability_marker(
        actor=None,
        party=party,
        marker_type="financial_hardship",
        guidance=guidance,
        lawful_basis="support",
        source="self_declared",
        consent="given",
        review_by=FUTURE,
    )
    if due:
        # The action refuses a past review date; a marker whose date has come is one that aged.
        VulnerabilityMarker.objects.filter(pk=marker.pk).update(review_by=PAST)
        marker.refresh_from_db()
    return marker


def proposal(party, author, precaution: str = "Two officers for any visit"):
    return do_propose_safety_marker(
        actor=author,
        party=party,
        category="threats",
        precaution=precaution,
        detail="Threatened an officer on 3 March",
        review_by=FUTURE,
    )


# The worklist ------------------------------------------------------------------------------------


def test_the_marker_worklist_is_for_team_leaders_only(client, resident, agent, team_leader):
    url = reverse("citizens:marker-reviews")
    assert signed_in(client, agent).get(url).status_code == 403
    assert signed_in(client, team_leader).get(url).status_code == 200


def test_the_worklist_lists_due_reviews_and_others_proposals_to_decide(
    client, resident, make_person, agent, team_leader
):
    vulnerability(resident, due=True, guidance="Allow extra time")
    vulnerability(make_person("Tom", "Evans"), due=False, guidance="Not due yet")
    others = proposal(resident, agent, "Visit in pairs")
    proposal(resident, team_leader, "My own proposal")
    page = signed_in(client, team_leader).get(reverse("citizens:marker-reviews")).content.decode()
    assert "Allow extra time" in page and "Sarah Jones" in page
    assert "Not due yet" not in page
    assert "Visit in pairs" in page
    assert reverse("citizens:safety-decide", args=[others.pk]) in page
    # Nobody decides on their own proposal: it is not offered.
    assert "My own proposal" not in page
    assert 'value="approve"' in page and 'value="reject"' in page


def test_a_team_leader_approves_someone_elses_proposal(client, resident, agent, team_leader):
    marker = proposal(resident, agent)
    response = signed_in(client, team_leader).post(
        reverse("citizens:safety-decide", args=[marker.pk]), {"decision": "approve"}
    )
    assert response.status_code == 302
    assert response.url == reverse("citizens:marker-reviews")
    marker.refresh_from_db()
    assert marker.status == SafetyStatus.ACTIVE and marker.approved_by == team_leader


def test_approving_ones_own_proposal_shows_the_error_in_a_summary(client, resident, team_leader):
    marker = proposal(resident, team_leader)
    response = signed_in(client, team_leader).post(
        reverse("citizens:safety-decide", args=[marker.pk]), {"decision": "approve"}
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "govuk-error-summary" in page
    assert "Someone other than its author must approve or reject a marker." in page
    marker.refresh_from_db()
    assert marker.status == SafetyStatus.PENDING


def test_declining_needs_a_note(client, resident, agent, team_leader):
    marker = proposal(resident, agent)
    signed_in(client, team_leader)
    url = reverse("citizens:safety-decide", args=[marker.pk])
    response = client.post(url, {"decision": "reject", "note": ""})
    assert response.status_code == 400
    assert "Say why the marker is rejected." in response.content.decode()
    response = client.post(url, {"decision": "reject", "note": "Not a threat on review"})
    assert response.status_code == 302
    marker.refresh_from_db()
    assert marker.status == SafetyStatus.REJECTED


def test_an_agent_cannot_decide_a_safety_marker(client, resident, agent, make_user):
    marker = proposal(resident, make_user("team_leader"))
    response = signed_in(client, agent).post(
        reverse("citizens:safety-decide", args=[marker.pk]), {"decision": "approve"}
    )
    assert response.status_code == 403
    marker.refresh_from_db()
    assert marker.status == SafetyStatus.PENDING


# On the person -----------------------------------------------------------------------------------


def test_the_person_page_links_to_the_marker_and_needs_forms(client, resident, team_leader):
    vulnerability(resident, due=False)
    page = (
        signed_in(client, team_leader)
        .get(reverse("citizens:person", args=[resident.reference]))
        .content.decode()
    )
    for name in ("vulnerability-new", "safety-new", "needs"):
        assert reverse(f"citizens:{name}", args=[resident.reference]) in page
    marker = VulnerabilityMarker.objects.get(party=resident)
    assert reverse("citizens:vulnerability-review", args=[resident.reference, marker.pk]) in page


def test_an_agent_records_a_vulnerability_marker(client, resident, agent):
    url = reverse("citizens:vulnerability-new", args=[resident.reference])
    signed_in(client, agent)
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {
            "marker_type": "bereavement",
            "guidance": "Be gentle; offer a named contact",
            "lawful_basis": "support",
            "source": "self_declared",
            "consent": "given",
            "review_by": "2099-06-30",
        },
    )
    assert response.status_code == 302
    marker = VulnerabilityMarker.objects.get(party=resident)
    assert marker.marker_type == "bereavement" and marker.review_by == dt.date(2099, 6, 30)
    assert marker.recorded_by == agent


def test_a_vulnerability_marker_with_a_past_review_date_is_refused(client, resident, agent):
    response = signed_in(client, agent).post(
        reverse("citizens:vulnerability-new", args=[resident.reference]),
        {
            "marker_type": "bereavement",
            "guidance": "Be gentle",
            "lawful_basis": "support",
            "source": "self_declared",
            "consent": "given",
            "review_by": "2001-01-01",
        },
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "govuk-error-summary" in page and "The review date must be in the future." in page
    assert not VulnerabilityMarker.objects.filter(party=resident).exists()


def test_an_agent_proposes_a_safety_marker_that_waits_for_approval(client, resident, agent):
    response = signed_in(client, agent).post(
        reverse("citizens:safety-new", args=[resident.reference]),
        {
            "category": "verbal_abuse",
            "precaution": "Calls in pairs",
            "detail": "Shouted abuse at the counter",
            "individual_informed": "yes",
            "review_by": "2099-01-01",
        },
    )
    assert response.status_code == 302
    marker = SafetyMarker.objects.get(party=resident)
    assert marker.status == SafetyStatus.PENDING and marker.individual_informed is True
    assert marker.created_by == agent


def test_a_safety_marker_not_told_to_the_person_needs_a_reason(client, resident, agent):
    response = signed_in(client, agent).post(
        reverse("citizens:safety-new", args=[resident.reference]),
        {
            "category": "verbal_abuse",
            "precaution": "Calls in pairs",
            "detail": "Shouted abuse at the counter",
            "individual_informed": "no",
            "review_by": "2099-01-01",
        },
    )
    assert response.status_code == 400
    assert "Say why the person was not told about the marker." in response.content.decode()
    assert not SafetyMarker.objects.filter(party=resident).exists()


def test_a_team_leader_marks_a_vulnerability_marker_reviewed(client, resident, team_leader):
    marker = vulnerability(resident, due=True)
    url = reverse("citizens:vulnerability-review", args=[resident.reference, marker.pk])
    signed_in(client, team_leader)
    past = client.post(url, {"next_review_by": "2001-01-01"})
    assert past.status_code == 400
    assert "The next review must be in the future." in past.content.decode()
    response = client.post(url, {"next_review_by": "2099-03-01", "guidance": "Call mornings"})
    assert response.status_code == 302
    marker.refresh_from_db()
    assert marker.review_by == dt.date(2099, 3, 1) and marker.guidance == "Call mornings"
    assert marker.last_reviewed_by == team_leader
    # No longer due: off the worklist.
    page = client.get(reverse("citizens:marker-reviews")).content.decode()
    assert "Call mornings" not in page


def test_reviewing_a_marker_needs_the_vulnerability_detail_permission(client, resident, agent):
    marker = vulnerability(resident, due=True)
    url = reverse("citizens:vulnerability-review", args=[resident.reference, marker.pk])
    assert signed_in(client, agent).get(url).status_code == 403


def test_an_agent_changes_accessibility_needs(client, resident, agent):
    url = reverse("citizens:needs", args=[resident.reference])
    signed_in(client, agent)
    response = client.post(
        url,
        {
            "needs": ["spoken_language_interpreter", "large_print"],
            "interpreter_language": "pl",
            "notes": "Mornings are best",
        },
    )
    assert response.status_code == 302
    needs = AccessibilityNeeds.objects.get(party=resident)
    assert needs.flags_set() == ["spoken_language_interpreter", "large_print"]
    assert needs.interpreter_language == "pl" and needs.notes == "Mornings are best"
    # The form shows what is recorded; unticking a box clears that need.
    page = client.get(url).content.decode()
    assert 'value="large_print" checked' in page
    client.post(url, {"needs": ["spoken_language_interpreter"], "interpreter_language": "pl"})
    needs.refresh_from_db()
    assert needs.flags_set() == ["spoken_language_interpreter"] and needs.notes == ""


def test_an_interpreter_needs_a_language(client, resident, agent):
    response = signed_in(client, agent).post(
        reverse("citizens:needs", args=[resident.reference]),
        {"needs": ["spoken_language_interpreter"], "interpreter_language": ""},
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "govuk-error-summary" in page and "Say which language the interpreter is for." in page
    assert not AccessibilityNeeds.objects.filter(party=resident).exists()


def test_the_forms_are_for_desktop_users(client, resident, make_user):
    analyst = signed_in(client, make_user("performance_analyst"))
    for name in ("vulnerability-new", "safety-new", "needs"):
        url = reverse(f"citizens:{name}", args=[resident.reference])
        assert analyst.get(url).status_code == 403


def test_opening_a_marker_on_its_own_page_is_logged_against_the_person(
    client, resident, team_leader
):
    marker = vulnerability(resident, due=True)
    url = reverse("citizens:vulnerability-review", args=[resident.reference, marker.pk])
    assert signed_in(client, team_leader).get(url).status_code == 200
    entry = AccessLogEntry.objects.get(view="citizens.marker")
    assert entry.actor == team_leader
    assert (entry.object_type, entry.object_id) == (
        "citizens.vulnerabilitymarker",
        str(marker.pk),
    )
    assert entry.subject == subject_ref(resident)


def test_nobody_changes_an_erased_persons_needs(client, resident, agent):
    Party.objects.filter(pk=resident.pk).update(erased_at=timezone.now())
    url = reverse("citizens:needs", args=[resident.reference])
    response = signed_in(client, agent).post(url, {"summary": "Large print"})
    assert response.status_code in (403, 404)
    assert not AccessibilityNeeds.objects.filter(party=resident).exists()
