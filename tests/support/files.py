"""Files the tests upload or read back: the smallest PNG, and the text of a PDF's pages."""

from __future__ import annotations

import io

import pypdf

# A 1×1 RGBA PNG: a real image by its signature, small enough to write out here.
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082"
)


def pdf_text(pdf: bytes) -> list[str]:
    """The text of each page of a PDF, as pypdf extracts it."""
    return [page.extract_text() for page in pypdf.PdfReader(io.BytesIO(pdf)).pages]
