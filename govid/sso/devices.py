"""A browser's User-Agent in plain words for the account page ("Chrome trên Android")."""

from __future__ import annotations

import re

from django.utils.translation import gettext as _

# First match wins: Edge and Opera say "Chrome" too, Chrome says "Safari", iPads say "Mac".
_BROWSERS = (
    (re.compile(r"Edg(e|A|iOS)?/"), "Edge"),
    (re.compile(r"OPR/|Opera"), "Opera"),
    (re.compile(r"CocCoc|coc_coc"), "Cốc Cốc"),
    (re.compile(r"Zalo"), "Zalo"),
    (re.compile(r"Firefox/|FxiOS/"), "Firefox"),
    (re.compile(r"Chrome/|CriOS/|Chromium/"), "Chrome"),
    (re.compile(r"Safari/"), "Safari"),
)
_SYSTEMS = (
    (re.compile(r"Android"), "Android"),
    (re.compile(r"iPhone"), "iPhone"),
    (re.compile(r"iPad"), "iPad"),
    (re.compile(r"Windows"), "Windows"),
    (re.compile(r"Mac OS X|Macintosh"), "macOS"),
    (re.compile(r"CrOS"), "ChromeOS"),
    (re.compile(r"Linux"), "Linux"),
)


def _first(table: tuple[tuple[re.Pattern[str], str], ...], agent: str) -> str | None:
    return next((name for pattern, name in table if pattern.search(agent)), None)


def describe_agent(agent: str) -> str:
    """The browser and the system it runs on, or a plain "unknown" for anything else."""
    browser, system = _first(_BROWSERS, agent), _first(_SYSTEMS, agent)
    if browser and system:
        return _("%(browser)s trên %(system)s") % {"browser": browser, "system": system}
    return browser or system or _("Trình duyệt không xác định")
