"""The provider at the helpdesk in Chromium, on a phone and on a desk: a caller gives a phone
number, the provider finds the account, sees it held after wrong passwords and ends the hold;
no page is wider than the screen."""

from __future__ import annotations

import json

import pytest
from playwright.sync_api import expect

from tests.e2e.people import fits, signed_in

pytestmark = pytest.mark.e2e

PHONES = {360: ("0912 736 036", "0912XXX036"), 1280: ("0912 736 128", "0912XXX128")}


def held_account(browser, live, width: int) -> str:
    """An account of Phường 1 whose owner typed a wrong password five times."""
    login = f"e2e.ho.tro.{width}"
    added = live.manage("accounts", "add", login, "--name", "Trần Thị Hỗ Trợ", "--unit",
                        "TPST-P1", "--phone", PHONES[width][0])  # fmt: skip
    assert json.loads(added)["login"] == f"{login}@soctrang.gov.vn"
    page = signed_in(browser, live, login, "Sai#Matkhau2026", width=width)
    for _ in range(4):
        page.get_by_label("Mật khẩu", exact=True).fill("Sai#Matkhau2026")
        page.get_by_role("button", name="Đăng nhập").click()
    expect(page.get_by_text("Vui lòng thử lại sau")).to_be_visible()
    page.context.close()
    return f"{login}@soctrang.gov.vn"


@pytest.mark.parametrize("width", [360, 1280])
def test_the_provider_finds_an_account_by_phone_and_ends_its_hold(browser, live, width):
    address = held_account(browser, live, width)
    typed, masked = PHONES[width]
    page = signed_in(browser, live, "quantri", width=width)
    expect(page.get_by_role("heading", name="Việc cần làm")).to_be_visible()
    page.get_by_role("link", name="Hỗ trợ").click()
    expect(page.get_by_role("heading", name="Hỗ trợ người dùng")).to_be_visible()
    page.get_by_label("Tìm tài khoản").fill(typed)
    page.get_by_role("button", name="Tìm", exact=True).click()
    expect(page.get_by_role("cell", name=masked)).to_be_visible()
    assert fits(page)

    page.get_by_role("link", name=address).click()
    expect(page.get_by_role("heading", name="Trần Thị Hỗ Trợ")).to_be_visible()
    expect(page.get_by_text("Đang tạm khóa đến")).to_be_visible()
    expect(page.get_by_text("đăng nhập sai mật khẩu").first).to_be_visible()
    assert fits(page)

    page.get_by_role("button", name="Gỡ tạm khóa đăng nhập").click()
    page.get_by_role("button", name="Xác nhận").click()
    expect(page.get_by_text("Đã gỡ tạm khóa đăng nhập.")).to_be_visible()
    expect(page.get_by_text("Không bị tạm khóa")).to_be_visible()
    expect(page.get_by_text("gỡ tạm khóa đăng nhập của Trần Thị Hỗ Trợ")).to_be_visible()
    assert fits(page)
    page.context.close()
