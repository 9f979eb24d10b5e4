"""Qualification documents: what is accepted and how it is cleaned (SPEC §5: uploads are checked
for what they really are). PDFs are kept as uploaded after a content check; photos and scans are
re-encoded through marketplace.core.images, which drops their metadata (EXIF, GPS)."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from marketplace.core import images
from marketplace.core.errors import DomainError

MAX_DOCUMENT_BYTES = 10 * 1024 * 1024
# Active content a qualification document has no business carrying.
PDF_FORBIDDEN = (b"/JavaScript", b"/JS ", b"/JS(", b"/Launch", b"/EmbeddedFile", b"/RichMedia")


@dataclass(frozen=True)
class CleanDocument:
    content: bytes
    content_type: str
    extension: str


def clean_document(upload) -> CleanDocument:
    size = getattr(upload, "size", None)
    if size is not None and size > MAX_DOCUMENT_BYTES:
        raise DomainError(
            _("The file is too large: at most %(mb)s MB.")
            % {"mb": MAX_DOCUMENT_BYTES // (1024 * 1024)},
            code="file_too_large",
            field="file",
        )
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    if head.startswith(b"%PDF-"):
        data = upload.read(MAX_DOCUMENT_BYTES + 1)
        if len(data) > MAX_DOCUMENT_BYTES:
            raise DomainError(_("The file is too large."), code="file_too_large", field="file")
        if b"%%EOF" not in data[-2048:]:
            raise DomainError(
                _("This PDF is damaged or incomplete."), code="unreadable", field="file"
            )
        if any(marker in data for marker in PDF_FORBIDDEN):
            raise DomainError(
                _("This PDF contains scripts or attachments; upload a plain scan or photo."),
                code="active_content",
                field="file",
            )
        return CleanDocument(content=data, content_type="application/pdf", extension="pdf")
    if images.sniff_format(head) is None:
        raise DomainError(
            _("Upload a PDF, JPEG, PNG or WebP file; this file is none of those."),
            code="file_type",
            field="file",
        )
    try:
        content = images.clean_document_image(upload, max_bytes=MAX_DOCUMENT_BYTES)
    except images.ImageRejected as error:
        raise DomainError(error.message, code=error.code, field="file") from error
    return CleanDocument(content=content, content_type="image/jpeg", extension="jpg")
