"""Early intervention: stored rules, the prompts they raise, and deciding those prompts.

A rule (`EarlyInterventionRule`) names a topic and a pattern; `contacts/engine/early_intervention`
decides, from a person's recent contacts, whether it fires. Evaluation runs

- when a contact is logged at the desktop for a person (`do_log_contact` calls
  `evaluate_for_parties` for that person, in its transaction), and
- once per import batch (`evaluate_contact_batch(council, records)`, called by the import with
  the batch's validated records after writing them, in the same transaction): it only looks at
  people whose batch contacts fall in a rule's window and topic, so importing history costs one
  read of the rules.

A prompt lists the contacts that triggered it, stays open (one per rule and person, growing
with new contacts) until someone actions or dismisses it with a reason, and a contact never
counts towards two prompts of a rule for a person (a database constraint), so a dismissed
prompt is not raised again for the same contacts. Raising, growing and deciding are audited.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from frontdoor.audit.recorder import record_access, record_change
from frontdoor.core.models import Council, Sensitivity, Service, ServiceFamilyMembership
from frontdoor.core.selectors import family_on
from frontdoor.identity.policies import council_ids_for, may

from .engine import early_intervention as engine
from .models import (
    Contact,
    EarlyInterventionPrompt,
    EarlyInterventionRule,
    PromptContact,
    PromptStatus,
)
from .records import ValidRecord

# The rule of the issue, created for a council the first time its rules are read.
DEFAULT_RULE: dict[str, Any] = {
    "rule_id": "financial-hardship",
    "name": gettext_lazy("Money worries across services"),
    "prompt": gettext_lazy("Possible financial hardship: consider a referral to welfare support."),
    # Every contact about benefits or welfare support is about money; rent and council tax
    # contacts are when the agent's wrap code says arrears (a council tax contact about moving
    # home is not a sign of hardship).
    "services": ["benefits", "welfare-support"],
    "families": ["welfare-support"],
    "wrap_codes": [
        "rent-arrears",
        "council-tax-arrears",
        "benefits",
        "welfare-support",
        "debt-advice",
        "hardship",
    ],
    "min_contacts": 2,
    "within_days": 30,
    "across_services": True,
}
# Roles on a contact that make it the person's own contact (a representative's is not).
OWN_ROLES = ("subject", "requester")
_CHUNK = 900
WORKLIST_VIEW = "contacts.worklist.intervention_prompts"


def _subject(party_id: int) -> str:
    # The party's data-subject reference, as audit.sealing.subject_ref writes it.
    return f"citizens.party:{party_id}"


# --------------------------------------------------------------------------------------------
# Rules
# --------------------------------------------------------------------------------------------


def ensure_default_rule(council: Council) -> None:
    """Give a council the default rule if it has no rule at all (a council that switched it
    off keeps it off)."""
    if EarlyInterventionRule.objects.filter(council=council).exists():
        return
    values = {k: (str(v) if k in ("name", "prompt") else v) for k, v in DEFAULT_RULE.items()}
    EarlyInterventionRule.objects.get_or_create(
        council=council, rule_id=values.pop("rule_id"), defaults=values
    )


def rules_of(council: Council, *, active_only: bool = True) -> list[EarlyInterventionRule]:
    """The council's rules (the default one created on first use)."""
    ensure_default_rule(council)
    rules = EarlyInterventionRule.objects.filter(council=council)
    if active_only:
        rules = rules.filter(active=True)
    return list(rules)


def rule_spec(rule: EarlyInterventionRule) -> engine.RuleSpec:
    return engine.RuleSpec(
        key=rule.pk,
        services=frozenset(rule.services or ()),
        families=frozenset(rule.families or ()),
        wrap_codes=frozenset(rule.wrap_codes or ()),
        min_contacts=rule.min_contacts,
        within_days=rule.within_days,
        across_services=rule.across_services,
    )


def may_configure_rules(user: Any, council: Council) -> bool:
    return may(user, "lead_team", council) or may(user, "administer_council", council)


RULE_FIELDS = (
    "name",
    "prompt",
    "services",
    "families",
    "wrap_codes",
    "min_contacts",
    "within_days",
    "across_services",
    "active",
)


