"""The avoidable-demand model: assumptions, tables and CSV."""

from __future__ import annotations

import csv
import datetime as dt
import io
import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from frontdoor.core.models import Council

from .. import actions, selectors
from ..forms import (
    AvoidableAssumptionsForm,
    AvoidablePeriodForm,
    OnlineReasonsForm,
)
from .common import apply_action_errors, council_of_request, page_context

# Characters that make a spreadsheet treat a cell as a formula (CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
FAILURE_TYPE_LABELS: dict[str, Callable[[], str]] = {
    "chasing": lambda: _("Chasing"),
    "not_right_first_time": lambda: _("Not right first time"),
    "could_not_complete_online": lambda: _("Could not complete online"),
    "other": lambda: _("Other"),
    "type_not_recorded": lambda: _("Type not recorded"),
}


@dataclass
class Cell:
    """What a table cell shows (`text`) and what the CSV file holds (`export`): the same
    figure, without thousands separators in the file."""

    text: str
    export: str
    numeric: bool = False
    href: str = ""
    hidden: str = ""  # visually hidden words that finish a link's name


@dataclass
class Table:
    key: str
    caption: str
    columns: list[tuple[str, bool]]  # (label, numeric)
    rows: list[list[Cell]]
    totals: list[Cell]

    def csv_rows(self) -> list[list[str]]:
        lines = [[label for label, _ in self.columns]]
        for row in [*self.rows, self.totals]:
            lines.append([cell.export if cell.numeric else _safe(cell.export) for cell in row])
        return lines


def _safe(text: str) -> str:
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def _count(value: int) -> Cell:
    return Cell(f"{value:,}", str(value), numeric=True)


def _decimal(value: float, places: int = 1) -> Cell:
    return Cell(f"{value:,.{places}f}", f"{value:.{places}f}", numeric=True)


def _percent_cell(value: float | None) -> Cell:
    text = "" if value is None else f"{value * 100:.1f}%"
    return Cell(text, text, numeric=True)


def _duration(seconds: float) -> str:
    total = math.floor(seconds + 0.5)
    return f"{total // 60}:{total % 60:02d}"


def avoidable_tables(
    report: selectors.AvoidableReport, reasons_href: Callable[[str], str]
) -> list[Table]:
    """The page's two tables, failure demand by type and the opportunity, with totals rows;
    the CSV files are made from the same cells."""
    totals = report.totals
    types = selectors.FAILURE_TYPES
    failure = Table(
        key="failure",
        caption=_("Failure demand by type, per service"),
        columns=[
            (_("Service"), False),
            (_("Contacts"), True),
            *((FAILURE_TYPE_LABELS[t](), True) for t in types),
            (_("Failure demand"), True),
            (_("Share of contacts"), True),
        ],
        rows=[
            [
                Cell(s.name, s.name),
                _count(s.contacts),
                *(_count(s.failure_by_type.get(t, 0)) for t in types),
                _count(s.failure),
                _percent_cell(s.failure / s.contacts if s.contacts else None),
            ]
            for s in report.services
        ],
        totals=[
            Cell(_("All services"), _("All services")),
            _count(totals["contacts"]),
            *(_count(totals["failure_by_type"][t]) for t in types),
            _count(totals["failure"]),
            _percent_cell(totals["failure"] / totals["contacts"] if totals["contacts"] else None),
        ],
    )
    rows = []
    for s in report.services:
        codes = "; ".join(s.online_codes) or _("None marked")
        aht = _duration(s.aht_seconds)
        if s.aht_source == "assumed":
            aht = _("%(time)s (assumed)") % {"time": aht}
        rows.append(
            [
                Cell(s.name, s.name),
                _count(s.contacts),
                _decimal(s.result.avoidable),
                Cell(
                    codes,
                    codes,
                    href=reasons_href(s.service_id),
                    hidden=_("online-capable reasons of %(service)s") % {"service": s.name},
                ),
                _count(s.online_capable),
                _percent_cell(s.email_share),
                _decimal(s.result.movable_online),
                Cell(aht, aht, numeric=True),
                _decimal(s.result.hours_freed),
                _decimal(s.result.fte_freed, 2),
                _percent_cell(s.result.share_of_demand),
            ]
        )
    opportunity = Table(
        key="opportunity",
        caption=_("Avoidable and movable demand, and the staff time it frees, per service"),
        columns=[
            (_("Service"), False),
            (_("Contacts"), True),
            (_("Avoidable failure demand"), True),
            (_("Online-capable reasons"), False),
            (_("Contacts for those reasons"), True),
            (_("With an email address"), True),
            (_("Movable online"), True),
            (_("Handle time (m:ss)"), True),
            (_("Staff hours freed"), True),
            (_("FTE freed"), True),
            (_("Share of demand"), True),
        ],
        rows=rows,
        totals=[
            Cell(_("All services"), _("All services")),
            _count(totals["contacts"]),
            _decimal(totals["avoidable"]),
            Cell("", ""),
            _count(totals["online_capable"]),
            Cell("", "", numeric=True),
            _decimal(totals["movable_online"]),
            Cell("", "", numeric=True),
            _decimal(totals["hours_freed"]),
            _decimal(totals["fte_freed"], 2),
            _percent_cell(totals["share"]),
        ],
    )
    return [failure, opportunity]


