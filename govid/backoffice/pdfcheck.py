"""Is an upload really a PDF? Header, trailer and cross-reference, checked without a parser."""

from __future__ import annotations

import re

_HEADER = re.compile(rb"%PDF-[12]\.\d")
_STARTXREF = re.compile(rb"startxref\s+(\d+)\s+%%EOF\s*$")
# What a cross-reference offset points at: a classic table or a cross-reference stream object.
_XREF_AT = re.compile(rb"xref\b|\d+\s+\d+\s+obj\b")


def looks_like_pdf(content: bytes) -> bool:
    """A PDF starts with ``%PDF-x.y``, ends with ``startxref N %%EOF``, and N points at its
    cross-reference; a renamed picture or document passes none of the three."""
    header = _HEADER.search(content[:1024])
    if header is None:
        return False
    tail = _STARTXREF.search(content[-2048:])
    if tail is None:
        return False
    # Offsets count from the header, which may follow some junk (the spec allows 1024 bytes).
    offset = header.start() + int(tail.group(1))
    return offset < len(content) and _XREF_AT.match(content, offset) is not None