@transaction.atomic
def do_save_rule(
    *,
    actor: Any,
    council: Council,
    rule: EarlyInterventionRule | None = None,
    rule_id: str = "",
    **values: Any,
) -> EarlyInterventionRule:
    """Create a rule (with `rule_id`) or change one; team leaders and administrators."""
    if actor is not None and not may_configure_rules(actor, council):
        raise PermissionDenied("lead_team")
    unknown = set(values) - set(RULE_FIELDS)
    if unknown:
        raise ValueError(f"not a field of a rule: {', '.join(sorted(unknown))}")
    known_services = set(
        Service.objects.filter(council=council).values_list("service_id", flat=True)
    )
    wrong = set(values.get("services") or ()) - known_services
    if wrong:
        raise ValidationError(
            {
                "services": _("Not services of the catalogue: %(ids)s")
                % {"ids": ", ".join(sorted(wrong))}
            }
        )
    creating = rule is None
    if rule is None:
        rule = EarlyInterventionRule(council=council, rule_id=rule_id)
    elif rule.council_id != council.pk:
        raise PermissionDenied("council")
    before = {name: getattr(rule, name) for name in RULE_FIELDS}
    for name, value in values.items():
        setattr(rule, name, value)
    if rule.services is None:
        rule.services = []
    rule.full_clean(exclude=["council", "updated_by"])
    if not (rule.services or rule.families or rule.wrap_codes):
        raise ValidationError(_("Name at least one service, family or wrap code as the topic."))
    after = {name: getattr(rule, name) for name in RULE_FIELDS}
    changes = {k: (before[k], after[k]) for k in after if creating or before[k] != after[k]}
    if not changes:
        return rule
    rule.updated_by = actor if getattr(actor, "is_authenticated", False) else None
    rule.save()
    record_change(
        actor=actor,
        action="early_intervention.rule_create" if creating else "early_intervention.rule_update",
        instance=rule,
        changes={k: (_plain(old), _plain(new)) for k, (old, new) in changes.items()},
    )
    return rule


def _plain(value: Any) -> Any:
    if isinstance(value, (list, tuple)):
        return ", ".join(str(v) for v in value)
    return value


# --------------------------------------------------------------------------------------------
# Evaluation
# --------------------------------------------------------------------------------------------


class _Families:
    """Each service's family on a date, from the council's memberships (read once)."""

    def __init__(self, council: Council) -> None:
        self.ids: dict[int, str] = {}
        self.memberships: dict[int, list[ServiceFamilyMembership]] = defaultdict(list)
        for service in Service.objects.filter(council=council).only("pk", "service_id"):
            self.ids[service.pk] = service.service_id
        for membership in (
            ServiceFamilyMembership.objects.filter(service__council=council)
            .select_related("family")
            .order_by("valid_from")
        ):
            self.memberships[membership.service_id].append(membership)

    def family(self, service_pk: int, day: dt.date) -> str | None:
        family = family_on(self.memberships.get(service_pk, []), day)
        return family.family_id if family else None


