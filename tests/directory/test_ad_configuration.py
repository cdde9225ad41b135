"""GOVID_DIRECTORY=ad: the GOVID_LDAP_* variables with Active Directory's defaults, checked at
start, installed by `make run` as the ldap backend is."""

from __future__ import annotations

import subprocess
from pathlib import Path

from govid.directory.backends.ad import AdDirectory
from govid.directory.checks import check_directory, check_ldap
from govid.directory.conf import UNICODEPWD, AdSettings, ldap_settings
from tests.test_configuration import check

ROOT = Path(__file__).resolve().parents[2]
COMPLETE = {
    "url": "ldaps://dc1.soctrang.local",
    "bind_dn": "CN=govid-svc,OU=Services,DC=soctrang,DC=local",
    "bind_password": "Govid#Svc2024r",
    "base_dn": "OU=Mailboxes,DC=soctrang,DC=local",
}


def test_ad_reads_the_ldap_variables_with_ads_defaults(settings):
    settings.GOVID_DIRECTORY = {"backend": "ad"}
    settings.GOVID_LDAP = COMPLETE
    conf = ldap_settings()
    assert isinstance(conf, AdSettings)
    assert (conf.login_attribute, conf.uid_attribute) == ("mail", "sAMAccountName")
    assert conf.locks == ("ad",) and conf.password_set == UNICODEPWD
    assert conf.policy_hints is False
    assert "(sAMAccountName={local})" in conf.user_filter
    assert check_ldap() == [] and check_directory() == []


def test_an_ad_variable_overrides_the_default(settings):
    settings.GOVID_DIRECTORY = {"backend": "ad"}
    settings.GOVID_LDAP = {**COMPLETE, "phone_attribute": "telephoneNumber", "policy_hints": "1"}
    conf = ldap_settings()
    assert conf.phone_attribute == "telephoneNumber" and conf.policy_hints is True
    assert AdDirectory(conf).conf is conf


def test_ad_over_plain_ldap_is_refused_naming_the_variables(settings):
    settings.GOVID_DIRECTORY = {"backend": "ad"}
    settings.GOVID_LDAP = {**COMPLETE, "url": "ldap://dc1.soctrang.local"}
    [error] = check_ldap()
    assert "GOVID_LDAP_PASSWORD_SET=unicodepwd (Active Directory) needs ldaps:// or " in error.msg
    assert "GOVID_LDAP_START_TLS=1" in error.msg


def test_policy_hints_go_only_with_unicodepwd(settings):
    settings.GOVID_DIRECTORY = {"backend": "ldap"}
    settings.GOVID_LDAP = {**COMPLETE, "policy_hints": "1"}
    messages = [error.msg for error in check_ldap()]
    assert "GOVID_LDAP_POLICY_HINTS=1 goes with GOVID_LDAP_PASSWORD_SET=unicodepwd" in messages


def test_an_incomplete_ad_configuration_stops_the_start(tmp_path):
    result = check(tmp_path, GOVID_DIRECTORY="ad", GOVID_LDAP_URL="ldaps://127.0.0.1")
    assert result.returncode != 0
    for name in ("GOVID_LDAP_BIND_DN", "GOVID_LDAP_BIND_PASSWORD", "GOVID_LDAP_BASE_DN"):
        assert f"GOVID_DIRECTORY=ad needs {name}" in result.stderr


def test_without_python_ldap_ad_says_how_to_install_it(settings, monkeypatch):
    monkeypatch.setitem(__import__("sys").modules, "ldap", None)
    settings.GOVID_DIRECTORY = {"backend": "govid.directory.backends.ad.AdDirectory"}
    settings.GOVID_LDAP = COMPLETE
    [error] = check_directory()
    assert error.id == "govid.E011"
    assert "needs python-ldap, which is not installed" in error.msg
    assert "`make run GOVID_DIRECTORY=ad`" in error.msg


def test_make_run_on_ad_installs_python_ldap_before_starting():
    steps = subprocess.run(
        ["make", "-n", "-B", "setup", "GOVID_DIRECTORY=ad"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.splitlines()
    extra = next(n for n, step in enumerate(steps) if "-e '.[ldap]'" in step)
    start = next(n for n, step in enumerate(steps) if "manage.py collectstatic" in step)
    assert extra < start


def test_the_suite_installs_samba_from_debian():
    makefile = (ROOT / "Makefile").read_text()
    debs = makefile.split("TEST_DEBS :=", 1)[1].split("\n\n", 1)[0]
    for package in ("samba", "samba-ad-dc", "samba-ad-provision", "samba-dsdb-modules"):
        assert f" {package}" in debs.replace("\\\n", " ")
