"""`manage.py demo` (what `make setup` and `make run` end with) on any directory: accounts only
in govid's own SQL directory; on the mail system's LDAP (a real slapd) one line says what was
skipped and why, roles go only to the demo accounts it holds, and it exits 0."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from govid.demo.client import CLIENT_ID
from govid.demo.data import STAFF, load_demo
from govid.directory.api import get_directory
from tests.servers import free_port
from tests.servers.slapd import Slapd

ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "Cu@Matkhau2025"
SKIP_LINE = "demo: GOVID_DIRECTORY=ldap: no demo account created in that directory"
COUNTS = (
    "from govid.directory.models import StoredAccount\n"
    "from oauth2_provider.models import Application\n"
    "print(StoredAccount.objects.count(), "
    "list(Application.objects.values_list('client_id', flat=True)))"
)


def manage(var_dir: Path, env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    """manage.py as `make setup` runs it, on a SQLite database of its own under ``var_dir``."""
    full = {**os.environ, "GOVID_VAR_DIR": str(var_dir), **env}
    for own in ("GOVID_DATABASE_URL", "GOVID_REDIS_URL", "DJANGO_SETTINGS_MODULE"):
        full.pop(own, None)  # the suite's PostgreSQL and Redis are pytest's
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=full,
        capture_output=True,
        text=True,
        check=False,
    )


def set_up(var_dir: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """`make setup`'s database steps, then `manage.py demo`; the demo's outcome."""
    for step in (["migrate", "--noinput", "-v0"], ["createcachetable"]):
        done = manage(var_dir, env, *step)
        assert done.returncode == 0, done.stderr
    return manage(var_dir, env, "demo")


def roles(var_dir: Path, env: dict[str, str]) -> dict[str, set[str]]:
    listed = manage(var_dir, env, "staff", "list")
    assert listed.returncode == 0, listed.stderr
    found: dict[str, set[str]] = {}
    for grant in json.loads(listed.stdout):
        found.setdefault(grant["login"], set()).add(grant["role"])
    return found


@pytest.fixture
def directory(slapd: Slapd) -> dict[str, str]:
    """A part of the mail directory holding two of the demo's staff accounts (of the four)."""
    base = slapd.container("CQT-TTCNS")
    for uid in ("quantri", "kiemtra"):
        slapd.add_person(f"ou=CQT-TTCNS,{base}", uid, password=PASSWORD, mobile=["0393000111"])
    return slapd.environment(base_dn=base)


def test_on_ldap_the_demo_says_in_one_line_what_it_skipped_and_exits_0(tmp_path, directory):
    result = set_up(tmp_path, directory)
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    lines = result.stdout.splitlines()
    [skip] = [line for line in lines if line.startswith("demo: ")]
    assert skip.startswith(SKIP_LINE), skip
    assert "only in its own SQL directory" in skip
    assert (
        "back-office roles granted only to the demo accounts it holds: quantri (provider_admin), "
        "kiemtra (auditor); not held: daumoi.p1, vhtt.tpst"
    ) in skip
    assert lines[-1].startswith("demo data: ")


def test_on_ldap_roles_go_only_to_the_demo_accounts_the_directory_holds(tmp_path, directory):
    assert set_up(tmp_path, directory).returncode == 0
    assert roles(tmp_path, directory) == {
        "quantri@soctrang.gov.vn": {"provider_admin"},
        "kiemtra@soctrang.gov.vn": {"auditor"},
    }
    # No account written anywhere for the directory's sake; the demo relying party is there.
    counts = manage(tmp_path, directory, "shell", "-v0", "-c", COUNTS)
    assert counts.stdout.split(" ", 1) == ["0", f"['{CLIENT_ID}']\n"], counts.stderr


def test_on_ldap_a_second_run_adds_nothing_and_says_the_same(tmp_path, directory):
    first = set_up(tmp_path, directory)
    second = manage(tmp_path, directory, "demo")
    assert second.returncode == 0, second.stderr
    assert second.stdout.splitlines() == [first.stdout.splitlines()[0], "demo data: 0 row(s) added"]


def test_a_directory_holding_no_demo_account_gets_no_role_and_no_traceback(tmp_path, slapd):
    env = slapd.environment(base_dn=slapd.container())
    result = set_up(tmp_path, env)
    assert result.returncode == 0, result.stderr
    staff = ", ".join(local for local, _role, _units in STAFF)
    assert f"granted only to the demo accounts it holds: none of {staff}" in result.stdout
    assert roles(tmp_path, env) == {}


def test_a_directory_that_does_not_answer_gets_no_role_and_no_traceback(tmp_path, slapd):
    env = {**slapd.environment(), "GOVID_LDAP_URL": f"ldap://127.0.0.1:{free_port()}"}
    result = set_up(tmp_path, env)
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    [skip] = [line for line in result.stdout.splitlines() if line.startswith("demo: ")]
    assert "the directory did not answer" in skip
    assert "no back-office role granted" in skip
    assert roles(tmp_path, env) == {}


def test_on_the_sql_directory_every_demo_account_and_role_is_there_and_nothing_is_skipped(db):
    loaded = load_demo("soctrang.gov.vn")
    assert loaded.skipped == ""
    assert loaded.added > 0
    for local, _role, _units in STAFF:
        assert get_directory().find(f"{local}@soctrang.gov.vn") is not None
    assert load_demo("soctrang.gov.vn").added == 0