def _facts_of_parties(
    council: Council, party_ids: Sequence[int], since: dt.datetime, families: _Families
) -> dict[int, dict[int, engine.ContactFact]]:
    """Each party's contacts offered since `since`: those they are linked to as the subject or
    requester, and those whose source's citizen_ref is one of their external references."""
    from frontdoor.citizens.models import ContactParty, ExternalReference

    by_party: dict[int, dict[int, engine.ContactFact]] = defaultdict(dict)
    zone = council.zone
    fields = ("pk", "offered_at", "service_id", "wrap_code", "source", "citizen_ref")

    def fact(row: dict[str, Any]) -> engine.ContactFact:
        return engine.ContactFact(
            id=row["pk"],
            offered_at=row["offered_at"],
            service_id=families.ids.get(row["service_id"], ""),
            family_id=families.family(row["service_id"], row["offered_at"].astimezone(zone).date()),
            wrap_code=row["wrap_code"],
        )

    recent = Contact.objects.filter(council=council, retracted=False, offered_at__gte=since)
    for start in range(0, len(party_ids), _CHUNK):
        chunk = list(party_ids[start : start + _CHUNK])
        links = ContactParty.objects.filter(
            party_id__in=chunk, role__in=OWN_ROLES, contact__in=recent
        ).values_list("party_id", "contact_id")
        linked: dict[int, list[int]] = defaultdict(list)
        for party_id, contact_id in links:
            linked[contact_id].append(party_id)
        for row in recent.filter(pk__in=list(linked)).values(*fields):
            for party_id in linked[row["pk"]]:
                by_party[party_id][row["pk"]] = fact(row)
        owners: dict[tuple[str, str], int] = {
            (source, source_id): party_id
            for party_id, source, source_id in ExternalReference.objects.filter(
                council=council, party_id__in=chunk
            ).values_list("party_id", "source", "source_id")
        }
        refs = sorted({source_id for _source, source_id in owners})
        for ref_start in range(0, len(refs), _CHUNK):
            for row in recent.filter(citizen_ref__in=refs[ref_start : ref_start + _CHUNK]).values(
                *fields
            ):
                owner = owners.get((row["source"], row["citizen_ref"]))
                if owner is not None:
                    by_party[owner][row["pk"]] = fact(row)
    return by_party


@dataclass
class _History:
    """A person's prompts of a rule so far: contacts of closed ones, and the open one."""

    closed: set[int]
    open_prompt: EarlyInterventionPrompt | None = None
    open_contacts: set[int] | None = None


def _histories(
    party_ids: Sequence[int], rules: Sequence[EarlyInterventionRule]
) -> dict[tuple[int, int], _History]:
    histories: dict[tuple[int, int], _History] = {}
    rule_ids = [r.pk for r in rules]
    for start in range(0, len(party_ids), _CHUNK):
        chunk = list(party_ids[start : start + _CHUNK])
        for prompt in EarlyInterventionPrompt.objects.filter(
            party_id__in=chunk, rule_id__in=rule_ids, status=PromptStatus.OPEN
        ):
            history = histories.setdefault((prompt.rule_id, prompt.party_id), _History(set()))
            history.open_prompt = prompt
            history.open_contacts = set()
        rows = PromptContact.objects.filter(party_id__in=chunk, rule_id__in=rule_ids).values_list(
            "rule_id", "party_id", "contact_id", "prompt__status"
        )
        for rule_id, party_id, contact_id, status in rows:
            history = histories.setdefault((rule_id, party_id), _History(set()))
            if status == PromptStatus.OPEN and history.open_contacts is not None:
                history.open_contacts.add(contact_id)
            else:
                history.closed.add(contact_id)
    return histories


def evaluate_for_parties(
    council: Council,
    party_ids: Iterable[int],
    *,
    actor: Any = None,
    now: dt.datetime | None = None,
) -> list[EarlyInterventionPrompt]:
    """Evaluate the council's active rules for some people; returns the prompts raised or grown.

    Call it inside the transaction that wrote the contacts. A few statements per 900 people,
    plus one write per prompt raised or grown.
    """
    ids = sorted(set(party_ids))
    if not ids:
        return []
    rules = rules_of(council)
    if not rules:
        return []
    now = now or timezone.now()
    specs = {rule.pk: rule_spec(rule) for rule in rules}
    since = min(engine.window_start(spec, now) for spec in specs.values())
    facts = _facts_of_parties(council, ids, since, _Families(council))
    histories = _histories([p for p in ids if facts.get(p)], rules)
    touched: list[EarlyInterventionPrompt] = []
    for party_id in ids:
        contacts = list(facts.get(party_id, {}).values())
        if not contacts:
            continue
        for rule in rules:
            history = histories.get((rule.pk, party_id), _History(set()))
            decision = engine.decide(
                specs[rule.pk],
                contacts,
                now=now,
                closed=frozenset(history.closed),
                open_prompt=(
                    frozenset(history.open_contacts) if history.open_contacts is not None else None
                ),
            )
            prompt = _apply(council, rule, party_id, decision, history, actor)
            if prompt is not None:
                touched.append(prompt)
    return touched


