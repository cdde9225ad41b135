"""Login holds on the live server: six wrong passwords, the wait, recovery, unblocking."""

from __future__ import annotations

import json
import re

import pytest

from tests.e2e.oidc import (
    Browser,
    new_account,
    reset_password_by_sms,
)

pytestmark = pytest.mark.e2e


def test_six_wrong_passwords_hold_the_account_and_recovery_still_works(live):
    login, phone = new_account(live)
    browser = Browser(live)
    for attempt in range(1, 7):
        page = browser.log_in(browser.go(f"{live.url}/"), login, f"Sai@Matkhau{attempt}")
        if attempt < 5:
            assert page.status_code == 400
            assert "Tên tài khoản hoặc mật khẩu không đúng." in page.text
    assert page.status_code == 429
    wait = re.search(r"thử lại sau (\d+) phút nữa \(lúc (\d\d:\d\d)\)", page.text)
    assert wait and 1 <= int(wait[1]) <= 5, page.text
    # Even the right password is refused while the hold lasts.
    assert browser.log_in(browser.go(f"{live.url}/"), login).status_code == 429

    reset_password_by_sms(live, login, phone, "Moi#Matkhau2026")
    page = browser.log_in(browser.go(f"{live.url}/"), login, "Moi#Matkhau2026")
    assert page.status_code == 200 and "Tài khoản của tôi" in page.text


def test_the_administrator_unblocks_a_held_account_from_the_command_line(live):
    login, _phone = new_account(live)
    browser = Browser(live)
    for attempt in range(5):
        page = browser.log_in(browser.go(f"{live.url}/"), login, f"Sai@Matkhau{attempt}")
    assert page.status_code == 429
    assert json.loads(live.manage("accounts", "unblock", login)) == {
        "login": login,
        "was_held": True,
    }
    page = browser.log_in(browser.go(f"{live.url}/"), login)
    assert "Tài khoản của tôi" in page.text
