"""Every audit test seals with a known key and publishes into its own file."""

from __future__ import annotations

from pathlib import Path

import pytest

KEY = "test-audit-key-0123456789abcdef0123456789abcdef"
OLD_KEY = "older-audit-key-fedcba9876543210fedcba9876543210"


@pytest.fixture(autouse=True)
def head_file(settings, tmp_path) -> Path:
    path = tmp_path / "audit-heads.jsonl"
    settings.GOVID_AUDIT = {"key": KEY, "head_file": str(path)}
    return path
