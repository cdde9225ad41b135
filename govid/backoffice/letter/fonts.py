"""The letter's fonts: Liberation Serif from Debian, registered once with ReportLab."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from reportlab.lib.fonts import addMapping
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

FAMILY = "GovidSerif"
FONT_FILES = {
    "": "LiberationSerif-Regular.ttf",
    "-Bold": "LiberationSerif-Bold.ttf",
    "-Italic": "LiberationSerif-Italic.ttf",
    "-BoldItalic": "LiberationSerif-BoldItalic.ttf",
}


@cache
def register_fonts(font_dir: str) -> str:
    """Embed the four faces (subset) and map <b>/<i> to them; returns the family name.

    Raises FileNotFoundError when the font package is missing.
    """
    for suffix, filename in FONT_FILES.items():
        path = Path(font_dir) / filename
        if not path.is_file():
            raise FileNotFoundError(str(path))
        pdfmetrics.registerFont(TTFont(FAMILY + suffix, str(path)))
    addMapping(FAMILY, 0, 0, FAMILY)
    addMapping(FAMILY, 1, 0, FAMILY + "-Bold")
    addMapping(FAMILY, 0, 1, FAMILY + "-Italic")
    addMapping(FAMILY, 1, 1, FAMILY + "-BoldItalic")
    return FAMILY