def _apply(
    council: Council,
    rule: EarlyInterventionRule,
    party_id: int,
    decision: engine.Decision,
    history: _History,
    actor: Any,
) -> EarlyInterventionPrompt | None:
    """Write what the engine decided; a concurrent writer's prompt wins (savepoint)."""
    try:
        with transaction.atomic():
            if decision.raise_new is not None:
                prompt = EarlyInterventionPrompt.objects.create(
                    council=council, rule=rule, party_id=party_id, text=rule.prompt
                )
                _link(prompt, decision.raise_new.contact_ids)
                record_change(
                    actor=actor,
                    action="early_intervention.raise",
                    instance=prompt,
                    changes={
                        "rule": (None, rule.rule_id),
                        "contact_ids": (None, list(decision.raise_new.contact_ids)),
                    },
                    subject=_subject(party_id),
                )
                return prompt
            if decision.extend and history.open_prompt is not None:
                prompt = history.open_prompt
                _link(prompt, decision.extend)
                prompt.save(update_fields=["updated_at"])
                record_change(
                    actor=actor,
                    action="early_intervention.grow",
                    instance=prompt,
                    changes={"contact_ids": (None, list(decision.extend))},
                    subject=_subject(party_id),
                )
                return prompt
    except IntegrityError:
        return None
    return None


def _link(prompt: EarlyInterventionPrompt, contact_ids: Iterable[int]) -> None:
    PromptContact.objects.bulk_create(
        PromptContact(
            prompt=prompt,
            contact_id=contact_id,
            rule_id=prompt.rule_id,
            party_id=prompt.party_id,
        )
        for contact_id in contact_ids
    )


def evaluate_contact_batch(
    council: Council,
    records: Sequence[ValidRecord],
    *,
    actor: Any = None,
    now: dt.datetime | None = None,
) -> list[EarlyInterventionPrompt]:
    """Evaluate the rules once for an import batch (call it after the batch is written, in the
    same transaction): for the people whose batch contacts could count now.

    A record counts when it is offered within a rule's window (or the record leaves offered_at
    out, a partial re-import) and is on some rule's topic by its service, family or wrap code
    (or leaves them out). For a batch of old contacts this is one read of the rules.
    """
    if not records:
        return []
    rules = rules_of(council)
    if not rules:
        return []
    now = now or timezone.now()
    specs = [rule_spec(rule) for rule in rules]
    since = min(engine.window_start(spec, now) for spec in specs)
    families: _Families | None = None
    wanted: dict[str, list[str]] = defaultdict(list)
    for record in records:
        values = record.values
        offered = values.get("offered_at")
        if offered is not None and not since <= offered <= now:
            continue
        service_pk = values.get("service_id")
        if service_pk is not None:
            # Off the topic of every rule: left out. (A record without a service is a partial
            # re-import of a stored contact: it is looked at.)
            families = families or _Families(council)
            moment = offered or now
            fact = engine.ContactFact(
                id=0,
                offered_at=moment,
                service_id=families.ids.get(service_pk, ""),
                family_id=families.family(service_pk, council.local_date(moment)),
                wrap_code=values.get("wrap_code", ""),
            )
            if not any(engine.on_topic(spec, fact) for spec in specs):
                continue
        wanted[record.source].append(record.contact_id)
    if not wanted:
        return []
    return evaluate_for_parties(
        council, _parties_of_contacts(council, wanted), actor=actor, now=now
    )


def _parties_of_contacts(council: Council, wanted: dict[str, list[str]]) -> set[int]:
    """The people some contacts (by source and contact id) are linked to."""
    from frontdoor.citizens.models import ContactParty, ExternalReference

    parties: set[int] = set()
    for source, contact_ids in wanted.items():
        for start in range(0, len(contact_ids), _CHUNK):
            chunk = contact_ids[start : start + _CHUNK]
            rows = list(
                Contact.objects.filter(
                    council=council, source=source, contact_id__in=chunk
                ).values_list("pk", "citizen_ref")
            )
            refs = sorted({ref for _pk, ref in rows if ref})
            for ref_start in range(0, len(refs), _CHUNK):
                parties.update(
                    ExternalReference.objects.filter(
                        council=council,
                        source=source,
                        source_id__in=refs[ref_start : ref_start + _CHUNK],
                    ).values_list("party_id", flat=True)
                )
            parties.update(
                ContactParty.objects.filter(
                    contact_id__in=[pk for pk, _ref in rows], role__in=OWN_ROLES
                ).values_list("party_id", flat=True)
            )
    return parties


