"""ZimbraDirectory against the stand-in of Zimbra's SOAP services (tests/servers/zimbra.py):
what the contract does not cover: tokens, statuses, the policy's refusals, outages, TLS."""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta

import pytest

from govid.directory.backends import zimbra as zimbra_backend
from govid.directory.backends.zimbra import ZimbraDirectory
from govid.directory.backends.zimbra_soap import ACCOUNT, SoapFault, child, element
from govid.directory.base import AccountLocked, DirectoryUnavailable, PasswordRefused
from tests.servers import free_port
from tests.servers.zimbra import Zimbra

pytestmark = pytest.mark.once
PASSWORD = "Cu@Matkhau2025"
LOGIN = "an.nguyen@soctrang.gov.vn"


def directory_for(zimbra: Zimbra, **overrides: object) -> ZimbraDirectory:
    return ZimbraDirectory(zimbra.settings(**overrides), mail_domain="soctrang.gov.vn")


def test_an_expired_admin_token_is_renewed_once_and_the_request_goes_through(zimbra):
    zimbra.add_account(LOGIN, PASSWORD, displayName="Nguyễn Văn An", ou="MYTU-VHTT")
    directory = directory_for(zimbra)
    assert directory.find(LOGIN) is not None
    zimbra.expire_tokens()
    account = directory.find(LOGIN)
    assert account is not None and account.name == "Nguyễn Văn An"
    assert zimbra.received == [
        "AuthRequest",
        "GetAccountRequest",
        "GetAccountRequest",  # refused: service.AUTH_EXPIRED
        "AuthRequest",
        "GetAccountRequest",
    ]


def test_a_refused_admin_account_makes_the_directory_unavailable(zimbra):
    directory = directory_for(zimbra, admin_password="not-the-password")
    with pytest.raises(DirectoryUnavailable):
        directory.find(LOGIN)


def test_a_certificate_from_an_unknown_authority_is_refused(zimbra):
    zimbra.add_account(LOGIN, PASSWORD)
    directory = directory_for(zimbra, ca_file="")  # the system's authorities only
    with pytest.raises(DirectoryUnavailable):
        directory.find(LOGIN)
    assert zimbra.received == []  # nothing was sent over the unverified connection


def test_a_server_that_does_not_answer_makes_the_directory_unavailable(zimbra):
    url = f"https://127.0.0.1:{free_port()}"
    directory = directory_for(
        zimbra, admin_url=f"{url}/service/admin/soap", user_url=f"{url}/service/soap"
    )
    with pytest.raises(DirectoryUnavailable):
        directory.find(LOGIN)


@pytest.mark.parametrize("status", ["locked", "lockout", "closed", "maintenance", "pending"])
def test_every_status_but_active_reads_as_locked_and_refuses_a_new_password(zimbra, status):
    zimbra.add_account(LOGIN, PASSWORD, status=status)
    directory = directory_for(zimbra)
    account = directory.find(LOGIN)
    assert account is not None and account.locked
    with pytest.raises(AccountLocked):
        directory.set_password(account, "Moi#Matkhau2026")
    assert zimbra.accounts[LOGIN].password == PASSWORD
    assert "SetPasswordRequest" not in zimbra.received


def test_locking_a_closed_account_leaves_it_closed(zimbra):
    zimbra.add_account(LOGIN, PASSWORD, status="closed")
    directory = directory_for(zimbra)
    directory.set_locked(directory.find(LOGIN), True)
    assert zimbra.accounts[LOGIN].attrs["zimbraAccountStatus"] == "closed"


@pytest.mark.parametrize(
    ("arrange", "password", "message"),
    [
        (
            {},
            PASSWORD,  # Zimbra's history holds the current password too
            "Mật khẩu này đã được dùng gần đây. Vui lòng chọn mật khẩu khác.",
        ),
        (
            {"zimbraPasswordMinAge": "1"},
            "Moi#Matkhau2026",
            "Mật khẩu vừa được thay đổi. Vui lòng thử lại sau.",
        ),
        (
            {},
            "moi#matkhau2026",
            "Mật khẩu chưa đủ mạnh theo quy định của hệ thống thư điện tử: cần thêm chữ hoa, "
            "chữ thường, chữ số hoặc ký tự đặc biệt.",
        ),
    ],
)
def test_zimbras_refusals_are_told_in_vietnamese_and_change_nothing(
    zimbra, arrange, password, message
):
    zimbra.add_account(LOGIN, PASSWORD, **arrange)
    directory = directory_for(zimbra)
    account = directory.find(LOGIN)
    with pytest.raises(PasswordRefused) as refused:
        directory.set_password(account, password)
    assert refused.value.messages == [message]
    assert zimbra.accounts[LOGIN].password == PASSWORD


def test_the_accounts_own_maximum_age_wins_over_its_class_of_service(zimbra):
    zimbra.cos["zimbraPasswordMaxAge"] = "90"
    zimbra.add_account(LOGIN, PASSWORD, zimbraPasswordModifiedTime="20260301120000Z")
    zimbra.add_account(
        "binh.tran@soctrang.gov.vn",
        PASSWORD,
        zimbraPasswordModifiedTime="20260301120000Z",
        zimbraPasswordMaxAge="30",
    )
    directory = directory_for(zimbra)
    changed = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
    assert directory.password_expires(directory.find(LOGIN)) == changed + timedelta(days=90)
    binh = directory.find("binh.tran@soctrang.gov.vn")
    assert directory.password_expires(binh) == changed + timedelta(days=30)
    assert "GetCosRequest" in zimbra.received


