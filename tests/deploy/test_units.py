"""The shipped systemd units and environment file: valid as systemd reads them, and enough for
govid's own checks to pass."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.e2e.conftest import ROOT

SYSTEMD = ROOT / "deploy" / "systemd"
ENV_EXAMPLE = ROOT / "deploy" / "govid.env.example"
BIN = Path(sys.executable).parent


def units_here(folder: Path) -> list[Path]:
    """The units with /srv/govid moved to this checkout (where `make test` built .venv)."""
    copies = []
    for unit in sorted(SYSTEMD.glob("*.service")):
        text = unit.read_text().replace("/srv/govid/.venv/bin", str(BIN))
        copy = folder / unit.name
        copy.write_text(text.replace("/srv/govid", str(ROOT)))
        copies.append(copy)
    return copies


def environment_file() -> dict[str, str]:
    lines = [line for line in ENV_EXAMPLE.read_text().splitlines() if line and line[0] != "#"]
    return dict(line.split("=", 1) for line in lines)


def test_units_pass_systemd_analyze_verify(tmp_path):
    analyze = shutil.which("systemd-analyze")
    if analyze is None:
        pytest.fail("systemd-analyze is missing: `make test` installs Debian's systemd")
    units = units_here(tmp_path)
    assert {unit.name for unit in units} == {"govid.service", "govid-worker.service"}
    result = subprocess.run(
        [analyze, "verify", "--man=no", *map(str, units)], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr


def test_the_worker_unit_runs_the_worker_the_web_processes_leave_the_sms_to():
    worker = (SYSTEMD / "govid-worker.service").read_text()
    assert "ExecStart=/srv/govid/.venv/bin/python manage.py worker" in worker
    assert "EnvironmentFile=/etc/govid/govid.env" in worker
    assert environment_file()["GOVID_TASKS_WORKER"] == "external"


def test_the_web_unit_runs_the_deployment_checks_before_it_serves():
    web = (SYSTEMD / "govid.service").read_text()
    check = "ExecStartPre=/srv/govid/.venv/bin/python manage.py check --deploy --database default"
    assert web.index(check) < web.index("ExecStart=/srv/govid/.venv/bin/python deploy/serve.py")


def test_the_example_configuration_passes_the_deployment_checks(tmp_path):
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("GOVID_")},
        **environment_file(),
        "GOVID_VAR_DIR": str(tmp_path),  # instead of /srv/govid/var
        "GOVID_SECRET_KEY": "x" * 20 + "-production-like-key-" + "y" * 20,
    }
    env.pop("DJANGO_SETTINGS_MODULE", None)
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "ERROR"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr + result.stdout
