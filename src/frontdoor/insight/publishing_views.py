"""Pages: published committee tables, publishing one, and how today's figures differ."""

from __future__ import annotations

import csv
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from frontdoor.core.models import Council
from frontdoor.identity.policies import may, require

from . import publishing
from .models import KPI_NAMES
from .publishing_forms import GROUPING_LABELS, PublishForm

# The figures a committee table shows, in its order (every KPI is in the CSV).
SHOWN_KPIS = (
    "offered",
    "answered",
    "pct_answered",
    "pct_abandoned",
    "asa_seconds",
    "aht_seconds",
    "fcr",
    "overall_resolution",
    "csat",
    "failure_demand",
)
RATIO_KPIS = {
    "pct_answered",
    "pct_abandoned",
    "service_level",
    "fcr",
    "overall_resolution",
    "failure_demand",
    "csat",
    "csat_net",
    "repeat_7d",
    "no_email_share",
}
KPI_LABELS = {
    "offered": gettext_lazy("Offered"),
    "answered": gettext_lazy("Answered"),
    "abandoned": gettext_lazy("Abandoned"),
    "callbacks": gettext_lazy("Callbacks"),
    "deflected": gettext_lazy("Deflected"),
    "pct_answered": gettext_lazy("% answered"),
    "pct_abandoned": gettext_lazy("% abandoned"),
    "asa_seconds": gettext_lazy("Average time to answer"),
    "avg_wait_seconds": gettext_lazy("Average wait"),
    "service_level": gettext_lazy("Service level"),
    "aht_seconds": gettext_lazy("Average handle time"),
    "fcr": gettext_lazy("First contact resolution"),
    "overall_resolution": gettext_lazy("Overall resolution"),
    "failure_demand": gettext_lazy("Failure demand"),
    "csat": gettext_lazy("Satisfaction"),
    "csat_net": gettext_lazy("Net satisfaction"),
    "repeat_7d": gettext_lazy("Repeat within 7 days"),
    "no_email_share": gettext_lazy("No email"),
}


def display(kpi: str, value: Any) -> str:
    """A figure as a committee reads it: 87%, 16:05, 79,135; a dash when there is none."""
    if value is None:
        return _("no data")
    if kpi in RATIO_KPIS:
        return f"{float(value) * 100:.0f}%"
    if kpi.endswith("_seconds"):
        seconds = round(float(value))
        return f"{seconds // 60:02d}:{seconds % 60:02d}"
    return f"{int(value):,}"


def display_difference(kpi: str, value: float | None) -> str:
    if value is None:
        return _("no data")
    sign = "+" if value > 0 else "-" if value < 0 else ""
    if kpi in RATIO_KPIS:
        return _("%(sign)s%(points).1f points") % {"sign": sign, "points": abs(value) * 100}
    if kpi.endswith("_seconds"):
        return _("%(sign)s%(seconds).0f s") % {"sign": sign, "seconds": abs(value)}
    return f"{sign}{abs(int(value)):,}"


def _council(request: HttpRequest) -> Council:
    council = getattr(request, "council", None)
    if council is None:
        raise Http404("council")
    require(request.user, "view_performance", council)
    return council


def _row_label(keys: Any) -> str:
    values = [str(value) for _name, value in keys if value is not None]
    return ", ".join(values) or _("The whole council")


@require_http_methods(["GET", "POST"])
def published_tables(request: HttpRequest) -> HttpResponse:
    """The council's published tables; analysts publish a new one here."""
    council = _council(request)
    may_publish = may(request.user, "publish_performance", council)
    form = PublishForm(request.POST or None, today=council.local_date(timezone.now()))
    if request.method == "POST":
        require(request.user, "publish_performance", council)
        if form.is_valid():
            period = form.chosen_period
            grouping = form.cleaned_data["grouping"]
            channel = form.cleaned_data["channel"] or None
            title = form.cleaned_data["title"] or _("%(period)s: %(rows)s, %(channel)s") % {
                "period": period.label,
                "rows": GROUPING_LABELS[grouping],
                "channel": channel or _("every channel"),
            }
            table = publishing.do_publish_kpis(
                actor=request.user,
                council=council,
                title=title,
                date_from=period.date_from,
                date_to=period.date_to,
                by=publishing.PUBLISHABLE_GROUPINGS[grouping],
                channel=channel,
            )
            messages.success(request, _("Published. The figures are frozen as they are now."))
            return redirect("publishing:table", pk=table.pk)
    return render(
        request,
        "insight/published_tables.html",
        {
            "tables": publishing.published_tables_of(council),
            "form": form,
            "may_publish": may_publish,
        },
        status=400 if form.errors else 200,
    )


@require_GET
def published_table(request: HttpRequest, pk: int) -> HttpResponse:
    """A published table as it was frozen, and how today's figures for its period differ."""
    council = _council(request)
    table = publishing.published_table_of(council, pk)
    if table is None:
        raise Http404("published table")
    if request.GET.get("format") == "csv":
        return _csv(table)
    comparison = publishing.compare_with_today(table, council)
    header = [KPI_LABELS[k] for k in SHOWN_KPIS]
    target_rows = table.targets.get("rows", [])
    rows = []
    for index, row in enumerate(table.rows):
        targets = target_rows[index] if index < len(target_rows) else {}
        rows.append(
            {
                "label": _row_label((name, row.get(name)) for name in table.by),
                "provisional": row.get("provisional", False),
                "cells": [
                    {
                        "text": display(k, row.get(k)),
                        "rag": _rag(row.get(k), targets.get(k)),
                    }
                    for k in SHOWN_KPIS
                ],
            }
        )
    changes = [
        {
            "label": _row_label(item.keys),
            "status": item.status,
            "figures": [
                {
                    "kpi": KPI_LABELS[change.kpi],
                    "published": display(change.kpi, change.published),
                    "today": display(change.kpi, change.today),
                    "difference": display_difference(change.kpi, change.difference),
                }
                for change in item.changes
            ],
        }
        for item in comparison.changed
    ]
    return render(
        request,
        "insight/published_table.html",
        {
            "table": table,
            "header": header,
            "rows": rows,
            "comparison": comparison,
            "changes": changes,
        },
    )


def _rag(value: Any, target: dict[str, Any] | None) -> str | None:
    from .selectors import rag

    return rag(value, target) if value is not None else None


def _csv(table: Any) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="published-{table.pk}.csv"'
    writer = csv.writer(response)
    keys = [*table.by, "provisional", *KPI_NAMES]
    writer.writerow(keys)
    for row in table.rows:
        writer.writerow(["" if row.get(k) is None else row.get(k) for k in keys])
    return response
