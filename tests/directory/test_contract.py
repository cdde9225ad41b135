"""One contract for every directory backend: the in-memory double, SQL, LDAP (a real slapd) and
Active Directory (a real Samba AD DC)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from govid.directory.backends.ad import AdDirectory
from govid.directory.backends.ldap import LdapDirectory
from govid.directory.backends.memory import MemoryDirectory
from govid.directory.backends.sql import SqlDirectory
from govid.directory.backends.zimbra import ZimbraDirectory
from govid.directory.base import Account, AccountLocked, Directory, PasswordRefused
from govid.directory.models import StoredAccount
from govid.directory.provision import add_account
from tests.servers.samba_ad import SambaAd
from tests.servers.slapd import BASE, Slapd
from tests.servers.zimbra import Zimbra

PASSWORD = "Cu@Matkhau2025"
MakeAccount = Callable[..., Account]


@dataclass
class Backend:
    """A directory under test, ``make(login, phone=, locked=, bare=)`` to add accounts to it
    (``bare``: known by its account name only, no mail address), and what its own policy does.
    Unpacks as ``directory, make``."""

    directory: Directory
    make: MakeAccount
    # Sets the directory's maximum password age (None: never expires); None: it has no such rule.
    max_age: Callable[[timedelta | None], None] | None = None
    # A password the directory's own policy refuses, and what the user is told; None: no policy.
    refused: tuple[str, str] | None = None

    def __iter__(self) -> Iterator[Any]:
        return iter((self.directory, self.make))


def _memory() -> tuple[Directory, MakeAccount]:
    directory = MemoryDirectory()

    def make(
        login: str, *, phone: str | None = "+84393555121", locked: bool = False, bare: bool = False
    ) -> Account:
        account = Account(
            key=login,
            login=login,
            name="Nguyễn Văn An",
            unit_code="MYTU-VHTT",
            unit_name="Phòng Văn hóa và Thông tin",
            phone=phone,
            locked=locked,
        )
        return directory.add(account, PASSWORD)

    return directory, make


def _sql() -> tuple[Directory, MakeAccount]:
    directory = SqlDirectory()

    def make(
        login: str, *, phone: str | None = "+84393555121", locked: bool = False, bare: bool = False
    ) -> Account:
        add_account(
            login,
            name="Nguyễn Văn An",
            unit="MYTU-VHTT",
            phone=phone,
            password=PASSWORD,
            actor="test",
        )
        StoredAccount.objects.filter(login=login).update(locked=locked)
        found = directory.find(login)
        assert found is not None
        return found

    return directory, make


def _ldap(slapd: Slapd) -> Backend:
    container = slapd.container("MYTU-VHTT")
    # The accounts' own ppolicy (pwdPolicySubentry), a copy of the default, for the expiry case.
    policy = f"cn={container.split(',')[0][3:]},ou=policies,{BASE}"
    conn = slapd.admin()
    conn.add_s(
        policy,
        [
            ("objectClass", [b"pwdPolicy", b"device"]),
            ("cn", [policy.split(",")[0][3:].encode()]),
            ("pwdAttribute", [b"userPassword"]),
            ("pwdMinLength", [b"12"]),
            ("pwdCheckQuality", [b"2"]),
            ("pwdInHistory", [b"3"]),
        ],
    )
    conn.unbind_s()
    conf = slapd.settings(base_dn=container)
    directory = LdapDirectory(conf, mail_domain="soctrang.gov.vn")

    def make(
        login: str, *, phone: str | None = "+84393555121", locked: bool = False, bare: bool = False
    ) -> Account:
        slapd.add_person(
            f"ou=MYTU-VHTT,{container}",
            login.split("@")[0],
            mail=[] if bare else [login],
            password=PASSWORD,
            mobile=[phone] if phone else [],
            locked=locked,
            extra={"pwdPolicySubentry": [policy]},
        )
        found = directory.find(login)
        assert found is not None
        return found

    def max_age(age: timedelta | None) -> None:
        import ldap

        seconds = [str(int(age.total_seconds())).encode()] if age else [b"0"]
        conn = slapd.admin()
        conn.modify_s(policy, [(ldap.MOD_REPLACE, "pwdMaxAge", seconds)])
        conn.unbind_s()

    too_short = "Mật khẩu quá ngắn so với quy định của hệ thống thư điện tử."
    return Backend(directory, make, max_age=max_age, refused=("Ngan#2026ab", too_short))


def _ad(samba: SambaAd) -> Backend:
    container = samba.container("MYTU-VHTT")
    directory = AdDirectory(samba.settings(base_dn=container), mail_domain="soctrang.gov.vn")

    def make(
        login: str, *, phone: str | None = "+84393555121", locked: bool = False, bare: bool = False
    ) -> Account:
        dn = samba.add_user(
            f"OU=MYTU-VHTT,{container}",
            login.split("@")[0],
            password=PASSWORD,
            mail=None if bare else login,
            mobile=phone or "",
        )
        if locked:
            samba.lock_out(dn)  # as AD locks: bad passwords up to the domain's threshold
        found = directory.find(login)
        assert found is not None
        return found

    complexity = (
        "Mật khẩu chưa đủ mạnh theo quy định của hệ thống thư điện tử: cần có ít nhất ba trong "
        "bốn loại ký tự (chữ hoa, chữ thường, chữ số, ký tự đặc biệt) và không được chứa tên "
        "tài khoản."
    )
    return Backend(
        directory, make, max_age=samba.set_max_password_age, refused=("abcdefghij", complexity)
    )


def _zimbra(server: Zimbra) -> Backend:
    """Zimbra's admin SOAP API, through the stand-in of tests/servers/zimbra.py."""
    directory = ZimbraDirectory(server.settings(), mail_domain="soctrang.gov.vn")

    def make(
        login: str, *, phone: str | None = "+84393555121", locked: bool = False, bare: bool = False
    ) -> Account:
        mobile = {"mobile": phone} if phone else {}
        status = "locked" if locked else "active"
        server.add_account(
            login, PASSWORD, status=status, displayName="Nguyễn Văn An", ou="MYTU-VHTT", **mobile
        )
        found = directory.find(login)
        assert found is not None
        return found

    def max_age(age: timedelta | None) -> None:
        server.cos["zimbraPasswordMaxAge"] = str(age.days) if age else "0"

    too_short = "Mật khẩu quá ngắn so với quy định của hệ thống thư điện tử."
    return Backend(directory, make, max_age=max_age, refused=("Ngan#26", too_short))


