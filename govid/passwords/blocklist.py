"""Is a password among the common and breached ones (data/common-passwords.txt)?

The list is sorted by byte value and searched in place through mmap (a binary search over
lines): no process loads its 887,273 entries, and the operating system shares the pages.
"""

from __future__ import annotations

import mmap
from functools import cache
from pathlib import Path

LIST = Path(__file__).resolve().parent / "data" / "common-passwords.txt"
SHORTEST = 6  # the list's shortest entries


@cache
def _mapped(path: Path) -> mmap.mmap:
    with path.open("rb") as file:
        return mmap.mmap(file.fileno(), 0, access=mmap.ACCESS_READ)


def _line_at(data: mmap.mmap, offset: int) -> tuple[int, bytes]:
    """The line that contains byte ``offset``: its start and its text."""
    start = data.rfind(b"\n", 0, offset) + 1
    end = data.find(b"\n", offset)
    return start, data[start : end if end >= 0 else len(data)]


def listed(word: str, path: Path = LIST) -> bool:
    """Whether ``word`` (compared as is) is a line of the sorted list at ``path``."""
    needle = word.encode("utf-8", "surrogatepass")
    if b"\n" in needle or not needle:
        return False
    data = _mapped(path)
    low, high = 0, len(data)  # the answer, if any, is a line starting in [low, high)
    while low < high:
        start, line = _line_at(data, (low + high) // 2)
        if line == needle:
            return True
        if line < needle:
            low = start + len(line) + 1
        else:
            high = start
    return False


def variants(password: str) -> set[str]:
    """What is looked up: the password lowered, and lowered without its symbols and spaces
    (``P@ssw0rd!2024`` is ``passw0rd2024``: crackers add symbols to listed passwords)."""
    lowered = password.lower()
    core = "".join(c for c in lowered if c.isalnum())
    return {v for v in (lowered.strip(), core) if len(v) >= SHORTEST}


def is_common(password: str) -> bool:
    return any(listed(v) for v in variants(password))
