"""Pages: the committee tables (with drill-down), trends and demand insight, each table also as
CSV (the same address with ?format=csv&table=KEY)."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from frontdoor.core.models import Council
from frontdoor.core.selectors import families_of
from frontdoor.identity.policies import require

from . import dashboards
from .dashboards import Period, Scope, Table
from .forms import PRESETS, DashboardForm, DemandForm, PeriodForm, TrendsForm

PERMISSION = "view_performance"
# Characters that make a spreadsheet treat a cell as a formula (CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _council(request: HttpRequest) -> Council:
    """The council the request acts for, if the user may see its performance."""
    require(request.user, PERMISSION)
    council: Council | None = request.council  # type: ignore[attr-defined]
    if council is None:
        raise Http404("council")
    require(request.user, PERMISSION, council)
    return council


def _today(council: Council) -> Any:
    return council.local_date(timezone.now())


@require_GET
def dashboard(request: HttpRequest) -> HttpResponse:
    """The family table and the monthly indicator table of the whole council."""
    return _committee(request, lambda reading: Scope("council"))


@require_GET
def family(request: HttpRequest, family_id: str) -> HttpResponse:
    """A family's services and its monthly indicators."""

    def scope(reading: dashboards.Reading) -> Scope:
        if family_id not in reading.family_names:
            raise Http404("family")
        return Scope("family", family_id, reading.family_names[family_id], family_id)

    return _committee(request, scope)


@require_GET
def service(request: HttpRequest, service_id: str) -> HttpResponse:
    """A service's queues and its monthly indicators."""

    def scope(reading: dashboards.Reading) -> Scope:
        if service_id not in reading.service_names:
            raise Http404("service")
        return Scope(
            "service",
            service_id,
            reading.service_names[service_id],
            reading.service_family.get(service_id),
        )

    return _committee(request, scope)


def _committee(
    request: HttpRequest, make_scope: Callable[[dashboards.Reading], Scope]
) -> HttpResponse:
    council = _council(request)
    today = _today(council)
    form = DashboardForm(request.GET, today=today)
    if not form.is_valid():
        return _invalid(request, form, "insight/committee.html", "dashboard")
    period: Period = form.cleaned_data["period"]
    reading = dashboards.read_for(council, period.date_from, period.date_to, today=today)
    scope = make_scope(reading)
    query = period.query()

    def link(level: str, key: str) -> str:
        return f"{reverse(f'insight:{level}', args=[key])}?{urlencode(query)}"

    page = dashboards.committee_page(reading, period, scope, link)
    if request.GET.get("format") == "csv":
        return _csv(council, period, page.tables, request.GET.get("table", ""))
    breadcrumbs = [(_("Performance"), f"{reverse('insight:dashboard')}?{urlencode(query)}")]
    if scope.level == "service" and scope.family_id in reading.family_names:
        breadcrumbs.append((reading.family_names[scope.family_id], link("family", scope.family_id)))
    return render(
        request,
        "insight/committee.html",
        {
            **_common(request, form, period, query, "dashboard"),
            "page": page,
            "tables": _with_downloads(page.tables, query),
            "breadcrumbs": breadcrumbs if scope.level != "council" else [],
        },
    )


@require_GET
def trends(request: HttpRequest) -> HttpResponse:
    """One KPI by day, week or month: a chart with its data table beside it."""
    council = _council(request)
    today = _today(council)
    families = {f.family_id: f.name for f in families_of(council)}
    form = TrendsForm(request.GET, today=today, families=families)
    if not form.is_valid():
        return _invalid(request, form, "insight/trends.html", "trends")
    period: Period = form.cleaned_data["period"]
    choice = {key: form.cleaned_data[key] for key in ("kpi", "by", "family")}
    reading = dashboards.read_for(council, period.date_from, period.date_to, today=today)
    page = dashboards.trends_page(reading, period, choice["kpi"], choice["by"], choice["family"])
    if request.GET.get("format") == "csv":
        return _csv(council, period, [page.table], request.GET.get("table", ""))
    query = {**period.query(), **{k: v for k, v in choice.items() if v}}
    return render(
        request,
        "insight/trends.html",
        {
            **_common(request, form, period, query, "trends"),
            "page": page,
            "tables": _with_downloads([page.table], query),
            "kpi_label": dashboards.kpi_label(page.kpi, period.channel),
        },
    )


