"""LdapDirectory on a real slapd with ppolicy: what the contract cannot say for every backend."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from govid.directory.backends.ldap import LdapDirectory
from govid.directory.base import Account, AccountLocked, PasswordRefused
from govid.directory.conf import UNICODEPWD
from tests.servers.slapd import PERMANENT_LOCK, Slapd

PASSWORD = "Cu@Matkhau2025"
NEW_PASSWORD = "Moi#Matkhau2026"
UNIT = "MYTU-VHTT"


@dataclass
class Place:
    """One test's corner of the directory: its own ou, a directory configured on it."""

    slapd: Slapd
    base: str
    directory: LdapDirectory

    def person(self, uid: str, **kwargs) -> str:
        kwargs.setdefault("password", PASSWORD)
        return self.slapd.add_person(f"ou={UNIT},{self.base}", uid, **kwargs)

    def account(self, login: str) -> Account:
        found = self.directory.find(login)
        assert found is not None
        return found

    def configured(self, **overrides) -> LdapDirectory:
        conf = self.slapd.settings(base_dn=self.base, **overrides)
        return LdapDirectory(conf, mail_domain="soctrang.gov.vn")


@pytest.fixture
def place(running_slapd: Slapd):
    base = running_slapd.container(UNIT)
    settings = running_slapd.settings(base_dn=base)
    directory = LdapDirectory(settings, mail_domain="soctrang.gov.vn")
    yield Place(running_slapd, base, directory)
    directory.close()


def test_the_directory_hashes_the_new_password_never_a_clear_text_user_password(place):
    dn = place.person("an.nguyen")
    place.directory.set_password(place.account("an.nguyen@soctrang.gov.vn"), NEW_PASSWORD)
    stored = place.slapd.read(dn, "userPassword")["userpassword"]
    assert len(stored) == 1
    assert stored[0].startswith(b"{SSHA}")
    assert NEW_PASSWORD.encode() not in stored[0]
    assert place.slapd.binds(dn, NEW_PASSWORD)
    assert not place.slapd.binds(dn, PASSWORD)


def test_the_directory_policy_refuses_a_password_too_short_for_it(place):
    dn = place.person("an.nguyen")
    account = place.account("an.nguyen@soctrang.gov.vn")
    with pytest.raises(PasswordRefused) as refused:
        place.directory.set_password(account, "Ngan#Mk2026")  # 11: govid takes it, slapd not
    assert refused.value.messages == ["Mật khẩu quá ngắn so với quy định của hệ thống thư điện tử."]
    assert place.slapd.binds(dn, PASSWORD)


def test_the_directory_policy_refuses_a_password_from_its_history(place):
    dn = place.person("an.nguyen")
    account = place.account("an.nguyen@soctrang.gov.vn")
    place.directory.set_password(account, NEW_PASSWORD)
    for again in (NEW_PASSWORD, PASSWORD):  # the current one, and the one before
        with pytest.raises(PasswordRefused) as refused:
            place.directory.set_password(account, again)
        assert refused.value.messages == [
            "Mật khẩu này đã được dùng gần đây. Vui lòng chọn mật khẩu khác."
        ]
    assert place.slapd.binds(dn, NEW_PASSWORD)


def test_openldap_itself_deletes_an_administrators_lock_on_a_password_change(place):
    """Why the lock is checked before writing: the root DN (no ACL) changes the password of a
    locked entry, and ppolicy silently unlocks it."""
    dn = place.person("cuong.le", locked=True)
    assert place.slapd.read(dn, "pwdAccountLockedTime")["pwdaccountlockedtime"] == [PERMANENT_LOCK]
    place.slapd.admin().passwd_s(dn, None, NEW_PASSWORD)
    assert "pwdaccountlockedtime" not in place.slapd.read(dn, "pwdAccountLockedTime")


def test_a_locked_entry_is_refused_before_anything_is_written_and_stays_locked(place):
    dn = place.person("cuong.le", locked=True)
    account = place.account("cuong.le@soctrang.gov.vn")
    assert account.locked
    with pytest.raises(AccountLocked):
        place.directory.set_password(account, NEW_PASSWORD)
    assert place.slapd.read(dn, "pwdAccountLockedTime")["pwdaccountlockedtime"] == [PERMANENT_LOCK]