BACKENDS = ["memory", "sql", "ldap", pytest.param("ad", marks=pytest.mark.once)]


@pytest.fixture(params=[*BACKENDS, pytest.param("zimbra", marks=pytest.mark.once)])
def backend(request: pytest.FixtureRequest, units: None) -> Iterator[Backend]:
    if request.param == "ldap":
        backend = _ldap(request.getfixturevalue("slapd"))
        yield backend
        assert isinstance(backend.directory, LdapDirectory)
        backend.directory.close()
    elif request.param == "ad":
        samba = request.getfixturevalue("samba_ad")
        backend = _ad(samba)
        try:
            yield backend
        finally:
            assert isinstance(backend.directory, AdDirectory)
            backend.directory.close()
            samba.set_max_password_age(None)
            samba.remove(backend.directory.conf.base_dn)  # account names are domain-wide
    elif request.param == "zimbra":
        yield _zimbra(request.getfixturevalue("zimbra"))
    else:
        yield Backend(*(_memory() if request.param == "memory" else _sql()))


def test_find_returns_the_account_with_its_unit_and_phone(backend):
    directory, make = backend
    make("an.nguyen@soctrang.gov.vn")
    account = directory.find("an.nguyen@soctrang.gov.vn")
    assert account is not None
    assert account.name == "Nguyễn Văn An"
    assert account.unit_code == "MYTU-VHTT"
    assert account.phone == "+84393555121"
    assert account.locked is False
    assert account.local_part == "an.nguyen"


def test_find_returns_none_for_an_unknown_login(backend):
    directory, _make = backend
    assert directory.find("nobody@soctrang.gov.vn") is None


def test_verify_password_accepts_only_the_current_password(backend):
    directory, make = backend
    account = make("an.nguyen@soctrang.gov.vn")
    assert directory.verify_password(account, PASSWORD)
    assert not directory.verify_password(account, PASSWORD.lower())
    assert not directory.verify_password(account, "")


def test_set_password_replaces_the_old_one(backend):
    directory, make = backend
    account = make("an.nguyen@soctrang.gov.vn")
    directory.set_password(account, "Moi#Matkhau2026")
    assert directory.verify_password(account, "Moi#Matkhau2026")
    assert not directory.verify_password(account, PASSWORD)


def test_set_password_on_a_locked_account_changes_nothing(backend):
    directory, make = backend
    account = make("cuong.le@soctrang.gov.vn", locked=True)
    with pytest.raises(AccountLocked):
        directory.set_password(account, "Moi#Matkhau2026")
    found = directory.find(account.login)
    assert found is not None and found.locked
    # A locked directory entry answers no bind: unlock, only to see the old password stayed.
    directory.set_locked(account, False)
    assert directory.verify_password(account, PASSWORD)


def test_lock_checked_at_the_moment_of_writing_not_when_read(backend):
    directory, make = backend
    account = make("an.nguyen@soctrang.gov.vn")  # read while unlocked
    directory.set_locked(account, True)  # locked by an administrator meanwhile
    with pytest.raises(AccountLocked):
        directory.set_password(account, "Moi#Matkhau2026")
    assert directory.find(account.login).locked
    directory.set_locked(account, False)
    assert directory.verify_password(account, PASSWORD)