def test_an_expired_password_is_still_known_as_the_right_one(zimbra):
    zimbra.cos["zimbraPasswordMaxAge"] = "30"
    zimbra.add_account(LOGIN, PASSWORD, zimbraPasswordModifiedTime="20250101000000Z")
    directory = directory_for(zimbra)
    account = directory.find(LOGIN)
    assert directory.verify_password(account, PASSWORD)  # Zimbra: account.CHANGE_PASSWORD
    assert not directory.verify_password(account, "Sai@Matkhau1")
    assert directory.password_expires(account) < datetime.now(UTC)


def test_accounts_in_reads_every_page_of_the_search(zimbra, monkeypatch):
    monkeypatch.setattr(zimbra_backend, "PAGE_SIZE", 2)
    for n in range(5):
        zimbra.add_account(f"user{n}@soctrang.gov.vn", PASSWORD, ou="MYTU-VHTT")
    zimbra.add_account("other@soctrang.gov.vn", PASSWORD, ou="MYTU")
    zimbra.add_account("stranger@example.org", PASSWORD, ou="MYTU-VHTT")
    listed = directory_for(zimbra).accounts_in(["MYTU-VHTT"])
    assert [a.login for a in listed] == [f"user{n}@soctrang.gov.vn" for n in range(5)]
    assert zimbra.received.count("SearchDirectoryRequest") == 3


def user_auth(directory: ZimbraDirectory, login: str, password: str) -> None:
    """The person's own AuthRequest on the user service, as their mail client sends it."""
    request = element("AuthRequest", ACCOUNT)
    child(request, "account", ACCOUNT, login, by="name")
    child(request, "password", ACCOUNT, password)
    directory.user.call(request)


def test_a_recovery_ends_zimbras_must_change_so_the_chosen_password_is_kept(zimbra):
    """SetPasswordRequest deletes zimbraPasswordMustChange itself (and skips the minimum age
    while it is set): govid sends nothing more, and the person is not asked to change again."""
    zimbra.add_account(LOGIN, PASSWORD, zimbraPasswordMustChange="TRUE", zimbraPasswordMinAge="1")
    directory = directory_for(zimbra)
    with pytest.raises(SoapFault) as asked:
        user_auth(directory, LOGIN, PASSWORD)
    assert asked.value.code == "account.CHANGE_PASSWORD"
    directory.set_password(directory.find(LOGIN), "Moi#Matkhau2026")
    user_auth(directory, LOGIN, "Moi#Matkhau2026")  # an auth token, no CHANGE_PASSWORD
    assert "zimbraPasswordMustChange" not in zimbra.accounts[LOGIN].attrs
    assert "ModifyAccountRequest" not in zimbra.received


@pytest.mark.parametrize("where", ["account", "class of service"])
def test_a_locked_password_is_refused_before_anything_is_sent(zimbra, where):
    """Zimbra's own recovery refuses zimbraPasswordLocked; its admin SetPasswordRequest would
    not, so govid does (the account's value, else its COS's)."""
    if where == "account":
        zimbra.add_account(LOGIN, PASSWORD, zimbraPasswordLocked="TRUE")
    else:
        zimbra.add_account(LOGIN, PASSWORD)
        zimbra.cos["zimbraPasswordLocked"] = "TRUE"
    directory = directory_for(zimbra)
    try:
        with pytest.raises(PasswordRefused) as refused:
            directory.set_password(directory.find(LOGIN), "Moi#Matkhau2026")
    finally:
        zimbra.cos.pop("zimbraPasswordLocked", None)
    assert refused.value.messages == [
        "Hệ thống thư điện tử không cho phép đổi mật khẩu của tài khoản này. Vui lòng liên "
        "hệ quản trị hệ thống."
    ]
    assert "SetPasswordRequest" not in zimbra.received
    assert zimbra.accounts[LOGIN].password == PASSWORD


def test_an_admin_that_bypasses_the_policy_gets_the_password_set_and_the_operator_a_warning(
    zimbra, caplog
):
    """With setAccountPassword Zimbra takes a reused password and only names the rule in
    <message>: the recovery succeeded, so the person is told nothing; the log names the right
    that makes Zimbra refuse instead."""
    zimbra.password_right = "setAccountPassword"
    zimbra.add_account(LOGIN, PASSWORD)
    directory = directory_for(zimbra)
    with caplog.at_level(logging.WARNING, logger="govid.directory"):
        directory.set_password(directory.find(LOGIN), PASSWORD)  # in Zimbra's history
    assert zimbra.accounts[LOGIN].password == PASSWORD
    [record] = [r for r in caplog.records if "setAccountPassword" in r.getMessage()]
    assert "password was recently used" in record.getMessage()
    assert "grant it changeAccountPassword instead" in record.getMessage()
    assert PASSWORD not in caplog.text
