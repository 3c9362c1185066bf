"""API: importing contact files, and the reports of past imports."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import File, Form, Router, Schema
from ninja.errors import HttpError
from ninja.files import UploadedFile

from frontdoor.core.selectors import council_for
from frontdoor.identity.policies import require

from .importing import import_contacts_stream, shipped_mapping
from .models import ContactImport
from .reading import MappingError, ReadError, load_mapping

router = Router(tags=["Contacts"])
MAX_REJECTIONS_SHOWN = 1000


class RejectionOut(Schema):
    row: int
    column: str
    reason: str


class ImportOut(Schema):
    id: int
    file_name: str
    file_sha256: str
    source: str
    mapping: str
    status: str
    read: int
    created: int
    updated: int
    unchanged: int
    skipped: int
    skipped_reasons: dict[str, int]
    rejected: int
    rejections: list[RejectionOut]


def import_report(contact_import: ContactImport) -> dict[str, Any]:
    """An import as the API shows it (the first thousand rejections)."""
    return {
        "id": contact_import.pk,
        "file_name": contact_import.file_name,
        "file_sha256": contact_import.file_sha256,
        "source": contact_import.source,
        "mapping": contact_import.mapping,
        "status": contact_import.status,
        "read": contact_import.read,
        "created": contact_import.created,
        "updated": contact_import.updated,
        "unchanged": contact_import.unchanged,
        "skipped": contact_import.skipped,
        "skipped_reasons": contact_import.skipped_reasons,
        "rejected": contact_import.rejected,
        "rejections": [
            {"row": r.row_number, "column": r.column, "reason": r.reason}
            for r in contact_import.rejections.all()[:MAX_REJECTIONS_SHOWN]
        ],
    }


@router.post(
    "/councils/{slug}/contact-imports",
    response={201: ImportOut},
    summary="Import a file of contact records (CSV, or any export a shipped mapping reads)",
)
def create_import(
    request: HttpRequest,
    slug: str,
    file: File[UploadedFile],
    source: Form[str] = "",
    mapping: Form[str] = "",
) -> tuple[int, dict[str, Any]]:
    council = council_for(request.user, slug)
    require(request.user, "import_contacts", council)
    parsed = None
    if mapping:
        path = shipped_mapping(mapping)
        if path is None:
            raise HttpError(400, f"no shipped mapping called {mapping!r}")
        try:
            parsed = load_mapping(path)
        except MappingError as error:
            raise HttpError(400, f"mapping {mapping}: {error}") from error
    try:
        result = import_contacts_stream(
            actor=request.user,
            council=council,
            stream=file.file,
            file_name=file.name or "upload.csv",
            source=source or None,
            mapping=parsed,
            mapping_name=mapping,
        )
    except ReadError as error:
        raise HttpError(400, f"the file cannot be read: {error}") from error
    return 201, import_report(result.contact_import)


@router.get(
    "/councils/{slug}/contact-imports/{import_id}",
    response=ImportOut,
    summary="What an import created, updated, skipped and rejected",
)
def get_import(request: HttpRequest, slug: str, import_id: int) -> dict[str, Any]:
    council = council_for(request.user, slug)
    require(request.user, "import_contacts", council)
    contact_import = ContactImport.objects.filter(council=council, pk=import_id).first()
    if contact_import is None:
        raise HttpError(404, "no such import")
    return import_report(contact_import)
