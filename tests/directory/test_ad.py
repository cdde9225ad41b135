"""GOVID_DIRECTORY=ad against a real Active Directory (a Samba AD DC, tests/servers/samba_ad.py):
what the contract does not say about AD itself."""

from __future__ import annotations

import logging
from collections.abc import Iterator

import ldap
import pytest

from govid.directory.backends.ad import EPOCH, AdDirectory
from govid.directory.base import AccountLocked, DirectoryUnavailable, PasswordRefused
from tests.servers.samba_ad import (
    DISABLED,
    LOCKED,
    LOCKOUT,
    MAILBOXES,
    NOMOBILE,
    SERVICE_DN,
    SERVICE_PASSWORD,
    STARTTLS_URL,
    USER1,
    SambaAd,
    unicode_pwd,
)

pytestmark = pytest.mark.once

PASSWORD = "Cu@Matkhau2025"
NEW_PASSWORD = "Moi#Matkhau2026"


@pytest.fixture
def ad(samba_ad: SambaAd) -> Iterator[AdDirectory]:
    directory = AdDirectory(samba_ad.settings(), mail_domain="soctrang.gov.vn")
    yield directory
    directory.close()


@pytest.fixture
def container(samba_ad: SambaAd) -> Iterator[str]:
    dn = samba_ad.container()
    yield dn
    samba_ad.remove(dn)


def test_the_seeded_mailbox_is_found_by_address_and_by_bare_name(ad):
    by_address = ad.find(USER1.mail)
    assert by_address is not None
    assert (by_address.name, by_address.phone) == (USER1.name, "+84393555121")
    assert by_address.unit_code == "Mailboxes" and by_address.locked is False
    # The AD's own UPN (@soctrang.local) is not a login: the mail domain's addresses are.
    assert ad.find(USER1.upn) is None
    nomobile = ad.find(NOMOBILE.mail)
    assert nomobile is not None and nomobile.phone is None


@pytest.mark.parametrize("seeded", [LOCKED, DISABLED], ids=["locked out", "disabled"])
def test_a_locked_out_or_disabled_user_is_locked_and_a_reset_is_refused(ad, samba_ad, seeded):
    account = ad.find(seeded.mail)
    assert account is not None and account.locked
    with pytest.raises(AccountLocked):
        ad.set_password(account, NEW_PASSWORD)
    assert ad.authenticate(seeded.mail, seeded.password) is None
    computed, control = samba_ad.read(
        seeded.dn, "msDS-User-Account-Control-Computed", "userAccountControl"
    )
    assert bool(computed & LOCKOUT) == (seeded is LOCKED)
    assert bool(control & 2) == (seeded is DISABLED)


def test_ad_itself_does_not_unlock_on_a_reset(samba_ad, container):
    """What makes govid's check before writing necessary: AD resets a locked-out user's
    password and leaves the lockout in place (as govid must: it writes nothing then)."""
    dn = samba_ad.add_user(container, "khoa.reset", password=PASSWORD)
    samba_ad.lock_out(dn)
    conn = samba_ad.connect()
    conn.simple_bind_s(SERVICE_DN, SERVICE_PASSWORD)
    conn.modify_s(dn, [(ldap.MOD_REPLACE, "unicodePwd", [unicode_pwd(NEW_PASSWORD)])])
    conn.unbind_s()
    [computed] = samba_ad.read(dn, "msDS-User-Account-Control-Computed")
    assert computed & LOCKOUT
    assert not samba_ad.binds(dn, NEW_PASSWORD)


def test_the_new_password_binds_over_ldaps_and_starttls_and_the_old_one_fails(samba_ad, container):
    dn = samba_ad.add_user(container, "an.moi", password=PASSWORD, mobile="0393555122")
    directory = AdDirectory(samba_ad.settings(base_dn=container), mail_domain="soctrang.gov.vn")
    account = directory.find("an.moi@soctrang.gov.vn")
    assert account is not None
    directory.set_password(account, NEW_PASSWORD)
    assert samba_ad.binds(dn, NEW_PASSWORD)
    assert samba_ad.binds(dn, NEW_PASSWORD, url=STARTTLS_URL)
    assert not samba_ad.binds(dn, PASSWORD)
    directory.close()


