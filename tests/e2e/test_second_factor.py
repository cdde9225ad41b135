"""Second factors in Chromium at 360 px: an authenticator app enrolled from the secret shown,
recovery codes used once, and a passkey on Chromium's virtual authenticator (DevTools)."""

from __future__ import annotations

import json
import time

import pyotp
import pytest
from playwright.sync_api import Page, expect

from tests.e2e.people import fits, log_in, sized_page
from tests.e2e.test_accessibility import problems

# Slow journeys, run once: what they rely on (codes used once, counters, sessions) is the
# database's, and tests/sso/test_factors*.py run on PostgreSQL + Redis too.
pytestmark = [pytest.mark.e2e, pytest.mark.once]
PASSWORD = "Cu@Matkhau2025"


def new_account(live, login: str, name: str) -> str:
    added = live.manage(
        "accounts", "add", login, "--name", name, "--unit", "TPST-P1", "--password", PASSWORD
    )
    return str(json.loads(added)["login"])


def code_after(secret: str, steps: int) -> str:
    """The app's code ``steps`` time steps on (one step ahead is within the drift allowed)."""
    return pyotp.TOTP(secret).at(time.time() + 30 * steps)


def sign_out(page: Page, live) -> None:
    page.goto(live.url + "/tai-khoan/")
    page.locator("form.logout").get_by_role("button", name="Đăng xuất").click()
    expect(page.get_by_role("heading", name="Đăng nhập")).to_be_visible()


def test_an_authenticator_app_and_recovery_codes_at_360_px(browser, live):
    login = new_account(live, "e2e.hai.buoc", "Huỳnh Văn Hai")
    page = sized_page(browser, 360, timeout=60_000)  # a cold server on a busy machine
    log_in(page, live, "e2e.hai.buoc", PASSWORD, start="/tai-khoan/bao-mat/")
    expect(page.get_by_role("heading", name="Xác thực hai bước")).to_be_visible()
    expect(page.locator("figure.qr svg")).to_be_visible()
    secret = page.locator("#totp-secret").inner_text().replace(" ", "")
    assert fits(page) and problems(page) == []
    page.get_by_label("Mã 6 chữ số trong ứng dụng").fill(code_after(secret, 0))
    page.get_by_role("button", name="Bật xác thực hai bước").click()
    expect(page.get_by_role("heading", name="Đã bật xác thực hai bước")).to_be_visible()
    codes = page.locator("ul.recovery-codes code").all_inner_texts()
    assert len(codes) == 10 and fits(page) and problems(page) == []
    sign_out(page, live)

    # The password alone now leads to the second step; the next code opens the account.
    log_in(page, live, "e2e.hai.buoc", PASSWORD)
    expect(page.get_by_role("heading", name="Xác thực hai bước")).to_be_visible()
    assert fits(page) and problems(page) == []
    page.get_by_label("Mã xác thực").fill(code_after(secret, 1))
    page.get_by_role("button", name="Xác nhận").click()
    expect(page.get_by_role("heading", name="Tài khoản của tôi")).to_be_visible()
    expect(page.get_by_text(login)).to_be_visible()
    sign_out(page, live)

    # The same code again is refused; a recovery code works once.
    log_in(page, live, "e2e.hai.buoc", PASSWORD)
    page.get_by_label("Mã xác thực").fill(code_after(secret, 1))
    page.get_by_role("button", name="Xác nhận").click()
    expect(page.get_by_text("Mã xác thực không đúng hoặc đã được dùng.")).to_be_visible()
    page.get_by_label("Mã xác thực").fill(codes[0])
    page.get_by_role("button", name="Xác nhận").click()
    expect(page.get_by_role("heading", name="Tài khoản của tôi")).to_be_visible()
    sign_out(page, live)
    log_in(page, live, "e2e.hai.buoc", PASSWORD)
    page.get_by_label("Mã xác thực").fill(codes[0])
    page.get_by_role("button", name="Xác nhận").click()
    expect(page.get_by_text("Mã xác thực không đúng hoặc đã được dùng.")).to_be_visible()
    page.context.close()


def test_a_passkey_is_enrolled_and_signs_in_at_360_px(browser, live):
    new_account(live, "e2e.khoa.bao.mat", "Lương Thị Khoá")
    # WebAuthn names the site by a domain, never an IP address: the page is opened as localhost.
    site = live.url.replace("127.0.0.1", "localhost")
    page = sized_page(browser, 360, timeout=60_000)  # a cold server on a busy machine
    cdp = page.context.new_cdp_session(page)
    cdp.send("WebAuthn.enable")
    added = cdp.send(
        "WebAuthn.addVirtualAuthenticator",
        {
            "options": {
                "protocol": "ctap2",
                "transport": "internal",  # a platform authenticator: a passkey
                "hasResidentKey": True,
                "hasUserVerification": True,
                "isUserVerified": True,
                "automaticPresenceSimulation": True,
            }
        },
    )
    page.goto(site + "/")
    page.get_by_label("Tên tài khoản").fill("e2e.khoa.bao.mat")
    page.get_by_label("Mật khẩu", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    expect(page.get_by_role("heading", name="Tài khoản của tôi")).to_be_visible()
    page.goto(site + "/tai-khoan/bao-mat/")
    page.get_by_label("Tên khoá (để bạn nhận ra)").fill("Điện thoại của tôi")
    page.get_by_role("button", name="Thêm khoá bảo mật hoặc passkey").click()
    expect(page.locator("ul.security-keys")).to_contain_text("Điện thoại của tôi")
    credentials = cdp.send("WebAuthn.getCredentials", {"authenticatorId": added["authenticatorId"]})
    assert len(credentials["credentials"]) == 1
    assert fits(page) and problems(page) == []

    page.get_by_role("link", name="Về trang tài khoản").click()
    page.locator("form.logout").get_by_role("button", name="Đăng xuất").click()
    page.get_by_label("Tên tài khoản").fill("e2e.khoa.bao.mat")
    page.get_by_label("Mật khẩu", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    expect(page.get_by_role("heading", name="Xác thực hai bước")).to_be_visible()
    assert fits(page) and problems(page) == []
    page.get_by_role("button", name="Dùng khoá bảo mật hoặc passkey").click()
    expect(page.get_by_role("heading", name="Tài khoản của tôi")).to_be_visible()
    page.context.close()
