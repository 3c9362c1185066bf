"""The team leaders' form for one queue's tier rules: a fieldset per tier, and one to add a tier.

Fields are named `tier_<n>_<field>`. The form checks only what a field can say alone (whole
numbers, a chosen option); everything about the rules as a set (thresholds rising with the
tier, a margin smaller than its threshold...) is `actions.check_tier_rules`, whose problems the
view puts back beside the fields.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from .actions import MAX_TIER, RuleInput
from .engine import tiers as tier_engine
from .models import MarginUnit, Measure, TierRule

FIELDS = ("measure", "threshold", "clear_margin", "margin_unit", "hold_seconds", "actions")


@dataclass(frozen=True)
class TierRow:
    """The bound fields of one tier's fieldset (`remove` only for an existing tier)."""

    tier: int
    new: bool
    measure: forms.BoundField
    threshold: forms.BoundField
    clear_margin: forms.BoundField
    margin_unit: forms.BoundField
    hold_seconds: forms.BoundField
    actions: forms.BoundField
    remove: forms.BoundField | None


def field_name(tier: int, name: str) -> str:
    """The form field of one tier's setting."""
    return f"tier_{tier}_{name}"


def _whole_number(label: str, tier: int, required: bool, hint: str = "") -> forms.IntegerField:
    messages = {
        "required": _("Tier %(tier)d: enter the %(what)s") % {"tier": tier, "what": label},
        "invalid": _("Tier %(tier)d: enter the %(what)s as a whole number")
        % {"tier": tier, "what": label},
    }
    return forms.IntegerField(
        label=label[0].upper() + label[1:],
        required=required,
        help_text=hint,
        error_messages=messages,
        widget=forms.TextInput(attrs={"width": "5", "inputmode": "numeric"}),
    )


class TierRulesForm(forms.Form):
    """One queue's tiers: each existing rule (which may be removed) and one new tier."""

    def __init__(self, data: Any = None, *, rules: list[TierRule]) -> None:
        if rules:
            existing = [{name: getattr(r, name) for name in ("tier", *FIELDS)} for r in rules]
        else:
            # A queue with no rules yet is offered the defaults it would get with its first call.
            existing = [
                {
                    "tier": tier,
                    "measure": measure,
                    "threshold": threshold,
                    "actions": actions,
                    "clear_margin": tier_engine.DEFAULT_CLEAR_MARGIN,
                    "margin_unit": tier_engine.DEFAULT_MARGIN_UNIT,
                    "hold_seconds": tier_engine.DEFAULT_HOLD_SECONDS,
                }
                for tier, measure, threshold, actions in tier_engine.DEFAULT_RULES
            ]
        self.tiers = [row["tier"] for row in existing]
        self.new_tier = next((t for t in range(1, MAX_TIER + 1) if t not in self.tiers), None)
        initial = {field_name(row["tier"], name): row[name] for row in existing for name in FIELDS}
        if self.new_tier is not None:
            initial[field_name(self.new_tier, "margin_unit")] = tier_engine.DEFAULT_MARGIN_UNIT
            initial[field_name(self.new_tier, "clear_margin")] = tier_engine.DEFAULT_CLEAR_MARGIN
            initial[field_name(self.new_tier, "hold_seconds")] = tier_engine.DEFAULT_HOLD_SECONDS
        super().__init__(data, initial=initial)
        for tier in self.tiers:
            self._add_tier(tier, required=True)
            self.fields[field_name(tier, "remove")] = forms.BooleanField(
                label=_("Remove tier %(tier)d") % {"tier": tier}, required=False
            )
        if self.new_tier is not None:
            self._add_tier(self.new_tier, required=False)

    def _add_tier(self, tier: int, *, required: bool) -> None:
        self.fields[field_name(tier, "measure")] = forms.ChoiceField(
            label=_("Measure"), choices=Measure.choices, required=required
        )
        self.fields[field_name(tier, "threshold")] = _whole_number(
            str(_("threshold")),
            tier,
            required,
            str(_("Seconds of longest wait (180 is 3 minutes), or a number of callers waiting.")),
        )
        self.fields[field_name(tier, "clear_margin")] = _whole_number(
            str(_("clear margin")),
            tier,
            required,
            str(_("How far below the threshold the measure must fall before the tier can clear.")),
        )
        self.fields[field_name(tier, "margin_unit")] = forms.ChoiceField(
            label=_("The clear margin is in"), choices=MarginUnit.choices, required=required
        )
        self.fields[field_name(tier, "hold_seconds")] = _whole_number(
            str(_("hold time in seconds")),
            tier,
            required,
            str(_("How long the measure must stay below that level (120 is 2 minutes).")),
        )
        self.fields[field_name(tier, "actions")] = forms.CharField(
            label=_("What staff should do"),
            required=required,
            widget=forms.Textarea,
            error_messages={
                "required": _("Tier %(tier)d: say what staff should do") % {"tier": tier}
            },
        )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        tier = self.new_tier
        if tier is not None and self._adding(cleaned):
            for name in ("threshold", "actions"):
                key = field_name(tier, name)
                if cleaned.get(key) in (None, "") and key not in self.errors:
                    self.add_error(key, self.fields[key].error_messages["required"])
        return cleaned

    def _adding(self, cleaned: dict[str, Any]) -> bool:
        """Whether the new tier's fieldset was filled in (its threshold or its actions)."""
        tier = self.new_tier
        if tier is None:
            return False
        return bool(
            self.data.get(field_name(tier, "threshold"), "").strip()
            or self.data.get(field_name(tier, "actions"), "").strip()
        )

    def rows(self) -> list[TierRow]:
        """The tiers' fieldsets, existing tiers first, then the new one."""
        tiers = [(t, False) for t in self.tiers]
        if self.new_tier is not None:
            tiers.append((self.new_tier, True))
        return [
            TierRow(
                tier=tier,
                new=new,
                remove=None if new else self[field_name(tier, "remove")],
                **{name: self[field_name(tier, name)] for name in FIELDS},
            )
            for tier, new in tiers
        ]

    def rule_inputs(self) -> list[RuleInput]:
        """The rules asked for (a valid form): kept tiers, and the new one if filled in."""
        data = self.cleaned_data
        wanted = [t for t in self.tiers if not data.get(field_name(t, "remove"))]
        if self.new_tier is not None and self._adding(data):
            wanted.append(self.new_tier)
        return [
            RuleInput(
                tier=tier,
                measure=data[field_name(tier, "measure")] or tier_engine.LONGEST_WAIT,
                threshold=data[field_name(tier, "threshold")],
                actions=data[field_name(tier, "actions")],
                clear_margin=_or(data[field_name(tier, "clear_margin")], 0),
                margin_unit=data[field_name(tier, "margin_unit")]
                or tier_engine.DEFAULT_MARGIN_UNIT,
                hold_seconds=_or(data[field_name(tier, "hold_seconds")], 0),
            )
            for tier in wanted
        ]


def _or(value: int | None, default: int) -> int:
    return default if value is None else value
