"""The seed's flow in Chromium against gunicorn with GOVID_DIRECTORY=ldap on a real slapd, and a
real IMAP server (Dovecot) that checks passwords by binding to the same directory."""

from __future__ import annotations

import itertools
from collections.abc import Iterator

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import LiveServer, serve
from tests.e2e.people import log_in
from tests.e2e.test_seed_flow import start_forgot
from tests.servers.slapd import PERMANENT_LOCK, Slapd

pytestmark = pytest.mark.e2e

PASSWORD = "Cu@Matkhau2025"
NEW_PASSWORD = "Moi#Matkhau2026"
SEED_ERROR = "Không tìm thấy Email hoặc Email bị khoá, vui lòng liên hệ quản trị!"
UNIT = "PVHTT-MYTU"
_numbers = itertools.count(1)


@pytest.fixture(scope="session")
def ldap_base(slapd: Slapd) -> str:
    """The part of the directory this module's server is configured on."""
    return slapd.container(UNIT)


@pytest.fixture(scope="session")
def ldap_live(
    tmp_path_factory: pytest.TempPathFactory, slapd: Slapd, ldap_base: str
) -> Iterator[LiveServer]:
    """govid served as in production on the directory: nothing loaded into its database."""
    var_dir = tmp_path_factory.mktemp("govid-ldap-var")
    with serve(var_dir, setup=(), **slapd.environment(base_dn=ldap_base)) as server:
        yield server


@pytest.fixture
def page(browser, ldap_live) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 360, "height": 740}, locale="vi-VN")
    context.set_default_timeout(10_000)
    yield context.new_page()
    context.close()


def person(base: str, slapd: Slapd, *, phone: bool = True, locked: bool = False):
    """A fresh mailbox in the directory: (account name, DN, mobile in E.164)."""
    n = next(_numbers)
    uid = f"ldap.user{n}"
    number = f"+8439377{n:04d}"
    dn = slapd.add_person(
        f"ou={UNIT},{base}",
        uid,
        password=PASSWORD,
        name=f"Người Dùng {n}",
        mobile=[f"0{number[3:]}"] if phone else [],
        locked=locked,
    )
    return uid, dn, number


def recover(page: Page, live: LiveServer, uid: str, number: str) -> str:
    """Steps 2 and 3; the code that came by SMS."""
    start_forgot(page, live, uid)
    expect(page.get_by_text(f"0{number[3:6]}XXX{number[-3:]}", exact=True)).to_be_visible()
    page.get_by_role("button", name="Lấy mã xác nhận").click()
    return live.wait_for_code(number)


def submit(page: Page, code: str, password: str) -> None:
    page.get_by_label("Mã xác nhận").fill(code)
    page.get_by_label("Mật khẩu", exact=True).fill(password)
    page.get_by_label("Nhập lại mật khẩu").fill(password)
    page.get_by_role("button", name="Khôi phục mật khẩu").click()


def test_a_directory_user_resets_by_sms_and_the_mail_server_takes_it(
    page, ldap_live, ldap_base, slapd, dovecot
):
    uid, dn, number = person(ldap_base, slapd)
    mail = f"{uid}@soctrang.gov.vn"
    assert dovecot.accepts(mail, PASSWORD)
    code = recover(page, ldap_live, uid, number)
    expect(page.get_by_text(f"'0{number[3:6]}XXX{number[-3:]}'", exact=False)).to_be_visible()
    submit(page, code, NEW_PASSWORD)
    expect(page.get_by_role("dialog").get_by_text("Thay đổi mật khẩu thành công!")).to_be_visible()

    assert slapd.binds(dn, NEW_PASSWORD) and not slapd.binds(dn, PASSWORD)
    # The mail client's next login, against a server that binds to the same directory.
    assert dovecot.accepts(mail, NEW_PASSWORD)
    assert not dovecot.accepts(mail, PASSWORD)

    log_in(page, ldap_live, uid, NEW_PASSWORD)
    expect(page.get_by_role("heading", name="Tài khoản của tôi")).to_be_visible()
    expect(page.get_by_text(f"Người Dùng {uid.removeprefix('ldap.user')}")).to_be_visible()


@pytest.mark.parametrize("case", ["locked", "no mobile"])
def test_locked_and_phoneless_entries_get_the_seed_error(page, ldap_live, ldap_base, slapd, case):
    uid, dn, _number = person(ldap_base, slapd, phone=case != "no mobile", locked=case == "locked")
    start_forgot(page, ldap_live, uid)
    expect(page.get_by_role("alert").get_by_text(SEED_ERROR, exact=True)).to_be_visible()
    if case == "locked":
        locked = slapd.read(dn, "pwdAccountLockedTime")["pwdaccountlockedtime"]
        assert locked == [PERMANENT_LOCK]


def test_the_directory_policy_refusal_is_told_next_to_the_password(
    page, ldap_live, ldap_base, slapd
):
    uid, dn, number = person(ldap_base, slapd)
    code = recover(page, ldap_live, uid, number)
    submit(page, code, "Ngan#Mk2026")  # govid's own rule takes it; the directory wants 12
    expect(page.locator("#id_password1_error")).to_have_text(
        "Mật khẩu quá ngắn so với quy định của hệ thống thư điện tử."
    )
    assert slapd.binds(dn, PASSWORD)
    submit(page, code, NEW_PASSWORD)
    expect(page.get_by_role("heading", name="Thành công!")).to_be_visible()
    assert slapd.binds(dn, NEW_PASSWORD)


def test_slapd_stopped_mid_flow_gives_the_503_page_and_no_change(
    page, ldap_live, ldap_base, running_slapd
):
    slapd = running_slapd
    uid, dn, number = person(ldap_base, slapd)
    code = recover(page, ldap_live, uid, number)
    slapd.stop()
    with page.expect_response(lambda r: r.url.endswith("/dat-lai/")) as answer:
        submit(page, code, NEW_PASSWORD)
    assert answer.value.status == 503
    expect(page.get_by_role("heading", name="Dịch vụ tạm thời gián đoạn")).to_be_visible()
    expect(page.get_by_text("Chưa có thay đổi nào được lưu.", exact=False)).to_be_visible()
    log = (ldap_live.var_dir / "server.log").read_text()
    assert "directory unavailable during POST /quen-mat-khau/dat-lai/" in log
    assert code not in log and NEW_PASSWORD not in log

    slapd.start()
    assert slapd.binds(dn, PASSWORD)  # nothing was written
    page.go_back()
    submit(page, code, NEW_PASSWORD)  # the same code: the failed try did not use it up
    expect(page.get_by_role("heading", name="Thành công!")).to_be_visible()
    assert slapd.binds(dn, NEW_PASSWORD)


def test_the_administrators_command_line_writes_phone_and_lock_to_the_directory(
    page, ldap_live, ldap_base, slapd
):
    uid, dn, _number = person(ldap_base, slapd, phone=False)
    ldap_live.manage("accounts", "set-phone", uid, "0912 345 678")
    assert slapd.read(dn, "mobile")["mobile"] == [b"+84912345678"]
    start_forgot(page, ldap_live, uid)
    expect(page.get_by_text("0912XXX678", exact=True)).to_be_visible()
    ldap_live.manage("accounts", "lock", uid)
    assert slapd.read(dn, "pwdAccountLockedTime")["pwdaccountlockedtime"] == [PERMANENT_LOCK]
    start_forgot(page, ldap_live, uid)
    expect(page.get_by_role("alert").get_by_text(SEED_ERROR, exact=True)).to_be_visible()