def _avoidable_period(
    request: HttpRequest, council: Council
) -> tuple[AvoidablePeriodForm, dt.date | None, dt.date | None]:
    start, end = selectors.last_twelve_months(council)
    asked = "date_from" in request.GET or "date_to" in request.GET
    form = AvoidablePeriodForm(
        request.GET if asked else None,
        initial={"date_from": start.isoformat(), "date_to": end.isoformat()},
    )
    if not asked:
        return form, start, end
    if form.is_valid():
        return form, form.cleaned_data["date_from"], form.cleaned_data["date_to"]
    return form, None, None


def _period_query(start: dt.date, end: dt.date) -> str:
    return f"date_from={start.isoformat()}&date_to={end.isoformat()}"


@require_GET
def avoidable(request: HttpRequest) -> HttpResponse:
    """The avoidable-demand model per service for a period (default the last 12 months), with
    its assumptions beside it; each table also as CSV (?format=csv&table=KEY)."""
    council = council_of_request(request)
    period_form, start, end = _avoidable_period(request, council)
    if start is None or end is None:
        return _avoidable_page(request, council, period_form, None, None, None, status=400)
    if request.GET.get("format") == "csv":
        report = selectors.avoidable_demand_report(council, start, end)
        tables = avoidable_tables(report, lambda service_id: "")
        table = next((t for t in tables if t.key == request.GET.get("table")), None)
        if table is None:
            raise Http404("table")
        return _csv_response(
            table, f"{council.slug}-avoidable-demand-{table.key}-{start}-to-{end}.csv"
        )
    return _avoidable_page(request, council, period_form, start, end, None)


def _avoidable_page(
    request: HttpRequest,
    council: Council,
    period_form: AvoidablePeriodForm,
    start: dt.date | None,
    end: dt.date | None,
    assumptions_form: AvoidableAssumptionsForm | None,
    status: int = 200,
) -> HttpResponse:
    report = None
    tables: list[dict[str, Any]] = []
    if start is not None and end is not None:
        report = selectors.avoidable_demand_report(council, start, end)
        period = _period_query(start, end)
        path = reverse("planning:avoidable")

        def reasons_href(service_id: str) -> str:
            return f"{reverse('planning:online-reasons', args=[service_id])}?{period}"

        tables = [
            {"table": table, "csv_href": f"{path}?{period}&format=csv&table={table.key}"}
            for table in avoidable_tables(report, reasons_href)
        ]
    stored = report.stored if report else selectors.avoidable_settings_of(council)
    if assumptions_form is None:
        assumptions_form = AvoidableAssumptionsForm.for_settings(stored)
    shown_form = period_form if period_form.errors else assumptions_form
    context = page_context(
        request,
        "planning:avoidable",
        form=shown_form,
        period_form=period_form,
        assumptions_form=assumptions_form,
        report=report,
        stored=stored,
        shares=[
            (FAILURE_TYPE_LABELS[t](), getattr(stored, f"share_{t}"))
            for t in selectors.FAILURE_TYPES
        ],
        tables=tables,
        date_from=start,
        date_to=end,
    )
    return render(request, "planning/avoidable.html", context, status=status)


