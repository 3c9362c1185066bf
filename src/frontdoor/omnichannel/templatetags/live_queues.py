"""Template filters of the wallboard: waits and durations in words a team leader reads fast."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from ..engine.tiers import LONGEST_WAIT, Rule

register = template.Library()


@register.filter
def duration(seconds: float | None) -> str:
    """`292` -> "4 min 52 s"; `3725` -> "1 h 2 min"; None -> "" (translated when rendered)."""
    if seconds is None:
        return ""
    total = round(seconds)
    hours, rest = divmod(total, 3600)
    minutes, secs = divmod(rest, 60)
    if hours:
        return _("%(h)d h %(m)d min") % {"h": hours, "m": minutes}
    if minutes:
        return _("%(m)d min %(s)d s") % {"m": minutes, "s": secs}
    return _("%(s)d s") % {"s": secs}


def _amount(measure: str, value: float) -> str:
    if measure == LONGEST_WAIT:
        return duration(value)
    count = round(value, 1)
    shown = f"{count:g}"
    return ngettext("%(n)s caller", "%(n)s callers", int(count) if count == int(count) else 2) % {
        "n": shown
    }


@register.filter
def tier_starts(rule: Any) -> str:
    """When a stored tier rule raises its tier, in words: "longest wait reaches 3 min 0 s"."""
    if rule.measure == LONGEST_WAIT:
        return _("the longest wait reaches %(amount)s") % {
            "amount": _amount(rule.measure, rule.threshold)
        }
    return _("%(amount)s are waiting") % {"amount": _amount(rule.measure, rule.threshold)}


@register.filter
def tier_clears(rule: Any) -> str:
    """When a stored tier rule clears, in words: "under 2 min 42 s for 2 min 0 s"."""
    engine_rule = Rule(
        rule.tier, rule.measure, rule.threshold, rule.clear_margin, rule.margin_unit, 0
    )
    level = _amount(rule.measure, engine_rule.exit_level)
    if not rule.hold_seconds:
        return _("as soon as it is under %(level)s") % {"level": level}
    return _("once it has stayed under %(level)s for %(hold)s") % {
        "level": level,
        "hold": duration(rule.hold_seconds),
    }
