"""Two councils on one install never see each other's data."""

from __future__ import annotations

from django.test import Client

from frontdoor.audit.recorder import record_access
from frontdoor.core import selectors
from frontdoor.identity.actions import do_grant_council_access, do_issue_api_token
from frontdoor.testing.factories import MembershipFactory, ServiceFactory, TeamFactory, UserFactory


def two_councils(council, other_council):
    ours = ServiceFactory(council=council, service_id="council-tax", name="Our Council Tax")
    theirs = ServiceFactory(council=other_council, service_id="council-tax", name="Their Tax")
    MembershipFactory(service=ours, family__council=council, valid_from="2000-01-01")
    MembershipFactory(service=theirs, family__council=other_council, valid_from="2000-01-01")
    TeamFactory(council=council, name="Our team")
    TeamFactory(council=other_council, name="Their team")
    return ours, theirs


def test_pages_show_only_the_users_council(make_user, council, other_council):
    two_councils(council, other_council)
    client = Client()
    client.force_login(make_user("administrator"))
    services = client.get("/services/").content.decode()
    staff = client.get("/staff/").content.decode()
    assert "Our Council Tax" in services and "Their Tax" not in services
    assert "Our team" in staff and "Their team" not in staff


def test_selectors_return_only_councils_the_user_may_act_for(make_user, council, other_council):
    user = make_user("agent")
    assert list(selectors.councils_visible_to(user)) == [council]


def test_the_api_hides_other_councils_as_not_found(make_user, council, other_council):
    two_councils(council, other_council)
    _token, raw = do_issue_api_token(actor=None, user=make_user("agent"), name="test")
    client = Client(HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert [c["slug"] for c in client.get("/api/councils").json()] == ["northshire"]
    ours = client.get("/api/councils/northshire/services").json()
    assert [s["name"] for s in ours] == ["Our Council Tax"]
    response = client.get("/api/councils/southvale/services")
    assert response.status_code == 404 and response.json() == {"error": "Not found."}
    assert client.get("/api/councils/southvale/calendar").status_code == 404


def test_audit_pages_show_only_the_councils_own_entries(make_user, council, other_council):
    theirs = UserFactory(council=other_council)
    record_access(actor=theirs, view="their.view", instance=theirs)
    ours = make_user("agent")
    record_access(actor=ours, view="our.view", instance=ours)
    client = Client()
    client.force_login(make_user("ig_officer"))
    page = client.get("/audit/access/").content.decode()
    assert "our.view" in page and "their.view" not in page


def test_a_granted_user_may_switch_to_the_partner_council(make_user, council, other_council):
    two_councils(council, other_council)
    agent = make_user("agent")
    client = Client()
    client.force_login(agent)
    client.post("/council/switch/", {"council": other_council.pk})
    assert "Their Tax" not in client.get("/services/").content.decode()  # not granted: ignored
    do_grant_council_access(actor=None, user=agent, council=other_council)
    client.post("/council/switch/", {"council": other_council.pk})
    page = client.get("/services/").content.decode()
    assert "Their Tax" in page and "Our Council Tax" not in page
