"""The seed's last step as the seed shows it: after "Khôi phục mật khẩu", a dialog over the
reset page says "Thành công!" and "Thay đổi mật khẩu thành công!"; "Đóng" (or Escape) leads to
the login page. Without scripts the same words are the page, with a way to log in."""

from __future__ import annotations

import itertools
import json

import pytest
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.e2e

NEW_PASSWORD = "Moi#Matkhau2026"
WIDTHS = {"phone": (360, 740), "desktop": (1280, 800)}
_numbers = itertools.count(1)


def new_account(live) -> tuple[str, str]:
    n = next(_numbers)
    local = f"e2e.done{n}"
    number = f"+8497772{n:04d}"
    json.loads(
        live.manage(
            "accounts",
            "add",
            local,
            "--name",
            f"Người Xong {n}",
            "--unit",
            "MYTU-HHN",
            "--password",
            "Cu@Matkhau2025",
            "--phone",
            number,
        )
    )
    return local, number


def reset_password(page: Page, live) -> None:
    """The seed's four steps, up to the success."""
    login, number = new_account(live)
    page.goto(live.url + "/quen-mat-khau/")
    page.get_by_label("Email công vụ").fill(login)
    page.get_by_role("button", name="Tiếp tục").click()
    page.get_by_role("button", name="Lấy mã xác nhận").click()
    page.get_by_label("Mã xác nhận").fill(live.wait_for_code(number))
    page.get_by_label("Mật khẩu", exact=True).fill(NEW_PASSWORD)
    page.get_by_label("Nhập lại mật khẩu").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Khôi phục mật khẩu").click()


@pytest.fixture(params=list(WIDTHS))
def sized_page(request, browser, live):
    width, height = WIDTHS[request.param]
    context = browser.new_context(viewport={"width": width, "height": height}, locale="vi-VN")
    context.set_default_timeout(10_000)
    page = context.new_page()
    yield page
    context.close()


def see_the_dialog_over_the_reset_page(page: Page):
    dialog = page.get_by_role("dialog")
    expect(dialog.get_by_role("heading", name="Thành công!")).to_be_visible()
    expect(dialog.get_by_text("Thay đổi mật khẩu thành công!", exact=True)).to_be_visible()
    close = dialog.get_by_role("link", name="Đóng")
    expect(close).to_be_visible()
    # Modal, over the reset page: the page stays behind it, out of reach.
    assert dialog.evaluate("d => d.matches(':modal')")
    expect(page.get_by_role("heading", name="Khôi phục mật khẩu", level=1)).to_be_attached()
    box = dialog.bounding_box()
    size = page.viewport_size
    assert box and size and box["x"] >= 0 and box["x"] + box["width"] <= size["width"]
    assert box["y"] > 0  # not stuck to the top: centred over the page
    expect(close).to_be_focused()
    return close


def test_close_on_the_success_dialog_goes_to_the_login_page(sized_page, live):
    reset_password(sized_page, live)
    see_the_dialog_over_the_reset_page(sized_page).click()
    expect(sized_page.get_by_role("heading", name="Đăng nhập")).to_be_visible()
    assert sized_page.evaluate("document.documentElement.scrollWidth") <= (
        sized_page.viewport_size or {}
    ).get("width", 0)


def test_escape_on_the_success_dialog_goes_to_the_login_page(sized_page, live):
    reset_password(sized_page, live)
    see_the_dialog_over_the_reset_page(sized_page)
    sized_page.keyboard.press("Escape")
    expect(sized_page.get_by_role("heading", name="Đăng nhập")).to_be_visible()
    expect(sized_page.get_by_label("Tên tài khoản")).to_be_visible()


@pytest.mark.parametrize("size", list(WIDTHS))
def test_without_javascript_the_success_is_a_page_with_a_way_to_log_in(browser, live, size):
    width, height = WIDTHS[size]
    context = browser.new_context(
        viewport={"width": width, "height": height}, locale="vi-VN", java_script_enabled=False
    )
    context.set_default_timeout(10_000)
    page = context.new_page()
    reset_password(page, live)
    # The same words as the dialog, on the reset page's own card.
    expect(page.get_by_role("heading", name="Khôi phục mật khẩu", level=1)).to_be_visible()
    dialog = page.get_by_role("dialog")
    expect(dialog.get_by_role("heading", name="Thành công!")).to_be_visible()
    expect(dialog.get_by_text("Thay đổi mật khẩu thành công!", exact=True)).to_be_visible()
    dialog.get_by_role("link", name="Đóng").click()
    expect(page.get_by_role("heading", name="Đăng nhập")).to_be_visible()
    context.close()