class LockedRightAfterTheCheck(LdapDirectory):
    """An administrator locks the entry in the instant between govid's check and its write."""

    def _refuse_if_locked(self, conn, account):
        super()._refuse_if_locked(conn, account)
        self.slapd.lock(account.key)


def test_a_lock_that_lands_between_the_check_and_the_write_still_stops_it(place):
    dn = place.person("an.nguyen")
    racing = LockedRightAfterTheCheck(place.slapd.settings(base_dn=place.base))
    racing.slapd = place.slapd
    account = racing.find("an.nguyen@soctrang.gov.vn")
    assert account is not None and not account.locked
    with pytest.raises(AccountLocked):
        racing.set_password(account, NEW_PASSWORD)
    racing.close()
    assert place.slapd.read(dn, "pwdAccountLockedTime")["pwdaccountlockedtime"] == [PERMANENT_LOCK]
    place.directory.set_locked(account, False)  # only to look: the password did not change
    assert place.slapd.binds(dn, PASSWORD)


def test_an_account_locked_out_by_failed_binds_counts_as_locked(place):
    dn = place.person("an.nguyen")
    for _ in range(5):  # the policy's pwdMaxFailure
        assert not place.slapd.binds(dn, "Sai@Matkhau2025")
    account = place.account("an.nguyen@soctrang.gov.vn")
    assert account.locked
    with pytest.raises(AccountLocked):
        place.directory.set_password(account, NEW_PASSWORD)
    assert "pwdaccountlockedtime" in place.slapd.read(dn, "pwdAccountLockedTime")


def test_the_first_valid_mobile_among_several_values_is_the_phone(place):
    place.person(
        "an.nguyen", mobile=["0299 3 888 999", "+1 202 555 0100", "0393 555 121", "0912345678"]
    )
    assert place.account("an.nguyen@soctrang.gov.vn").phone == "+84393555121"


def test_set_phone_writes_the_mobile_back_and_removes_it(place):
    dn = place.person("vnpt_testvpdt3")
    account = place.account("vnpt_testvpdt3@soctrang.gov.vn")
    assert account.phone is None
    place.directory.set_phone(account, "+84912345678")
    assert place.slapd.read(dn, "mobile")["mobile"] == [b"+84912345678"]
    assert place.account(account.login).phone == "+84912345678"
    place.directory.set_phone(account, None)
    assert "mobile" not in place.slapd.read(dn, "mobile")
    place.directory.set_phone(account, None)  # already gone: no error


def test_the_unit_is_the_entry_ou_or_the_configured_attribute(place):
    place.person("an.nguyen", extra={"departmentNumber": ["MYTU-HHN"]})
    assert place.account("an.nguyen@soctrang.gov.vn").unit_code == UNIT
    by_attribute = place.configured(unit_attribute="departmentNumber")
    assert by_attribute.find("an.nguyen@soctrang.gov.vn").unit_code == "MYTU-HHN"
    by_attribute.close()


def test_the_bare_account_name_finds_the_entry_but_another_domain_does_not(place):
    place.person("binh.tran", mail=["tran.thi.binh@soctrang.gov.vn"], name="Trần Thị Bình")
    account = place.account("binh.tran@soctrang.gov.vn")  # by uid, as the seed types it
    assert account.login == "tran.thi.binh@soctrang.gov.vn"  # one canonical login: the mail
    assert account.name == "Trần Thị Bình"
    assert place.directory.find("binh.tran@evil.example") is None
    assert place.directory.find("tran.thi.binh@soctrang.gov.vn") == account


def test_display_name_comes_before_cn(place):
    place.person("an.nguyen", name="Nguyen Van An", extra={"displayName": ["Nguyễn Văn An"]})
    assert place.account("an.nguyen@soctrang.gov.vn").name == "Nguyễn Văn An"


