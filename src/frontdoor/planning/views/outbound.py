"""The outbound-campaign planner."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import formats
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from frontdoor.core.models import Council

from .. import actions, selectors
from ..engine.outbound import MIN_QUEUE_CAMPAIGNS
from ..forms import (
    CampaignForm,
    CampaignResponseForm,
    CampaignSentForm,
)
from ..models import Campaign, CampaignChannel
from .charts import interval_chart
from .common import apply_action_errors, council_of_request, page_context


def _response_rows(responses: dict[str, selectors.LearntResponse]) -> list[dict[str, Any]]:
    labels = dict(CampaignChannel.choices)
    return [
        {
            "channel": labels[channel],
            "used": len(response.used),
            "calls_per_thousand": response.calls_per_thousand,
            "lasts_minutes": response.lasts_minutes,
            "horizon_hours": selectors.RESPONSE_HOURS[channel],
        }
        for channel, response in responses.items()
    ]


@require_http_methods(["GET", "POST"])
def outbound(request: HttpRequest) -> HttpResponse:
    """Outbound campaigns, planned and sent; what the sent ones taught; enter a campaign."""
    council = council_of_request(request)
    queues = selectors.planning_queues(council)
    form = CampaignForm(
        request.POST if request.method == "POST" else None,
        queues=queues,
        initial={"queue": queues[0].queue_id if queues else "", "send_time": "10:00"},
    )
    if request.method == "POST" and form.is_valid():
        try:
            campaign = actions.do_add_campaign(
                actor=request.user, council=council, values=form.values(council.zone)
            )
        except ValidationError as error:
            apply_action_errors(form, error)
        else:
            messages.success(request, _("%(name)s was saved.") % {"name": campaign.name})
            return redirect("planning:campaign", pk=campaign.pk)
    interval = selectors.interval_minutes_of(council)
    responses = selectors.learn_responses(council, interval)
    past = {p.campaign.pk: p for r in responses.values() for p in r.past}
    campaigns: list[dict[str, Any]] = [
        {"campaign": c, "send": selectors.local_send(council, c), "learnt": past.get(c.pk)}
        for c in selectors.campaigns_of(council)
    ]
    context = page_context(
        request,
        "planning:outbound",
        form=form,
        planned=[c for c in campaigns if not c["campaign"].sent],
        sent=[c for c in campaigns if c["campaign"].sent],
        responses=_response_rows(responses),
        queue_curves=[
            {**row, "channel": dict(CampaignChannel.choices)[channel]}
            for channel, response in responses.items()
            for row in response.queue_curves()
        ],
        min_queue_campaigns=MIN_QUEUE_CAMPAIGNS,
        interval_minutes=interval,
    )
    return render(request, "planning/outbound.html", context, status=400 if form.errors else 200)


def _plan_figures(plan: selectors.CampaignPlan) -> dict[str, Any]:
    """Rows, charts and the staggering's sends of a campaign plan, for the page."""
    shown = list(plan.shown)
    labels = plan.labels()
    staggered = plan.staggering.calls if plan.staggering is not None else None
    rows = [
        {
            "interval": labels[i],
            "baseline": float(plan.baseline[i]),
            "extra": float(plan.extra[i]),
            "calls": float(plan.planned_calls[i]),
            "capacity": float(plan.capacity[i]),
            "agents": plan.agents[i],
            "over": bool(plan.extra[i] > 1e-9 and plan.planned_calls[i] > plan.capacity[i] + 1e-9),
            "staggered": None if staggered is None else float(staggered[i]),
            "send": i == plan.send_index,
        }
        for i in shown
    ]
    figures: dict[str, Any] = {"rows": rows}
    if not shown:
        return figures
    day_text = formats.date_format(plan.send_local.date(), "l j F Y")
    top = max(
        [float(plan.planned_calls[i]) for i in shown]
        + [float(plan.capacity[i]) for i in shown]
        + ([float(staggered[i]) for i in shown] if staggered is not None else [])
    )
    names = {"name": plan.campaign.name, "day": day_text}
    figures["chart"] = interval_chart(
        title=_("Expected calls with %(name)s sent at once, %(day)s") % names,
        description=_(
            "Bars: the calls expected in each %(minutes)s-minute interval of opening, the "
            "forecast plus the campaign's response. Red line: the calls the staff can take "
            "and still meet the queue's target. Where a bar rises above the line, the wait "
            "target is breached. The table below gives every figure."
        )
        % {"minutes": plan.interval_minutes},
        labels=[labels[i] for i in shown],
        bars=[float(plan.planned_calls[i]) for i in shown],
        bars_label=_("Calls expected, sent at once"),
        line=[float(plan.capacity[i]) for i in shown],
        line_label=_("Calls the staff can take at the target"),
        step_line=True,
        y_top=top,
    )
    if plan.staggering is not None and staggered is not None and plan.staggering.feasible:
        figures["staggered_chart"] = interval_chart(
            title=_("Expected calls with %(name)s staggered as suggested, %(day)s") % names,
            description=_(
                "Bars: the calls expected in each interval when the batch is sent in the "
                "suggested chunks. Red line: the calls the staff can take and still meet the "
                "queue's target. The table below gives every figure."
            ),
            labels=[labels[i] for i in shown],
            bars=[float(staggered[i]) for i in shown],
            bars_label=_("Calls expected, staggered"),
            line=[float(plan.capacity[i]) for i in shown],
            line_label=_("Calls the staff can take at the target"),
            step_line=True,
            y_top=top,
        )
    if plan.staggering is not None:
        figures["sends"] = [
            {"day": plan.send_label(index)[0], "time": plan.send_label(index)[1], "size": size}
            for index, size in plan.staggering.sends
        ]
    if plan.window:
        first_day, first_time = plan.send_label(plan.window[0])
        figures["window_first"] = first_time
        figures["window_last"] = plan.send_label(plan.window[-1])[1]
        # Sent while the queue is shut, the response starts when it opens.
        slot_start = (plan.send_local.hour * 60 + plan.send_local.minute) // plan.interval_minutes
        if first_day != plan.send_local.date() or plan.slots[plan.window[0]][1] != slot_start:
            figures["opens_at"] = {"day": first_day, "time": first_time}
    return figures