@require_GET
def demand(request: HttpRequest) -> HttpResponse:
    """When contacts arrive, abandonment, repeats, crossover, failure demand, digital exclusion
    and the channel mix."""
    council = _council(request)
    today = _today(council)
    form = DemandForm(request.GET, today=today)
    if not form.is_valid():
        return _invalid(request, form, "insight/demand.html", "demand")
    period: Period = form.cleaned_data["period"]
    baseline: int = form.cleaned_data["baseline"]
    reading = dashboards.demand_read_for(council, period, baseline)
    page = dashboards.demand_page(reading, period, baseline)
    chasing = dashboards.chasing_section(reading, period)
    tables = [*page.tables, *[t for t in (chasing.period, chasing.comparison) if t is not None]]
    if request.GET.get("format") == "csv":
        return _csv(council, period, tables, request.GET.get("table", ""))
    query = {**period.query(), "baseline": str(baseline)}
    return render(
        request,
        # The demand page with the chasing measure's section after its own (a partial that
        # extends it).
        "insight/_chasing.html",
        {
            **_common(request, form, period, query, "demand"),
            "page": page,
            "chasing": chasing,
            # Keyed for the template, which cannot read names with hyphens.
            "tables": {
                item["table"].key.replace("-", "_"): item for item in _with_downloads(tables, query)
            },
        },
    )


# --- helpers ------------------------------------------------------------------------------------


def _common(
    request: HttpRequest,
    form: PeriodForm,
    period: Period | None,
    query: dict[str, str],
    current: str,
) -> dict[str, Any]:
    """What every performance page shows: the sub-navigation (keeping a chosen period), the
    filters with their preset links, and the period."""
    chosen = any(key in request.GET for key in ("from", "to", "preset", "channel"))
    keep: dict[str, str] = {key: query[key] for key in ("from", "to", "channel") if key in query}
    pages = [
        ("dashboard", _("Committee tables"), reverse("insight:dashboard")),
        ("trends", _("Trends"), reverse("insight:trends")),
        ("demand", _("Demand insight"), reverse("insight:demand")),
    ]
    channel = period.query()["channel"] if period else request.GET.get("channel", "")
    extra = {k: v for k, v in query.items() if k in ("kpi", "by", "family")}
    values: Any = form.cleaned_data if form.is_valid() else form.data
    selected = {key: values.get(key) for key in ("kpi", "by", "family", "baseline")}
    selected["family"] = selected["family"] or ""
    return {
        "form": form,
        "period": period,
        "selected": selected,
        "sub_navigation": [
            {
                "label": label,
                "href": f"{href}?{urlencode(keep)}" if chosen and keep else href,
                "current": key == current,
            }
            for key, label, href in pages
        ],
        "presets": [
            {
                "label": label,
                "href": "?" + urlencode({"preset": key, "channel": channel, **extra}),
                "current": form.is_bound and form.cleaned_data.get("preset") == key,
            }
            for key, label in PRESETS.items()
        ],
    }


def _invalid(request: HttpRequest, form: PeriodForm, template: str, current: str) -> HttpResponse:
    """The page with the filters' errors and no figures."""
    return render(
        request,
        template,
        {**_common(request, form, None, {}, current), "invalid": True},
        status=400,
    )


def _with_downloads(tables: list[Table], query: dict[str, str]) -> list[dict[str, Any]]:
    return [
        {
            "table": table,
            "csv_href": "?" + urlencode({**query, "format": "csv", "table": table.key}),
        }
        for table in tables
    ]


def _csv(council: Council, period: Period, tables: list[Table], key: str) -> HttpResponse:
    """One table as CSV: the figures the page shows, a status column beside each column with
    red/amber/green or provisional tags."""
    table = next((table for table in tables if table.key == key), None)
    if table is None:
        raise Http404("table")
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    numeric = [column.numeric for column in table.columns]
    for index, line in enumerate(table.csv_rows()):
        if index == 0:
            writer.writerow([_safe(text) for text in line])
            continue
        writer.writerow(_safe_row(line, numeric, table))
    name = (
        f"{council.slug}-{table.key}-{period.date_from.isoformat()}-to-"
        f"{period.date_to.isoformat()}-{period.channel or 'all-channels'}.csv"
    )
    response = HttpResponse("\ufeff" + buffer.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def _safe_row(line: list[str], numeric: list[bool], table: Table) -> list[str]:
    """Escape text cells a spreadsheet would run as a formula; figures we formatted are safe."""
    kinds: list[bool] = []
    for column, is_numeric in zip(table.columns, numeric, strict=True):
        kinds.append(is_numeric)
        if column.has_status:
            kinds.append(False)
    return [
        text if is_numeric else _safe(text) for text, is_numeric in zip(line, kinds, strict=True)
    ]


def _safe(text: str) -> str:
    return "'" + text if text.startswith(FORMULA_STARTS) else text
