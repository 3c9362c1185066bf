"""Early-intervention rules: when a person's recent contacts call for a prompt.

A rule names a topic (some services, some families, some wrap codes: a contact is about the
topic when any of them matches), how many contacts about it make a pattern, within how many
days before the evaluation, and whether they must span different services. The default rule
of the issue: two or more contacts about money (rent arrears, council tax arrears, benefits,
welfare support) within 30 days across different services.

A contact counts towards at most one prompt of a rule for a person: contacts already in a
closed prompt (actioned or dismissed) are left out, so a dismissed prompt is not raised again
for the same contacts; an open prompt grows with new contacts instead of a second one being
raised.

Pure: values in, values out, no Django.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field


@dataclass(frozen=True)
class RuleSpec:
    """What a stored rule says, as plain values."""

    key: int  # the stored rule's id
    services: frozenset[str] = frozenset()  # service ids whose every contact is on the topic
    families: frozenset[str] = frozenset()  # family ids likewise
    wrap_codes: frozenset[str] = frozenset()  # wrap codes (any service), compared folded
    min_contacts: int = 2
    within_days: int = 30
    across_services: bool = True

    def __post_init__(self) -> None:
        if self.min_contacts < 1:
            raise ValueError("a rule needs at least one contact")
        if self.within_days < 1:
            raise ValueError("a rule looks back at least one day")
        object.__setattr__(self, "wrap_codes", frozenset(fold_code(c) for c in self.wrap_codes))

    @property
    def empty(self) -> bool:
        """A rule with no topic matches nothing (never everything)."""
        return not (self.services or self.families or self.wrap_codes)


@dataclass(frozen=True)
class ContactFact:
    """One contact of a person, as the rules see it."""

    id: int
    offered_at: dt.datetime  # aware
    service_id: str
    family_id: str | None
    wrap_code: str = ""


@dataclass(frozen=True)
class Trigger:
    """A rule fired for a person: the contacts that make the pattern, oldest first."""

    rule_key: int
    contact_ids: tuple[int, ...]
    services: tuple[str, ...]

    @property
    def size(self) -> int:
        return len(self.contact_ids)


@dataclass(frozen=True)
class Decision:
    """What to do for one rule and one person: raise a new prompt, or add contacts to the open
    one (`extend`), or nothing (both empty)."""

    rule_key: int
    raise_new: Trigger | None = None
    extend: tuple[int, ...] = field(default_factory=tuple)


def fold_code(code: str) -> str:
    """Wrap codes compared without regard to case, spaces, underscores or hyphens."""
    return "".join(ch for ch in code.casefold() if ch.isalnum())


def on_topic(rule: RuleSpec, contact: ContactFact) -> bool:
    """Is the contact about the rule's topic?"""
    if contact.service_id in rule.services:
        return True
    if contact.family_id is not None and contact.family_id in rule.families:
        return True
    return bool(contact.wrap_code) and fold_code(contact.wrap_code) in rule.wrap_codes


def window_start(rule: RuleSpec, now: dt.datetime) -> dt.datetime:
    """The earliest moment a contact may have to count: `within_days` before `now`."""
    return now - dt.timedelta(days=rule.within_days)


def evaluate(
    rule: RuleSpec,
    contacts: Iterable[ContactFact],
    *,
    now: dt.datetime,
    used: frozenset[int] = frozenset(),
) -> Trigger | None:
    """The pattern the rule finds in a person's contacts at `now`, or None.

    Counted: contacts on the topic, offered in the `within_days` before `now` (and not after
    it), not in `used` (the contacts of the person's earlier prompts of this rule). The rule
    fires when there are at least `min_contacts` of them and, for a rule across services, they
    are about at least two different services.
    """
    if rule.empty:
        return None
    start = window_start(rule, now)
    counted = sorted(
        (
            c
            for c in contacts
            if c.id not in used and start <= c.offered_at <= now and on_topic(rule, c)
        ),
        key=lambda c: (c.offered_at, c.id),
    )
    if len(counted) < rule.min_contacts:
        return None
    services = tuple(dict.fromkeys(c.service_id for c in counted))
    if rule.across_services and len(services) < 2:
        return None
    return Trigger(rule.key, tuple(c.id for c in counted), services)


def decide(
    rule: RuleSpec,
    contacts: Sequence[ContactFact],
    *,
    now: dt.datetime,
    closed: frozenset[int] = frozenset(),
    open_prompt: frozenset[int] | None = None,
) -> Decision:
    """What the rule calls for, given the person's prompts of it so far.

    `closed`: the contacts of their actioned or dismissed prompts (never counted again).
    `open_prompt`: the contacts of their open prompt, if there is one. With an open prompt, new
    contacts on the topic within the window join it (one prompt, growing) rather than a second
    prompt being raised; without one, a pattern among the other contacts raises a new prompt.
    """
    if open_prompt is not None:
        start = window_start(rule, now)
        joining = tuple(
            c.id
            for c in sorted(contacts, key=lambda c: (c.offered_at, c.id))
            if c.id not in open_prompt
            and c.id not in closed
            and start <= c.offered_at <= now
            and on_topic(rule, c)
        )
        return Decision(rule.key, extend=joining)
    return Decision(rule.key, raise_new=evaluate(rule, contacts, now=now, used=closed))