def test_lock_and_unlock(backend):
    directory, make = backend
    account = make("an.nguyen@soctrang.gov.vn")
    directory.set_locked(account, True)
    assert directory.find(account.login).locked is True
    directory.set_locked(account, False)
    assert directory.find(account.login).locked is False


def test_set_phone_records_and_removes_the_mobile(backend):
    directory, make = backend
    account = make("vnpt_testvpdt3@soctrang.gov.vn", phone=None)
    assert directory.find(account.login).phone is None
    directory.set_phone(account, "+84912345678")
    assert directory.find(account.login).phone == "+84912345678"
    directory.set_phone(account, None)
    assert directory.find(account.login).phone is None


def test_authenticate_refuses_wrong_password_locked_and_unknown(backend):
    directory, make = backend
    make("an.nguyen@soctrang.gov.vn")
    make("cuong.le@soctrang.gov.vn", locked=True)
    assert directory.authenticate("an.nguyen@soctrang.gov.vn", PASSWORD) is not None
    assert directory.authenticate("an.nguyen@soctrang.gov.vn", "Sai@Matkhau1") is None
    assert directory.authenticate("cuong.le@soctrang.gov.vn", PASSWORD) is None
    assert directory.authenticate("nobody@soctrang.gov.vn", PASSWORD) is None


def test_accounts_in_lists_the_units_accounts_by_login(backend):
    directory, make = backend
    make("vnpt_testvpdt3@soctrang.gov.vn", phone=None)
    make("an.nguyen@soctrang.gov.vn")
    listed = directory.accounts_in(["MYTU-VHTT"])
    assert [a.login for a in listed] == [
        "an.nguyen@soctrang.gov.vn",
        "vnpt_testvpdt3@soctrang.gov.vn",
    ]
    assert listed[1].phone is None and listed[0].unit_code == "MYTU-VHTT"
    assert directory.accounts_in(["MYTU"]) == []
    assert directory.accounts_in([]) == []


def test_find_many_reads_the_accounts_that_exist_by_login(backend):
    directory, make = backend
    make("an.nguyen@soctrang.gov.vn")
    make("vnpt_testvpdt3@soctrang.gov.vn", phone=None)
    found = directory.find_many(["an.nguyen@soctrang.gov.vn", "nobody@soctrang.gov.vn", "system"])
    assert list(found) == ["an.nguyen@soctrang.gov.vn"]
    assert found["an.nguyen@soctrang.gov.vn"] == directory.find("an.nguyen@soctrang.gov.vn")
    assert directory.find_many([]) == {}


def test_find_by_bare_account_name_completes_the_mail_domain(backend):
    directory, make = backend
    make("vnpt_testvpdt3@soctrang.gov.vn", phone=None, bare=True)
    account = directory.find("vnpt_testvpdt3@soctrang.gov.vn")
    assert account is not None
    assert account.login == "vnpt_testvpdt3@soctrang.gov.vn"
    assert directory.find("vnpt_testvpdt3@cantho.gov.vn") is None


def test_a_reset_leaves_the_lock_state_as_it_was(backend):
    directory, make = backend
    account = make("an.nguyen@soctrang.gov.vn")
    directory.set_password(account, "Moi#Matkhau2026")
    assert directory.find(account.login).locked is False
    locked = make("cuong.le@soctrang.gov.vn", locked=True)
    with pytest.raises(AccountLocked):
        directory.set_password(locked, "Moi#Matkhau2026")
    assert directory.find(locked.login).locked is True
    assert not directory.verify_password(locked, "Moi#Matkhau2026")


def test_the_directorys_own_policy_refusal_changes_nothing(backend):
    directory, make = backend
    account = make("an.nguyen@soctrang.gov.vn")
    if backend.refused is None:
        pytest.skip("no password policy of its own: govid's rules apply (govid.passwords)")
    password, message = backend.refused
    with pytest.raises(PasswordRefused) as refused:
        directory.set_password(account, password)
    assert refused.value.messages == [message]
    assert directory.verify_password(account, PASSWORD)
    assert not directory.verify_password(account, password)


def test_password_expires_after_the_directorys_maximum_age(backend):
    directory, make = backend
    account = make("an.nguyen@soctrang.gov.vn")
    assert directory.password_expires(account) is None  # no maximum age (yet)
    if backend.max_age is None:
        return
    backend.max_age(timedelta(days=90))
    before = datetime.now(UTC).replace(microsecond=0)
    directory.set_password(account, "Moi#Matkhau2026")
    after = datetime.now(UTC)
    expires = directory.password_expires(account)
    assert expires is not None and expires.tzinfo is not None
    assert before + timedelta(days=90) - timedelta(seconds=1) <= expires
    assert expires <= after + timedelta(days=90) + timedelta(seconds=1)
    backend.max_age(None)
    assert directory.password_expires(account) is None
