"""Vietnamese without diacritics: for SMS texts (GSM-7) and for matching what people type."""

from __future__ import annotations

import unicodedata


def unaccent(text: str) -> str:
    """``Mã xác nhận đã đổi`` -> ``Ma xac nhan da doi`` (đ/Đ are letters of their own)."""
    text = text.replace("đ", "d").replace("Đ", "D")
    decomposed = unicodedata.normalize("NFD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c))
