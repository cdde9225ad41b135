"""An audit configuration that cannot work is refused at start, naming the variable."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest


def check(tmp_path, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "manage.py", "check"],
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "GOVID_VAR_DIR": str(tmp_path), **env},
    )


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"GOVID_AUDIT_KEY": "short"}, "GOVID_AUDIT_KEY: an audit key needs at least 32"),
        ({"GOVID_AUDIT_KEY_FALLBACKS": "x" * 40 + ",old"}, "GOVID_AUDIT_KEY_FALLBACKS"),
        ({"GOVID_AUDIT_PUBLISH_EVERY": "0"}, "GOVID_AUDIT_PUBLISH_EVERY must be >= 1 second"),
        ({"GOVID_AUDIT_PUBLISH_EVERY": "often"}, "GOVID_AUDIT_PUBLISH_EVERY"),
        ({"GOVID_AUDIT_KEYS": "x" * 40}, "Unknown GOVID_AUDIT option(s): GOVID_AUDIT_KEYS"),
    ],
)
def test_a_bad_audit_configuration_is_refused_at_start(tmp_path, env, message):
    result = check(tmp_path, **env)
    assert result.returncode != 0
    assert message in result.stderr


def test_a_long_enough_key_passes(tmp_path):
    result = check(tmp_path, GOVID_AUDIT_KEY="k" * 32, GOVID_AUDIT_KEY_FALLBACKS="o" * 40)
    assert result.returncode == 0, result.stderr
