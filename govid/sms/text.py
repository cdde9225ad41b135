"""SMS texts: Vietnamese without diacritics, checked to fit one GSM-7 segment."""

from __future__ import annotations

import unicodedata

SEGMENT = 160

# GSM 03.38 basic character set; the extension characters below cost two septets each.
_GSM_BASIC = set(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
_GSM_EXTENDED = set("^{}\\[~]|€\f")


def unaccent(text: str) -> str:
    """``Mã xác nhận đã đổi`` -> ``Ma xac nhan da doi`` (đ/Đ are letters of their own)."""
    text = text.replace("đ", "d").replace("Đ", "D")
    decomposed = unicodedata.normalize("NFD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def gsm7_length(text: str) -> int | None:
    """Septets the text needs in GSM-7, or None if a character is outside GSM-7."""
    length = 0
    for char in text:
        if char in _GSM_BASIC:
            length += 1
        elif char in _GSM_EXTENDED:
            length += 2
        else:
            return None
    return length


def fits_one_segment(text: str) -> bool:
    length = gsm7_length(text)
    return length is not None and length <= SEGMENT
