"""Every URL govid serves, with sample values in its parameters (for header checks, the crawler)."""

from __future__ import annotations

import re
from collections.abc import Iterator

from django.urls import URLPattern, URLResolver, get_resolver
from django.urls.resolvers import RegexPattern, RoutePattern

SAMPLES = {
    "int": "1",
    "uuid": "3f2b8a52-9c1e-4c7e-9d0a-7f5e2c1b4a60",
    "str": "x",
    "slug": "x",
    "path": "1",
}


def _concrete(pattern: RoutePattern | RegexPattern | object, samples: dict[str, str]) -> str:
    """One path that the pattern matches, with sample values in its parameters."""
    if isinstance(pattern, RoutePattern):
        route = str(pattern)
        return re.sub(r"<(?:(\w+):)?\w+>", lambda m: samples.get(m.group(1) or "str", "x"), route)
    regex = str(getattr(pattern, "_regex", ""))
    # Admin's app list: (?P<app_label>auth|sso|...) -> the first choice.
    regex = re.sub(r"\(\?P<\w+>([^|)]+)[^)]*\)", r"\1", regex)
    return regex.lstrip("^").rstrip("$").replace(".*", "x").replace("\\", "")


def _walk(
    patterns: list[URLPattern | URLResolver], prefix: str, samples: dict[str, str]
) -> Iterator[tuple[str, str]]:
    for entry in patterns:
        here = prefix + _concrete(entry.pattern, samples)
        if isinstance(entry, URLResolver):
            yield from _walk(entry.url_patterns, here, samples)
        else:
            yield here, entry.name or ""


def every_url(*, object_id: str = "1") -> list[tuple[str, str]]:
    """(path, URL name) for every route, each path once; ``object_id`` in ids and paths."""
    samples = {**SAMPLES, "int": object_id, "path": object_id}
    seen: dict[str, str] = {}
    for path, name in _walk(get_resolver().url_patterns, "/", samples):
        seen.setdefault(path, name)
    return sorted(seen.items())
