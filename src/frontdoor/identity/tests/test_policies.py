from frontdoor.identity.policies import council_ids_for, may


def test_agent_may_use_the_desktop_of_their_own_council_only(make_user, council, other_council):
    agent = make_user("agent")

    assert may(agent, "use_desktop", council)
    assert not may(agent, "use_desktop", other_council)
    assert council_ids_for(agent) == {council.id}


def test_agent_may_not_view_the_audit(make_user, council):
    assert not may(make_user("agent"), "view_audit", council)
    assert may(make_user("ig_officer"), "view_audit", council)