def _csv_response(table: Table, name: str) -> HttpResponse:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerows(table.csv_rows())
    response = HttpResponse("\ufeff" + buffer.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@require_POST
def avoidable_assumptions(request: HttpRequest) -> HttpResponse:
    """Change the council's avoidable-demand assumptions, then show the figures again."""
    council = council_of_request(request)
    period_form = AvoidablePeriodForm(
        {"date_from": request.POST.get("date_from"), "date_to": request.POST.get("date_to")}
    )
    start, end = selectors.last_twelve_months(council)
    if period_form.is_valid():
        start, end = period_form.cleaned_data["date_from"], period_form.cleaned_data["date_to"]
    else:
        period_form = AvoidablePeriodForm(
            initial={"date_from": start.isoformat(), "date_to": end.isoformat()}
        )
    stored = selectors.avoidable_settings_of(council)
    form = AvoidableAssumptionsForm.for_settings(stored, request.POST)
    if form.is_valid():
        try:
            actions.do_update_avoidable_assumptions(
                actor=request.user, council=council, values=form.values()
            )
        except ValidationError as error:
            apply_action_errors(form, error)
        else:
            messages.success(request, _("The assumptions were saved."))
            return redirect(f"{reverse('planning:avoidable')}?{_period_query(start, end)}")
    return _avoidable_page(request, council, period_form, start, end, form, status=400)


@require_http_methods(["GET", "POST"])
def online_reasons(request: HttpRequest, service_id: str) -> HttpResponse:
    """Mark which of a service's contact reasons (wrap codes) a resident could do online."""
    council = council_of_request(request)
    service = selectors.service_of(council, service_id)
    if service is None:
        raise Http404("service")
    _period, start, end = _avoidable_period(request, council)
    if start is None or end is None:
        start, end = selectors.last_twelve_months(council)
    report = selectors.avoidable_demand_report(council, start, end)
    found = next((s for s in report.services if s.service_id == service_id), None)
    counts = dict(found.value_by_reason) if found else {}
    stored = list((report.stored.online_reasons or {}).get(service_id, []))
    for code in stored:
        counts.setdefault(code, 0)
    ordered = sorted(counts, key=lambda code: (-counts[code], code))
    choices = [
        (
            code,
            _("%(code)s (%(count)s contacts)") % {"code": code, "count": f"{counts[code]:,}"},
        )
        for code in ordered
    ]
    form = OnlineReasonsForm(
        request.POST if request.method == "POST" else None,
        choices=choices,
        initial={"wrap_codes": stored},
    )
    back = f"{reverse('planning:avoidable')}?{_period_query(start, end)}"
    if request.method == "POST" and form.is_valid():
        actions.do_set_online_reasons(
            actor=request.user,
            council=council,
            service=service,
            wrap_codes=form.cleaned_data["wrap_codes"],
        )
        messages.success(
            request,
            _("The online-capable reasons of %(service)s were saved.") % {"service": service.name},
        )
        return redirect(back)
    context = page_context(
        request,
        "planning:avoidable",
        service=service,
        form=form,
        has_reasons=bool(choices),
        back=back,
        date_from=start,
        date_to=end,
    )
    return render(
        request, "planning/online_reasons.html", context, status=400 if form.errors else 200
    )
