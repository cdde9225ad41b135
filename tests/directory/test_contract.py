"""One contract for every directory backend: the in-memory double, SQL and LDAP (a real slapd)."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest

from govid.directory.backends.ldap import LdapDirectory
from govid.directory.backends.memory import MemoryDirectory
from govid.directory.backends.sql import SqlDirectory
from govid.directory.base import Account, AccountLocked, Directory
from govid.directory.models import StoredAccount
from govid.directory.provision import add_account
from tests.servers.slapd import Slapd

PASSWORD = "Cu@Matkhau2025"
MakeAccount = Callable[..., Account]


def _memory() -> tuple[Directory, MakeAccount]:
    directory = MemoryDirectory()

    def make(login: str, *, phone: str | None = "+84393555121", locked: bool = False) -> Account:
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

    def make(login: str, *, phone: str | None = "+84393555121", locked: bool = False) -> Account:
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


def _ldap(slapd: Slapd) -> tuple[Directory, MakeAccount]:
    container = slapd.container("MYTU-VHTT")
    directory = LdapDirectory(slapd.settings(base_dn=container), mail_domain="soctrang.gov.vn")

    def make(login: str, *, phone: str | None = "+84393555121", locked: bool = False) -> Account:
        slapd.add_person(
            f"ou=MYTU-VHTT,{container}",
            login.split("@")[0],
            mail=[login],
            password=PASSWORD,
            mobile=[phone] if phone else [],
            locked=locked,
        )
        found = directory.find(login)
        assert found is not None
        return found

    return directory, make


@pytest.fixture(params=["memory", "sql", "ldap"])
def backend(request: pytest.FixtureRequest, units: None) -> Iterator[tuple[Directory, MakeAccount]]:
    if request.param == "ldap":
        directory, make = _ldap(request.getfixturevalue("slapd"))
        yield directory, make
        assert isinstance(directory, LdapDirectory)
        directory.close()
    else:
        yield _memory() if request.param == "memory" else _sql()


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
