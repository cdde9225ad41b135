"""`make run` installs what the chosen directory needs before anything starts; the embedded
default stays as light as it is. Read from make's own plan (`make -n -B`: print every step,
run none)."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from govid.directory.conf import BACKENDS

ROOT = Path(__file__).resolve().parents[2]
LDAP_DEBS = "scripts/apt-install.sh gcc libc6-dev python3-dev libldap2-dev libsasl2-dev"
LDAP_EXTRA = "pip install -q -c constraints.txt -e '.[ldap]'"
FIRST_START = "manage.py collectstatic"  # the first step that loads govid (and its checks)


def plan(target: str, *assignments: str) -> list[str]:
    env = {key: value for key, value in os.environ.items() if key != "GOVID_DIRECTORY"}
    result = subprocess.run(
        ["make", "-n", "-B", target, *assignments],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    return result.stdout.splitlines()


def index(steps: list[str], part: str) -> int:
    return next(n for n, step in enumerate(steps) if part in step)


@pytest.mark.parametrize("backend", ["ldap", BACKENDS["ldap"]])
def test_make_run_on_ldap_installs_the_build_packages_and_the_extra_before_starting(backend):
    steps = plan("run", f"GOVID_DIRECTORY={backend}")
    assert index(steps, LDAP_DEBS) < index(steps, LDAP_EXTRA) < index(steps, FIRST_START)
    assert index(steps, "manage.py demo") < index(steps, "deploy/serve.py")


def test_the_variable_from_the_environment_counts_as_on_the_command_line():
    env_steps = subprocess.run(
        ["make", "-n", "-B", "setup"],
        cwd=ROOT,
        env={**os.environ, "GOVID_DIRECTORY": "ldap"},
        capture_output=True,
        text=True,
        check=True,
    ).stdout.splitlines()
    assert env_steps == plan("setup", "GOVID_DIRECTORY=ldap")


def test_the_embedded_default_installs_nothing_of_ldap():
    for steps in (plan("run"), plan("run", "GOVID_DIRECTORY=sql")):
        assert not any(LDAP_EXTRA in step or "libldap2-dev" in step for step in steps)
        assert any(FIRST_START in step for step in steps)
