"""SMS texts: Vietnamese without diacritics (``govid.diacritics``), checked to fit one GSM-7
segment."""

from __future__ import annotations

from govid.diacritics import unaccent

__all__ = ["SEGMENT", "fits_one_segment", "gsm7_length", "unaccent"]

SEGMENT = 160

# GSM 03.38 basic character set; the extension characters below cost two septets each.
_GSM_BASIC = set(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
_GSM_EXTENDED = set("^{}\\[~]|€\f")


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