def evaluate_recent(
    council: Council, *, actor: Any = None, now: dt.datetime | None = None
) -> list[EarlyInterventionPrompt]:
    """Evaluate the rules for everyone with a contact in the widest window of the active rules:
    after a rule is added or changed, or after people are loaded for contacts already held."""
    from frontdoor.citizens.models import ContactParty, ExternalReference

    rules = rules_of(council)
    if not rules:
        return []
    now = now or timezone.now()
    since = min(engine.window_start(rule_spec(rule), now) for rule in rules)
    recent = Contact.objects.filter(
        council=council, retracted=False, offered_at__gte=since, offered_at__lte=now
    )
    parties = set(
        ContactParty.objects.filter(contact__in=recent, role__in=OWN_ROLES).values_list(
            "party_id", flat=True
        )
    )
    refs: dict[str, set[str]] = defaultdict(set)
    for source, ref in recent.exclude(citizen_ref="").values_list("source", "citizen_ref"):
        refs[source].add(ref)
    for source, wanted in refs.items():
        ordered = sorted(wanted)
        for start in range(0, len(ordered), _CHUNK):
            parties.update(
                ExternalReference.objects.filter(
                    council=council, source=source, source_id__in=ordered[start : start + _CHUNK]
                ).values_list("party_id", flat=True)
            )
    return evaluate_for_parties(council, parties, actor=actor, now=now)


# --------------------------------------------------------------------------------------------
# Reading prompts
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class TriggerView:
    """A contact that triggered a prompt, as the viewer may see it."""

    contact_id: int
    offered_at: dt.datetime
    channel: str
    service_name: str
    wrap_code: str
    restricted: bool
    hidden: bool  # the viewer may not see this contact: only that there is one


@dataclass(frozen=True)
class PromptView:
    prompt: EarlyInterventionPrompt
    triggers: list[TriggerView]

    @property
    def hidden_count(self) -> int:
        return sum(1 for t in self.triggers if t.hidden)


def _sensitivities(viewer: Any, council: Council) -> tuple[str, ...]:
    if may(viewer, "open_restricted", council):
        return tuple(Sensitivity.values)
    return (Sensitivity.NORMAL,)


def _views(prompts: list[EarlyInterventionPrompt], visible: tuple[str, ...]) -> list[PromptView]:
    """The prompts with their triggering contacts: one statement for all of them."""
    by_prompt: dict[int, list[TriggerView]] = defaultdict(list)
    rows = (
        PromptContact.objects.filter(prompt__in=prompts)
        .select_related("contact__service")
        .order_by("contact__offered_at", "contact_id")
    )
    for row in rows:
        contact = row.contact
        hidden = contact.sensitivity not in visible
        by_prompt[row.prompt_id].append(
            TriggerView(
                contact_id=contact.pk,
                offered_at=contact.offered_at,
                channel=contact.channel if not hidden else "",
                service_name=contact.service.name if not hidden else "",
                wrap_code=(contact.wrap_code if contact.sensitivity == Sensitivity.NORMAL else ""),
                restricted=contact.sensitivity != Sensitivity.NORMAL,
                hidden=hidden,
            )
        )
    return [PromptView(prompt, by_prompt.get(prompt.pk, [])) for prompt in prompts]


def prompts_for_party(
    viewer: Any, party: Any, *, include_closed: bool = False, limit: int = 10
) -> list[PromptView]:
    """A person's prompts (open ones; with `include_closed`, the recent closed ones too), for a
    viewer who has opened the person (the person page logs that view). Two statements."""
    prompts = EarlyInterventionPrompt.objects.filter(party=party).select_related(
        "rule", "decided_by"
    )
    if not include_closed:
        prompts = prompts.filter(status=PromptStatus.OPEN)
    chosen = list(prompts.order_by("-raised_at", "-pk")[:limit])
    if not chosen:
        return []
    return _views(chosen, _sensitivities(viewer, party.council))


