"""Solving a challenge as a browser (or a patient attacker) would: the proof of work itself."""

from __future__ import annotations

import html
import json
import re
from typing import Any

import altcha


def solve(challenge: dict[str, Any]) -> str:
    """The widget's payload for ``challenge``: the counter found by brute force."""
    parsed = altcha.Challenge.from_dict(challenge)
    solution = altcha.solve_challenge(parsed, timeout=60)
    assert solution is not None
    return altcha.Payload(parsed, solution).to_base64()


def challenge_in(page: str) -> dict[str, Any] | None:
    """The challenge the forgot page carries in its widget, if it shows one."""
    found = re.search(r'<altcha-widget[^>]* challenge="([^"]+)"', page)
    return json.loads(html.unescape(found.group(1))) if found else None