def test_starttls_serves_the_same_as_ldaps(samba_ad, container):
    dn = samba_ad.add_user(container, "an.starttls", password=PASSWORD)
    conf = samba_ad.settings(base_dn=container, url=STARTTLS_URL, start_tls=True)
    directory = AdDirectory(conf, mail_domain="soctrang.gov.vn")
    account = directory.find("an.starttls@soctrang.gov.vn")
    assert account is not None
    directory.set_password(account, NEW_PASSWORD)
    assert samba_ad.binds(dn, NEW_PASSWORD)
    directory.close()


def test_plain_ldap_is_refused_by_ad_and_told_as_unavailable(samba_ad, caplog):
    directory = AdDirectory(samba_ad.settings(url=STARTTLS_URL), mail_domain="soctrang.gov.vn")
    with caplog.at_level(logging.ERROR), pytest.raises(DirectoryUnavailable):
        directory.find(USER1.mail)
    assert SERVICE_PASSWORD not in caplog.text
    directory.close()


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("Ab#1x", "Mật khẩu quá ngắn so với quy định của hệ thống thư điện tử."),
        ("abcdefghij", "Mật khẩu chưa đủ mạnh theo quy định của hệ thống thư điện tử:"),
    ],
    ids=["too short", "complexity"],
)
def test_ads_refusals_carry_0000052d_and_become_clear_messages(
    samba_ad, container, password, message
):
    dn = samba_ad.add_user(container, "an.yeu", password=PASSWORD)
    directory = AdDirectory(samba_ad.settings(base_dn=container), mail_domain="soctrang.gov.vn")
    account = directory.find("an.yeu@soctrang.gov.vn")
    assert account is not None
    with pytest.raises(PasswordRefused) as refused:
        directory.set_password(account, password)
    assert refused.value.messages[0].startswith(message)
    assert samba_ad.binds(dn, PASSWORD)
    directory.close()


def test_policy_hints_are_refused_by_samba_and_nothing_is_written(samba_ad, container, caplog):
    """Windows DCs (and Samba from 4.24) apply history and minimum age to a reset with this
    control; Samba 4.17 answers result 12 (test_ad_policy_hints.py): govid then says the
    directory is unavailable and names the variable."""
    dn = samba_ad.add_user(container, "an.hints", password=PASSWORD)
    conf = samba_ad.settings(base_dn=container, policy_hints=True)
    directory = AdDirectory(conf, mail_domain="soctrang.gov.vn")
    account = directory.find("an.hints@soctrang.gov.vn")
    assert account is not None
    with caplog.at_level(logging.ERROR), pytest.raises(DirectoryUnavailable):
        directory.set_password(account, NEW_PASSWORD)
    assert "GOVID_LDAP_POLICY_HINTS" in caplog.text
    assert NEW_PASSWORD not in caplog.text
    assert samba_ad.binds(dn, PASSWORD)
    directory.close()


def test_the_service_account_holds_only_the_delegated_rights(samba_ad):
    conn = samba_ad.connect()
    conn.simple_bind_s(SERVICE_DN, SERVICE_PASSWORD)
    with pytest.raises(ldap.INSUFFICIENT_ACCESS):
        conn.modify_s(USER1.dn, [(ldap.MOD_REPLACE, "description", [b"x"])])
    admin = f"CN=Administrator,CN=Users,{MAILBOXES.split(',', 1)[1]}"
    with pytest.raises(ldap.INSUFFICIENT_ACCESS):
        conn.modify_s(admin, [(ldap.MOD_REPLACE, "unicodePwd", [unicode_pwd(NEW_PASSWORD)])])
    conn.unbind_s()


def test_expiry_is_none_for_a_password_that_never_expires_and_past_when_it_must_change(
    samba_ad, container
):
    from datetime import timedelta

    dn = samba_ad.add_user(container, "an.hethan", password=PASSWORD)
    directory = AdDirectory(samba_ad.settings(base_dn=container), mail_domain="soctrang.gov.vn")
    account = directory.find("an.hethan@soctrang.gov.vn")
    assert account is not None
    samba_ad.set_max_password_age(timedelta(days=42))
    try:
        assert directory.password_expires(account) is not None
        samba_ad.modify(dn, [(ldap.MOD_REPLACE, "pwdLastSet", [b"0"])])  # must change at logon
        assert directory.password_expires(account) == EPOCH
        samba_ad.modify(dn, [(ldap.MOD_REPLACE, "userAccountControl", [b"%d" % 0x10200])])
        assert directory.password_expires(account) is None  # DONT_EXPIRE_PASSWORD
    finally:
        samba_ad.set_max_password_age(None)
        directory.close()