@dataclass(frozen=True)
class Worklist:
    status: str
    prompts: list[PromptView]
    counts: dict[str, int]
    more: bool


def prompt_worklist(
    viewer: Any, council: Council, *, status: str = PromptStatus.OPEN, limit: int = 100
) -> Worklist:
    """A team leader's prompts, newest first, of people the viewer may see; logged as one
    access entry listing the people shown."""
    if not (may(viewer, "lead_team", council) and council.pk in council_ids_for(viewer)):
        raise PermissionDenied("lead_team")
    if status not in PromptStatus.values:
        status = PromptStatus.OPEN
    visible = _sensitivities(viewer, council)
    base = EarlyInterventionPrompt.objects.filter(council=council, party__sensitivity__in=visible)
    counts = {s: 0 for s in PromptStatus.values}
    for row_status, count in _status_counts(base):
        counts[row_status] = count
    rows = list(
        base.filter(status=status)
        .select_related("party", "rule", "decided_by")
        .order_by("-raised_at", "-pk")[: limit + 1]
    )
    shown = rows[:limit]
    if shown:
        record_access(
            actor=viewer,
            view=WORKLIST_VIEW,
            object_type="citizens.party",
            council_id=council.pk,
            result_ids=sorted({p.party_id for p in shown}),
        )
    return Worklist(status, _views(shown, visible), counts, len(rows) > limit)


def _status_counts(prompts: Any) -> list[tuple[str, int]]:
    from django.db.models import Count

    return list(prompts.values("status").annotate(n=Count("pk")).values_list("status", "n"))


def open_prompt_of(viewer: Any, council: Council, pk: int) -> EarlyInterventionPrompt:
    """An open prompt the viewer may decide (404-like PermissionDenied otherwise)."""
    prompt = (
        EarlyInterventionPrompt.objects.filter(council=council, pk=pk)
        .select_related("party", "rule")
        .first()
    )
    if prompt is None or not may_decide_prompt(viewer, prompt):
        raise PermissionDenied("prompt")
    return prompt


def may_decide_prompt(viewer: Any, prompt: EarlyInterventionPrompt) -> bool:
    """Agents who may see the person, and team leaders, action or dismiss a prompt."""
    if not (may(viewer, "use_desktop", prompt) or may(viewer, "lead_team", prompt)):
        return False
    if prompt.party.sensitivity != Sensitivity.NORMAL:
        return may(viewer, "open_restricted", prompt)
    return True


# --------------------------------------------------------------------------------------------
# Deciding a prompt
# --------------------------------------------------------------------------------------------


@transaction.atomic
def do_decide_prompt(
    *, actor: Any, prompt: EarlyInterventionPrompt, status: str, reason: str
) -> EarlyInterventionPrompt:
    """Action or dismiss an open prompt, saying why (audited; the reason sealed under the
    person's key). Its contacts never count towards another prompt of the rule."""
    prompt = (
        EarlyInterventionPrompt.objects.select_for_update()
        .select_related("party", "rule")
        .get(pk=prompt.pk)
    )
    if actor is None or not may_decide_prompt(actor, prompt):
        raise PermissionDenied("use_desktop")
    if status not in (PromptStatus.ACTIONED, PromptStatus.DISMISSED):
        raise ValidationError({"status": _("Choose whether it was actioned or dismissed.")})
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": _("Say what was done, or why it is dismissed.")})
    if len(reason) > 500:
        raise ValidationError({"reason": _("The reason must be 500 characters or fewer.")})
    if prompt.status != PromptStatus.OPEN:
        raise ValidationError(_("That prompt has been decided already."))
    prompt.status = status
    prompt.decided_at = timezone.now()
    prompt.decided_by = actor
    prompt.decision_reason = reason
    prompt.save()
    record_change(
        actor=actor,
        action=f"early_intervention.{status}",
        instance=prompt,
        changes={
            "status": (PromptStatus.OPEN, status),
            "decision_reason": (None, reason),
        },
        subject=_subject(prompt.party_id),
    )
    return prompt
