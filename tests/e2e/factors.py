"""Second factors in Chromium at 360 px, the journeys themselves: an authenticator app enrolled
from the secret shown, its codes and the recovery codes used once; a passkey on Chromium's
virtual authenticator (DevTools). Run on one instance by test_second_factor.py and across two
behind nginx by test_several_instances.py.

Each journey calls ``route(page, step)`` before each of its steps: where several instances stand
behind one address, it says which one serves the step.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable

import pyotp
from playwright.sync_api import Browser, Page, expect

from tests.e2e.conftest import LiveServer
from tests.e2e.people import fits, log_in, sized_page
from tests.e2e.test_accessibility import problems

PASSWORD = "Cu@Matkhau2025"
Route = Callable[[Page, str], None]


def _one_instance(page: Page, step: str) -> None:
    """One instance: every step goes to it."""


def new_account(live: LiveServer, login: str, name: str) -> str:
    added = live.manage(
        "accounts", "add", login, "--name", name, "--unit", "TPST-P1", "--password", PASSWORD
    )
    return str(json.loads(added)["login"])


def code_after(secret: str, steps: int) -> str:
    """The app's code ``steps`` time steps on (one step ahead is within the drift allowed)."""
    return pyotp.TOTP(secret).at(time.time() + 30 * steps)


def sign_out(page: Page, live: LiveServer) -> None:
    page.goto(live.url + "/tai-khoan/")
    page.locator("form.logout").get_by_role("button", name="Đăng xuất").click()
    expect(page.get_by_role("heading", name="Đăng nhập")).to_be_visible()


def authenticator_app_journey(
    page: Page, live: LiveServer, login: str, *, route: Route = _one_instance
) -> None:
    """Enrol an app ("enrol"), sign in with its next code ("code"), see that code refused
    again ("replay"), sign in with a recovery code ("recovery"), see it refused again
    ("recovery again"). ``login`` names an account without a factor."""
    local_part = login.split("@")[0]
    route(page, "enrol")
    log_in(page, live, local_part, PASSWORD, start="/tai-khoan/bao-mat/")
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
    route(page, "code")
    log_in(page, live, local_part, PASSWORD)
    expect(page.get_by_role("heading", name="Xác thực hai bước")).to_be_visible()
    assert fits(page) and problems(page) == []
    code = code_after(secret, 1)  # kept: computed again later, it could be the next step's
    page.get_by_label("Mã xác thực").fill(code)
    page.get_by_role("button", name="Xác nhận").click()
    expect(page.get_by_role("heading", name="Tài khoản của tôi")).to_be_visible()
    expect(page.get_by_text(login)).to_be_visible()
    sign_out(page, live)

    # The same code again is refused; a recovery code works once.
    route(page, "replay")
    log_in(page, live, local_part, PASSWORD)
    page.get_by_label("Mã xác thực").fill(code)
    page.get_by_role("button", name="Xác nhận").click()
    expect(page.get_by_text("Mã xác thực không đúng hoặc đã được dùng.")).to_be_visible()
    route(page, "recovery")
    page.get_by_label("Mã xác thực").fill(codes[0])
    page.get_by_role("button", name="Xác nhận").click()
    expect(page.get_by_role("heading", name="Tài khoản của tôi")).to_be_visible()
    sign_out(page, live)
    route(page, "recovery again")
    log_in(page, live, local_part, PASSWORD)
    page.get_by_label("Mã xác thực").fill(codes[0])
    page.get_by_role("button", name="Xác nhận").click()
    expect(page.get_by_text("Mã xác thực không đúng hoặc đã được dùng.")).to_be_visible()


def passkey_page(browser: Browser) -> tuple[Page, Callable[[], int]]:
    """A 360 px page with a virtual platform authenticator (a passkey), and a count of the
    credentials it holds."""
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

    def held() -> int:
        found = cdp.send("WebAuthn.getCredentials", {"authenticatorId": added["authenticatorId"]})
        return len(found["credentials"])

    return page, held


def passkey_journey(
    browser: Browser, live: LiveServer, login: str, *, route: Route = _one_instance
) -> None:
    """Enrol a passkey ("enrol"), then sign in with the password and the passkey ("sign in").
    ``login`` names an account without a factor."""
    local_part = login.split("@")[0]
    # WebAuthn names the site by a domain, never an IP address: the page is opened as localhost.
    site = live.url.replace("127.0.0.1", "localhost")
    page, held = passkey_page(browser)

    route(page, "enrol")
    page.goto(site + "/")
    page.get_by_label("Tên tài khoản").fill(local_part)
    page.get_by_label("Mật khẩu", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    expect(page.get_by_role("heading", name="Tài khoản của tôi")).to_be_visible()
    page.goto(site + "/tai-khoan/bao-mat/")
    page.get_by_label("Tên khoá (để bạn nhận ra)").fill("Điện thoại của tôi")
    page.get_by_role("button", name="Thêm khoá bảo mật hoặc passkey").click()
    expect(page.locator("ul.security-keys")).to_contain_text("Điện thoại của tôi")
    assert held() == 1
    assert fits(page) and problems(page) == []
    page.get_by_role("link", name="Về trang tài khoản").click()
    page.locator("form.logout").get_by_role("button", name="Đăng xuất").click()

    route(page, "sign in")
    page.get_by_label("Tên tài khoản").fill(local_part)
    page.get_by_label("Mật khẩu", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    expect(page.get_by_role("heading", name="Xác thực hai bước")).to_be_visible()
    assert fits(page) and problems(page) == []
    page.get_by_role("button", name="Dùng khoá bảo mật hoặc passkey").click()
    expect(page.get_by_role("heading", name="Tài khoản của tôi")).to_be_visible()
    page.context.close()