def test_two_entries_answering_to_one_address_are_refused_as_unknown(place, caplog):
    place.person("an.nguyen")
    place.person("an.nguyen.2", mail=["an.nguyen@soctrang.gov.vn"])
    assert place.directory.find("an.nguyen@soctrang.gov.vn") is None
    assert "2 LDAP entries answer to an.nguyen@soctrang.gov.vn" in caplog.text


def test_a_filter_injection_in_the_login_finds_nothing(place):
    place.person("an.nguyen")
    assert place.directory.find("*@soctrang.gov.vn") is None
    assert place.directory.find("an.nguyen)(uid=*@soctrang.gov.vn") is None


def test_zimbra_account_status_is_the_lock_when_configured(place):
    dn = place.person("cuong.le", extra={"zimbraAccountStatus": ["locked"]})
    zimbra = place.configured(locks=("zimbra",))
    account = zimbra.find("cuong.le@soctrang.gov.vn")
    assert account.locked
    with pytest.raises(AccountLocked):
        zimbra.set_password(account, NEW_PASSWORD)
    zimbra.set_locked(account, False)
    assert place.slapd.read(dn, "zimbraAccountStatus")["zimbraaccountstatus"] == [b"active"]
    zimbra.set_password(account, NEW_PASSWORD)
    assert place.slapd.binds(dn, NEW_PASSWORD)
    zimbra.close()


def test_active_directory_flags_are_the_lock_when_configured(place):
    disabled = place.person("cuong.le", extra={"userAccountControl": ["514"]})
    place.person("an.nguyen", extra={"userAccountControl": ["512"], "lockoutTime": ["1337"]})
    place.person("binh.tran", extra={"userAccountControl": ["512"], "lockoutTime": ["0"]})
    ad = place.configured(locks=("ad",))
    assert ad.find("cuong.le@soctrang.gov.vn").locked
    assert ad.find("an.nguyen@soctrang.gov.vn").locked
    account = ad.find("binh.tran@soctrang.gov.vn")
    assert not account.locked
    ad.set_locked(ad.find("cuong.le@soctrang.gov.vn"), False)
    assert place.slapd.read(disabled, "userAccountControl")["useraccountcontrol"] == [b"512"]
    ad.set_locked(account, True)
    assert ad.find("binh.tran@soctrang.gov.vn").locked
    ad.close()


def test_the_active_directory_password_is_written_as_quoted_utf16(place):
    dn = place.person("an.nguyen")
    ad = place.configured(password_set=UNICODEPWD)
    ad.set_password(ad.find("an.nguyen@soctrang.gov.vn"), "Mới#Matkhau2026")
    stored = place.slapd.read(dn, "unicodePwd")["unicodepwd"]
    assert stored == ['"Mới#Matkhau2026"'.encode("utf-16-le")]
    ad.close()


def test_an_empty_password_never_verifies(place):
    place.person("an.nguyen")
    assert not place.directory.verify_password(place.account("an.nguyen@soctrang.gov.vn"), "")


def test_expiry_reads_the_default_policy_named_by_the_setting(place):
    """An entry without pwdPolicySubentry follows slapd's ppolicy_default, which clients cannot
    read: GOVID_LDAP_PASSWORD_POLICY_DN names it."""
    from datetime import UTC, datetime, timedelta

    from tests.servers.slapd import BASE

    policy = f"cn=expiry-{place.base.split(',')[0][3:]},ou=policies,{BASE}"
    conn = place.slapd.admin()
    conn.add_s(
        policy,
        [
            ("objectClass", [b"pwdPolicy", b"device"]),
            ("cn", [policy.split(",")[0][3:].encode()]),
            ("pwdAttribute", [b"userPassword"]),
            ("pwdMaxAge", [b"3600"]),
        ],
    )
    conn.unbind_s()
    place.person("an.nguyen")
    account = place.account("an.nguyen@soctrang.gov.vn")
    before = datetime.now(UTC).replace(microsecond=0)
    place.directory.set_password(account, NEW_PASSWORD)
    assert place.directory.password_expires(account) is None  # no policy named, none of its own
    directory = place.configured(password_policy_dn=policy)
    expires = directory.password_expires(account)
    assert expires is not None
    assert before + timedelta(hours=1) <= expires <= datetime.now(UTC) + timedelta(hours=1)
    directory.close()