@require_GET
def campaign(request: HttpRequest, pk: int) -> HttpResponse:
    council = council_of_request(request)
    item = selectors.campaign_of(council, pk)
    if item is None:
        raise Http404("campaign")
    return _campaign_page(request, council, item)


def _campaign_page(
    request: HttpRequest,
    council: Council,
    item: Campaign,
    *,
    response_form: CampaignResponseForm | None = None,
    sent_form: CampaignSentForm | None = None,
    status: int = 200,
) -> HttpResponse:
    """A campaign against its queue: the expected spike per interval, the capacity of the
    staff at the queue's target, whether the target is breached, and a suggested staggering."""
    asked = request.GET.get("staff")
    plan = selectors.campaign_plan(
        council, item, staff_source=asked if asked in ("rostered", "requirement") else None
    )
    send = plan.send_local
    if response_form is None:
        response_form = CampaignResponseForm(
            initial={
                "assumed_calls_per_thousand": item.assumed_calls_per_thousand,
                "assumed_minutes": item.assumed_minutes,
            }
        )
    if sent_form is None:
        sent_form = CampaignSentForm(
            initial={"sent_date": send.date().isoformat(), "sent_time": send.strftime("%H:%M")}
        )
    path = reverse("planning:campaign", args=[item.pk])
    form = response_form if response_form.errors else sent_form
    context = page_context(
        request,
        "planning:outbound",
        campaign=item,
        plan=plan,
        send=send,
        form=form,
        response_form=response_form,
        sent_form=sent_form,
        staff_links=[
            {
                "href": f"{path}?staff={source}",
                "label": label,
                "current": plan.staff_source == source,
            }
            for source, label in (
                ("rostered", _("the staff rostered, less shrinkage")),
                ("requirement", _("the agents the forecast needs")),
            )
        ],
        channel_label=item.get_channel_display(),
        assumed_minutes=selectors.response_minutes(plan.curve, plan.interval_minutes),
        assumed_total=(None if plan.curve is None else float(plan.curve.sum()) * 1000),
        **_plan_figures(plan),
    )
    return render(request, "planning/campaign.html", context, status=status)


@require_POST
def campaign_response(request: HttpRequest, pk: int) -> HttpResponse:
    """The response to assume for a campaign whose channel has nothing to learn from."""
    council = council_of_request(request)
    item = selectors.campaign_of(council, pk)
    if item is None:
        raise Http404("campaign")
    form = CampaignResponseForm(request.POST)
    if form.is_valid():
        try:
            actions.do_set_campaign_response(
                actor=request.user,
                campaign=item,
                calls_per_thousand=form.cleaned_data["assumed_calls_per_thousand"],
                minutes=form.cleaned_data["assumed_minutes"],
            )
        except ValidationError as error:
            apply_action_errors(form, error)
        else:
            messages.success(request, _("The response to assume was saved."))
            return redirect("planning:campaign", pk=item.pk)
    return _campaign_page(request, council, item, response_form=form, status=400)


@require_POST
def campaign_sent(request: HttpRequest, pk: int) -> HttpResponse:
    """Record that the campaign went, and when."""
    council = council_of_request(request)
    item = selectors.campaign_of(council, pk)
    if item is None:
        raise Http404("campaign")
    form = CampaignSentForm(request.POST)
    if form.is_valid():
        try:
            actions.do_mark_campaign_sent(
                actor=request.user, campaign=item, sent_at=form.sent_at(council.zone)
            )
        except ValidationError as error:
            apply_action_errors(form, error)
        else:
            messages.success(request, _("%(name)s is marked as sent.") % {"name": item.name})
            return redirect("planning:campaign", pk=item.pk)
    return _campaign_page(request, council, item, sent_form=form, status=400)


@require_POST
def delete_campaign(request: HttpRequest, pk: int) -> HttpResponse:
    council = council_of_request(request)
    item = selectors.campaign_of(council, pk)
    if item is None:
        raise Http404("campaign")
    actions.do_delete_campaign(actor=request.user, campaign=item)
    messages.success(request, _("The campaign was deleted."))
    return redirect("planning:outbound")
