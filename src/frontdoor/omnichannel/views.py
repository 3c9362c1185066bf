"""Pages of omnichannel intake: the live wallboard of the council's queues, and the team
leaders' pages for each queue's resilience tiers."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from frontdoor.core.models import Council
from frontdoor.identity.policies import require

from .actions import TierRulesInvalid, do_set_tier_rules
from .consumers import PERMISSION
from .forms import TierRulesForm, field_name
from .policies import LEAD_PERMISSION, may_lead_queues
from .selectors import board_for, queue_of, queues_with_tier_rules, tier_rules_of


def _council(request: HttpRequest, permission: str = PERMISSION) -> Council:
    """The council the request acts for, if the user may use `permission` for it."""
    require(request.user, permission)
    council: Council | None = request.council  # type: ignore[attr-defined]
    if council is None:
        raise Http404("council")
    require(request.user, permission, council)
    return council


@require_GET
def wallboard(request: HttpRequest) -> HttpResponse:
    """Every live queue now, its tier and what to do, and today's tier history.

    The page is complete without script (with a link to refresh it); its script then keeps it
    up to date over a websocket.
    """
    council = _council(request)
    return render(
        request,
        "omnichannel/wallboard.html",
        {
            "board": board_for(council),
            "socket_path": f"/ws/live/{council.slug}/",
            "may_change_tiers": may_lead_queues(request.user, council),
        },
    )


@require_GET
def tier_rules(request: HttpRequest) -> HttpResponse:
    """Every queue's resilience tiers: when each starts and when it clears (team leaders)."""
    council = _council(request, LEAD_PERMISSION)
    return render(
        request,
        "omnichannel/tier_rules.html",
        {"queues": queues_with_tier_rules(council)},
    )


@require_http_methods(["GET", "POST"])
def edit_tier_rules(request: HttpRequest, queue_id: str) -> HttpResponse:
    """One queue's tiers, saved through `do_set_tier_rules` (whose checks show as errors)."""
    council = _council(request, LEAD_PERMISSION)
    queue = queue_of(council, queue_id)
    if queue is None:
        raise Http404("queue")
    form = TierRulesForm(request.POST or None, rules=tier_rules_of(queue))
    if request.method == "POST" and form.is_valid():
        try:
            changed = do_set_tier_rules(
                actor=request.user, council=council, queue=queue, rules=form.rule_inputs()
            )
        except TierRulesInvalid as error:
            for (tier, name), problems in error.problems.items():
                key = field_name(tier, name) if tier else None
                for problem in problems:
                    text = (
                        _("Tier %(tier)d: %(problem)s") % {"tier": tier, "problem": problem}
                        if tier
                        else problem
                    )
                    form.add_error(key if key in form.fields else None, text)
        else:
            if changed:
                messages.success(
                    request, _("The tiers of %(queue)s were saved.") % {"queue": queue.name}
                )
            else:
                messages.info(
                    request,
                    _("The tiers of %(queue)s were already as given.") % {"queue": queue.name},
                )
            return redirect("omnichannel:tier-rules")
    return render(
        request,
        "omnichannel/tier_rules_form.html",
        {"form": form, "queue": queue, "rows": form.rows()},
        status=400 if form.errors else 200,
    )
