"""GOVID_DIRECTORY=ldap is refused at start until its configuration can work."""

from __future__ import annotations

import pytest

from govid.directory.checks import check_ldap
from tests.test_configuration import check

COMPLETE = {
    "url": "ldaps://ldap.soctrang.gov.vn",
    "bind_dn": "cn=govid,ou=services,dc=soctrang,dc=gov,dc=vn",
    "bind_password": "Dich-vu#govid-2026",
    "base_dn": "ou=people,dc=soctrang,dc=gov,dc=vn",
}


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
            "GOVID_LDAP_PASSWORD_SET=unicodepwd needs ldaps:// or START_TLS",
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


def test_without_python_ldap_the_check_says_how_to_install_it(settings, monkeypatch):
    monkeypatch.setitem(__import__("sys").modules, "ldap", None)  # as on a `make run` venv
    settings.GOVID_DIRECTORY = {"backend": "ldap"}
    settings.GOVID_LDAP = COMPLETE
    [error] = check_ldap()
    assert "needs python-ldap" in error.msg
    assert "libldap2-dev" in error.hint
