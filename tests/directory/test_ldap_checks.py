"""GOVID_DIRECTORY=ldap is refused at start until its configuration can work."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from govid.directory.checks import check_directory, check_ldap
from govid.directory.conf import BACKENDS, LIBRARIES
from tests.test_configuration import check

ROOT = Path(__file__).resolve().parents[2]

COMPLETE = {
    "url": "ldaps://ldap.soctrang.gov.vn",
    "bind_dn": "cn=govid,ou=services,dc=soctrang,dc=gov,dc=vn",
    "bind_password": "Dich-vu#govid-2026",
    "base_dn": "ou=people,dc=soctrang,dc=gov,dc=vn",
}
ENVIRONMENT = {f"GOVID_LDAP_{key.upper()}": value for key, value in COMPLETE.items()}


def test_an_incomplete_ldap_configuration_stops_the_start_naming_each_missing_variable(tmp_path):
    result = check(tmp_path, GOVID_DIRECTORY="ldap", GOVID_LDAP_URL="ldap://127.0.0.1:1")
    assert result.returncode != 0
    for name in ("GOVID_LDAP_BIND_DN", "GOVID_LDAP_BIND_PASSWORD", "GOVID_LDAP_BASE_DN"):
        assert f"GOVID_DIRECTORY=ldap needs {name}" in result.stderr
    assert "needs GOVID_LDAP_URL" not in result.stderr


def test_the_embedded_default_needs_no_ldap_variable(settings):
    settings.GOVID_LDAP = {}
    assert check_ldap() == []


def test_a_complete_configuration_passes(settings):
    settings.GOVID_DIRECTORY = {"backend": "ldap"}
    settings.GOVID_LDAP = COMPLETE
    assert check_ldap() == []


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"url": "http://ldap.soctrang.gov.vn"}, "use ldap://, ldaps:// or ldapi://"),
        ({"start_tls": "1"}, "GOVID_LDAP_START_TLS=1 goes with ldap://, not ldaps://"),
        ({"ca_file": "/nonexistent/ca.pem"}, "GOVID_LDAP_CA_FILE='/nonexistent/ca.pem' is not"),
        ({"user_filter": "(mail=*)"}, "GOVID_LDAP_USER_FILTER must contain {login} or {local}"),
        ({"locks": "ppolicy,novell"}, "GOVID_LDAP_LOCKS: novell; use ad, ppolicy, zimbra"),
        ({"password_set": "plain"}, "GOVID_LDAP_PASSWORD_SET must be exop or unicodepwd"),
        (
            {"url": "ldap://dc1", "password_set": "unicodepwd"},
            "GOVID_LDAP_PASSWORD_SET=unicodepwd (Active Directory) needs ldaps:// or ",
        ),
        ({"pool_size": "0"}, "must be at least 1"),
        ({"bind_passwrd": "x"}, "Unknown GOVID_LDAP option(s): GOVID_LDAP_BIND_PASSWRD"),
    ],
)
def test_an_unworkable_ldap_configuration_is_refused(settings, options, message):
    settings.GOVID_DIRECTORY = {"backend": "ldap"}
    settings.GOVID_LDAP = {**COMPLETE, **options}
    errors = check_ldap()
    assert any(message in error.msg for error in errors), [error.msg for error in errors]


@pytest.mark.parametrize("backend", ["ldap", BACKENDS["ldap"]])
def test_without_python_ldap_the_check_says_how_to_install_it(settings, monkeypatch, backend):
    monkeypatch.setitem(__import__("sys").modules, "ldap", None)  # as on a `make run` venv
    settings.GOVID_DIRECTORY = {"backend": backend}
    settings.GOVID_LDAP = COMPLETE
    assert check_ldap() == []  # said once, by check_directory
    [error] = check_directory()
    assert error.id == "govid.E011"
    assert f"GOVID_DIRECTORY={backend} needs python-ldap, which is not installed" in error.msg
    assert "`make run GOVID_DIRECTORY=ldap`" in error.msg
    assert "`.venv/bin/pip install -c constraints.txt -e '.[ldap]'`" in error.msg
    assert "libldap2-dev libsasl2-dev" in error.msg


def without_python_ldap(tmp_path: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    """manage.py in a Python where `import ldap` fails, as in a venv without the extra."""
    site = tmp_path / "site"
    site.mkdir(exist_ok=True)
    (site / "sitecustomize.py").write_text("import sys\nsys.modules['ldap'] = None\n")
    full = {**os.environ, "GOVID_VAR_DIR": str(tmp_path), "PYTHONPATH": str(site), **env}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=full,
        capture_output=True,
        text=True,
        check=False,
    )


def test_the_start_without_python_ldap_names_the_package_and_the_command(tmp_path):
    result = without_python_ldap(tmp_path, "check", GOVID_DIRECTORY="ldap", **ENVIRONMENT)
    assert result.returncode != 0
    assert (
        "GOVID_DIRECTORY=ldap needs python-ldap, which is not installed: run "
        "`make run GOVID_DIRECTORY=ldap`"
    ) in result.stderr
    assert "pip install -c constraints.txt -e '.[ldap]'" in result.stderr
    # Not "'ldap' is not a directory backend ... one of ldap, memory, sql" in the same breath.
    assert "is not a directory backend" not in result.stderr
    assert result.stderr.count("python-ldap") == 1


def test_without_python_ldap_the_valid_backends_say_which_needs_it(tmp_path):
    result = without_python_ldap(tmp_path, "check", GOVID_DIRECTORY="ldpa")
    assert "GOVID_DIRECTORY='ldpa' is not a directory backend" in result.stderr
    assert "one of ad (needs python-ldap), ldap (needs python-ldap), memory, sql" in result.stderr


def test_with_python_ldap_the_valid_backends_are_plain_names(tmp_path):
    result = check(tmp_path, GOVID_DIRECTORY="ldpa")
    assert "one of ad, ldap, memory, sql" in result.stderr


def test_the_libraries_debian_packages_are_the_makefiles(tmp_path):
    """The message quotes the packages `make run GOVID_DIRECTORY=ldap` installs."""
    makefile = (ROOT / "Makefile").read_text()
    [listed] = re.findall(r"^LDAP_BUILD_DEBS := (.*)$", makefile, re.MULTILINE)
    assert tuple(listed.split()) == LIBRARIES["ldap"].debs
