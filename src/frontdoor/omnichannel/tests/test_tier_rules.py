"""The team leaders' tier-rules pages and the action behind them: who may use them, what a
change does (validated, in one transaction, audited) and what bad input does (loses nothing)."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client

from frontdoor.audit.models import ChangeLogEntry
from frontdoor.core.models import Queue
from frontdoor.omnichannel.actions import (
    RuleInput,
    TierRulesInvalid,
    check_tier_rules,
    do_set_tier_rules,
)
from frontdoor.omnichannel.models import LiveQueueState, TierEpisode, TierRule

from .conftest import Post, ev

PAGE = "/live/tiers/"
QUEUE_PAGE = "/live/tiers/council-tax/"


def signed_in(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def rules_of(queue_id: str = "council-tax") -> list[tuple[Any, ...]]:
    return list(
        TierRule.objects.filter(queue__queue_id=queue_id)
        .order_by("tier")
        .values_list("tier", "measure", "threshold", "clear_margin", "margin_unit", "hold_seconds")
    )


def form_data(rules: list[TierRule], **changes: Any) -> dict[str, Any]:
    """The form as the page shows it for these rules, with some fields changed."""
    data: dict[str, Any] = {}
    for rule in rules:
        for name in ("measure", "threshold", "clear_margin", "margin_unit", "hold_seconds"):
            data[f"tier_{rule.tier}_{name}"] = str(getattr(rule, name))
        data[f"tier_{rule.tier}_actions"] = rule.actions
    data.update({key: str(value) for key, value in changes.items()})
    return data


@pytest.fixture
def leader(make_user: Any) -> Any:
    return make_user("team_leader", username="tess")


@pytest.fixture
def default_rules(post: Post) -> list[TierRule]:
    """Council Tax with the default tiers (its first call brought them) and a caller waiting."""
    post(ev("queued", "c1", "09:00:00"))
    return list(TierRule.objects.filter(queue__queue_id="council-tax").order_by("tier"))


def rule(tier: int, threshold: int, **fields: Any) -> RuleInput:
    return RuleInput(
        tier=tier,
        measure=fields.pop("measure", "longest_wait_seconds"),
        threshold=threshold,
        actions=fields.pop("actions", "Move agents."),
        **fields,
    )


# -- who may ----------------------------------------------------------------------------------


def test_only_team_leaders_may_open_the_tier_pages(
    catalogued_council: Any, make_user: Any, leader: Any
) -> None:
    agent = signed_in(make_user("agent"))
    assert agent.get(PAGE).status_code == 403
    assert agent.get(QUEUE_PAGE).status_code == 403
    # Watching the queues is not enough to change their tiers.
    analyst = signed_in(make_user("performance_analyst"))
    assert analyst.get(PAGE).status_code == 403
    assert 'href="/live/tiers/"' not in analyst.get("/live/").content.decode()
    page = signed_in(leader)
    assert page.get(PAGE).status_code == 200
    assert page.get(QUEUE_PAGE).status_code == 200
    assert 'href="/live/tiers/"' in page.get("/live/").content.decode()  # from the wallboard


def test_an_agent_posting_the_form_gets_403_and_changes_nothing(
    default_rules: list[TierRule], make_user: Any
) -> None:
    before = rules_of()
    response = signed_in(make_user("agent")).post(
        QUEUE_PAGE, form_data(default_rules, tier_1_threshold=60)
    )
    assert response.status_code == 403
    assert rules_of() == before
    assert not ChangeLogEntry.objects.filter(action="omnichannel.tier_rules").exists()


def test_a_queue_of_another_council_is_not_found(
    catalogued_council: Any, other_council: Any, leader: Any
) -> None:
    Queue.objects.create(council=other_council, queue_id="elsewhere", name="Elsewhere")
    assert signed_in(leader).get("/live/tiers/elsewhere/").status_code == 404


def test_the_action_refuses_an_agent(catalogued_council: Any, make_user: Any) -> None:
    queue = Queue.objects.get(council=catalogued_council, queue_id="council-tax")
    with pytest.raises(PermissionDenied):
        do_set_tier_rules(
            actor=make_user("agent"), council=catalogued_council, queue=queue, rules=[]
        )


# -- reading ----------------------------------------------------------------------------------


def test_the_page_lists_each_queue_with_when_its_tiers_start_and_clear(
    default_rules: list[TierRule], leader: Any
) -> None:
    page = signed_in(leader).get(PAGE).content.decode()
    row = page.split('data-queue="council-tax"')[1].split("</tr>")[0]
    assert (
        "Tier 1 starts when the longest wait reaches 3 min 0 s, and clears once it has stayed "
        "under 2 min 42 s for 2 min 0 s." in row
    )
    assert "Tier 3 starts when the longest wait reaches 15 min 0 s" in row
    housing = page.split('data-queue="housing"')[1].split("</tr>")[0]
    assert "No tiers yet" in housing
    assert 'href="/live/tiers/council-tax/"' in row
    assert "data-hysteresis-explained" in page


def test_a_queue_with_no_tiers_is_offered_the_standard_ones(
    catalogued_council: Any, leader: Any
) -> None:
    page = signed_in(leader).get("/live/tiers/housing/").content.decode()
    assert 'name="tier_1_threshold" type="text" value="180"' in page
    assert 'name="tier_3_threshold" type="text" value="900"' in page
    assert 'name="tier_1_hold_seconds" type="text" value="120"' in page
    assert "Add tier 4 (optional)" in page


# -- changing ---------------------------------------------------------------------------------


def test_a_leader_changes_the_tiers_and_the_change_is_audited(
    default_rules: list[TierRule], leader: Any
) -> None:
    data = form_data(
        default_rules,
        tier_1_threshold=120,
        tier_1_clear_margin=20,
        tier_1_margin_unit="absolute",
        tier_1_hold_seconds=300,
        tier_2_measure="waiting_count",
        tier_2_threshold=8,
    )
    response = signed_in(leader).post(QUEUE_PAGE, data, follow=True)
    assert response.redirect_chain == [(PAGE, 302)]
    assert "The tiers of Council Tax and Benefits were saved." in response.content.decode()
    assert rules_of() == [
        (1, "longest_wait_seconds", 120, 20, "absolute", 300),
        (2, "waiting_count", 8, 10, "percent", 120),
        (3, "longest_wait_seconds", 900, 10, "percent", 120),
    ]
    entry = ChangeLogEntry.objects.get(action="omnichannel.tier_rules")
    assert entry.batch is not None
    assert entry.batch["queue"] == "council-tax"
    assert entry.batch["before"][0]["threshold"] == 180
    assert entry.batch["after"][0] | {"actions": ""} == {
        "tier": 1,
        "measure": "longest_wait_seconds",
        "threshold": 120,
        "clear_margin": 20,
        "margin_unit": "absolute",
        "hold_seconds": 300,
        "actions": "",
    }


def test_saving_the_tiers_unchanged_writes_nothing(
    default_rules: list[TierRule], leader: Any
) -> None:
    response = signed_in(leader).post(QUEUE_PAGE, form_data(default_rules), follow=True)
    assert "were already as given" in response.content.decode()
    assert not ChangeLogEntry.objects.filter(action="omnichannel.tier_rules").exists()


def test_a_tier_is_added_and_another_removed(default_rules: list[TierRule], leader: Any) -> None:
    data = form_data(
        default_rules,
        tier_3_remove="on",
        tier_4_measure="waiting_count",
        tier_4_threshold=25,
        tier_4_clear_margin=5,
        tier_4_margin_unit="absolute",
        tier_4_hold_seconds=60,
        tier_4_actions="Call the duty manager.",
    )
    assert signed_in(leader).post(QUEUE_PAGE, data).status_code == 302
    assert rules_of() == [
        (1, "longest_wait_seconds", 180, 10, "percent", 120),
        (2, "longest_wait_seconds", 480, 10, "percent", 120),
        (4, "waiting_count", 25, 5, "absolute", 60),
    ]
    assert TierRule.objects.get(tier=4).actions == "Call the duty manager."


def test_bad_input_shows_every_problem_and_loses_nothing(
    default_rules: list[TierRule], leader: Any
) -> None:
    before = rules_of()
    data = form_data(
        default_rules,
        tier_1_threshold=600,  # above tier 2's 480
        tier_2_clear_margin=500,
        tier_2_margin_unit="absolute",  # a margin larger than the threshold
        tier_3_hold_seconds="two minutes",
        tier_3_actions="  ",
        tier_4_threshold=2000,  # a new tier, without saying what to do
    )
    response = signed_in(leader).post(QUEUE_PAGE, data)
    assert response.status_code == 400
    page = response.content.decode()
    assert page.count('class="govuk-error-summary"') == 1
    summary = page.split('class="govuk-error-summary"')[1].split("</ul>")[0]
    assert 'href="#id_tier_3_hold_seconds"' in summary
    assert "Tier 3: enter the hold time in seconds as a whole number" in summary
    assert "Tier 3: say what staff should do" in summary
    assert "Tier 4: say what staff should do" in summary
    assert "<title>Error:" in page
    # Everything typed is still there to correct, the bad values included.
    assert 'name="tier_1_threshold" type="text" value="600"' in page
    assert 'name="tier_3_hold_seconds" type="text" value="two minutes"' in page
    assert 'name="tier_4_threshold" type="text" value="2000"' in page
    assert "govuk-input--error" in page.split('name="tier_3_hold_seconds"')[0][-300:]
    assert rules_of() == before
    assert not ChangeLogEntry.objects.filter(action="omnichannel.tier_rules").exists()

    # Once the field problems are fixed, the action's checks show beside their fields.
    data.update(tier_3_hold_seconds="120", tier_3_actions="Call in back-office staff.")
    data.pop("tier_4_threshold")
    response = signed_in(leader).post(QUEUE_PAGE, data)
    assert response.status_code == 400
    page = response.content.decode()
    assert (
        "Tier 2: The threshold of tier 2 must be higher than that of tier 1 (600), which "
        "measures the same." in page
    )
    assert "Tier 2: The clear margin must be smaller than the threshold (480)." in page
    assert 'href="#id_tier_2_clear_margin"' in page
    assert 'name="tier_1_threshold" type="text" value="600"' in page
    assert rules_of() == before
    assert not ChangeLogEntry.objects.filter(action="omnichannel.tier_rules").exists()


# -- the action -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("rules", "problem"),
    [
        ([rule(1, 0)], (1, "threshold")),
        ([rule(1, 180), rule(2, 180)], (2, "threshold")),
        ([rule(1, 180), rule(2, 120)], (2, "threshold")),
        ([rule(1, 180, clear_margin=100)], (1, "clear_margin")),
        ([rule(1, 180, clear_margin=180, margin_unit="absolute")], (1, "clear_margin")),
        ([rule(1, 180, clear_margin=-1)], (1, "clear_margin")),
        ([rule(1, 180, margin_unit="minutes")], (1, "margin_unit")),
        ([rule(1, 180, hold_seconds=-1)], (1, "hold_seconds")),
        ([rule(1, 180, hold_seconds=3601)], (1, "hold_seconds")),
        ([rule(1, 180, measure="mood")], (1, "measure")),
        ([rule(1, 180, actions=" ")], (1, "actions")),
        ([rule(1, 180), rule(1, 200)], (0, "")),
        ([rule(10, 180)], (0, "")),
    ],
)
def test_the_checks_refuse_bad_rules(rules: list[RuleInput], problem: tuple[int, str]) -> None:
    assert problem in check_tier_rules(rules)


def test_the_checks_accept_rising_thresholds_per_measure() -> None:
    assert not check_tier_rules(
        [
            rule(1, 180, clear_margin=99),
            rule(2, 10, measure="waiting_count", clear_margin=9, margin_unit="absolute"),
            rule(3, 900, hold_seconds=0, clear_margin=0),
            rule(4, 20, measure="waiting_count", hold_seconds=3600),
        ]
    )


def test_refused_rules_change_nothing_and_say_every_problem(
    default_rules: list[TierRule], leader: Any, catalogued_council: Any
) -> None:
    queue = Queue.objects.get(council=catalogued_council, queue_id="council-tax")
    before = rules_of()
    with pytest.raises(TierRulesInvalid) as refused:
        do_set_tier_rules(
            actor=leader,
            council=catalogued_council,
            queue=queue,
            rules=[rule(1, 180), rule(2, 100, hold_seconds=9999)],
        )
    assert set(refused.value.problems) == {(2, "threshold"), (2, "hold_seconds")}
    assert "tier 2:" in str(refused.value)
    assert rules_of() == before


def test_a_raised_tier_stays_raised_after_a_change_until_the_new_rule_clears_it(
    post: Post, leader: Any, catalogued_council: Any
) -> None:
    post(ev("queued", "c1", "09:00:00"), ev("queued", "c2", "09:04:00"))
    assert LiveQueueState.objects.get(queue__queue_id="council-tax").tier == 1
    queue = Queue.objects.get(council=catalogued_council, queue_id="council-tax")
    # Tier 1 now at 5 minutes: the 4-minute wait no longer reaches it, but the tier holds...
    do_set_tier_rules(
        actor=leader,
        council=catalogued_council,
        queue=queue,
        rules=[rule(1, 300, hold_seconds=20)],
    )
    state = LiveQueueState.objects.get(queue=queue)
    assert state.tier == 1
    assert state.tier_latches == {"1": "2026-01-05T09:04:00+00:00"}  # under 4 min 30 s since
    # ...and clears 20 s later, c1's wait still under the exit level of 4 min 30 s.
    post({**ev("agents", "", "09:04:25"), "agents_available": 2})
    assert LiveQueueState.objects.get(queue=queue).tier == 0
    episode = TierEpisode.objects.get(queue=queue)
    assert (episode.started_at.time().isoformat(), episode.ended_at.time().isoformat()) == (
        "09:03:00",
        "09:04:20",
    )
