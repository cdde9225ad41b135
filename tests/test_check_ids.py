"""Each system check message id belongs to one module, so that an operator who reads
``govid.E401`` in a start's refusal finds the one setting it is about."""

from __future__ import annotations

import re
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1] / "govid"
CHECK_ID = re.compile(r"""id=["'](govid\.[EW]\d{3})["']""")


def test_no_check_id_is_used_by_two_modules():
    owners: dict[str, set[str]] = defaultdict(set)
    for path in ROOT.rglob("*.py"):
        for check_id in CHECK_ID.findall(path.read_text(encoding="utf-8")):
            owners[check_id].add(str(path.relative_to(ROOT)))
    assert owners, "no check ids found: the pattern no longer matches the code"
    shared = {check_id: sorted(paths) for check_id, paths in owners.items() if len(paths) > 1}
    assert shared == {}
