"""Pages: importing a file of contact records, and the report of each import."""

from __future__ import annotations

import csv

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from frontdoor.core.models import Council
from frontdoor.identity.policies import require

from . import selectors
from .forms import ContactImportForm
from .importing import import_contacts_stream, shipped_mapping
from .reading import MappingError, ReadError, load_mapping

REJECTIONS_ON_PAGE = 200


def _council(request: HttpRequest) -> Council:
    council = getattr(request, "council", None)
    if council is None:
        raise Http404("council")
    require(request.user, "import_contacts", council)
    return council


@require_http_methods(["GET", "POST"])
def imports(request: HttpRequest) -> HttpResponse:
    """The upload form and the council's recent imports; a valid upload is imported at once."""
    council = _council(request)
    form = ContactImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        mapping_name = form.cleaned_data["mapping"]
        try:
            mapping = None
            if mapping_name:
                path = shipped_mapping(mapping_name)
                if path is None:  # the form's choices come from the same list
                    raise MappingError(_("there is no such mapping"))
                mapping = load_mapping(path)
            upload = form.cleaned_data["file"]
            result = import_contacts_stream(
                actor=request.user,
                council=council,
                stream=upload,
                file_name=upload.name or "upload.csv",
                source=form.cleaned_data["source"] or None,
                mapping=mapping,
                mapping_name=mapping_name,
            )
        except (MappingError, ReadError) as error:
            form.add_error("file", _("The file cannot be read: %(error)s") % {"error": error})
        else:
            done = result.contact_import
            if done.rejected:
                messages.warning(
                    request,
                    _("Imported with %(count)s rejected records: see them below.")
                    % {"count": done.rejected},
                )
            else:
                messages.success(request, _("Every record in the file was imported."))
            return redirect("contacts:import", pk=done.pk)
    return render(
        request,
        "contacts/imports.html",
        {"form": form, "imports": selectors.imports_for(council)},
        status=400 if form.errors else 200,
    )


def import_report(request: HttpRequest, pk: int) -> HttpResponse:
    """What one import read, created, updated, left unchanged, skipped and rejected."""
    council = _council(request)
    contact_import = selectors.import_of(council, pk)
    if contact_import is None:
        raise Http404("import")
    rejections = selectors.rejections_of(contact_import, limit=REJECTIONS_ON_PAGE)
    return render(
        request,
        "contacts/import_report.html",
        {
            "contact_import": contact_import,
            "rejections": rejections,
            "more_rejections": contact_import.rejected > len(rejections),
            "skipped_reasons": sorted(contact_import.skipped_reasons.items()),
        },
    )


class _Echo:
    """A file-like object whose write returns the line, for streaming CSV."""

    def write(self, value: str) -> str:
        return value


def import_rejections_csv(request: HttpRequest, pk: int) -> StreamingHttpResponse:
    """Every rejected record of an import as CSV: row, column, reason."""
    council = _council(request)
    contact_import = selectors.import_of(council, pk)
    if contact_import is None:
        raise Http404("import")
    writer = csv.writer(_Echo())

    def rows():  # type: ignore[no-untyped-def]
        yield writer.writerow(["row", "column", "reason"])
        for rejection in selectors.rejections_of(contact_import):
            yield writer.writerow([rejection.row_number, rejection.column, rejection.reason])

    response = StreamingHttpResponse(rows(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="contact-import-{contact_import.pk}-rejections.csv"'
    )
    return response
