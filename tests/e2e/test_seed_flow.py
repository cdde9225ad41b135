"""The seed's four steps in Chromium at 360 px, as a civil servant walks them."""

from __future__ import annotations

import itertools
import json
import time
from urllib.parse import urlparse

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.people import log_in

pytestmark = pytest.mark.e2e

NEW_PASSWORD = "Moi#Matkhau2026"
_numbers = itertools.count(1)


def new_account(live, *, phone: bool = True, locked: bool = False) -> tuple[str, str]:
    """A fresh account on the live server (through the administrator's command line)."""
    n = next(_numbers)
    local = f"e2e.user{n}"
    args = [
        "accounts",
        "add",
        local,
        "--name",
        f"Người Dùng {n}",
        "--unit",
        "MYTU-HHN",
        "--password",
        "Cu@Matkhau2025",
    ]
    number = f"+8491234{n:04d}"
    if phone:
        args += ["--phone", number]
    json.loads(live.manage(*args))
    if locked:
        live.manage("accounts", "lock", local)
    return local, number


def start_forgot(page: Page, live, typed: str) -> None:
    page.goto(live.url + "/")
    page.get_by_role("link", name="Quên mật khẩu?").click()
    expect(page.get_by_role("heading", name="Quên mật khẩu")).to_be_visible()
    page.get_by_label("Email công vụ").fill(typed)
    page.get_by_role("button", name="Tiếp tục").click()


def test_a_person_walks_the_seed_at_360px_and_logs_in_with_the_new_password(phone_page, live):
    page = phone_page
    hosts = set()
    page.on("request", lambda request: hosts.add(urlparse(request.url).netloc))

    # Step 1: the login page of the seed.
    page.goto(live.url + "/")
    for text in ("NỀN TẢNG TÍCH HỢP VÀ CHIA SẺ DỮ LIỆU LGSP", "TỈNH SÓC TRĂNG"):
        expect(page.get_by_text(text, exact=True)).to_be_visible()
    expect(page.get_by_role("img", name="Biểu trưng sao vàng trên nền đỏ")).to_be_visible()
    expect(page.get_by_label("Nhớ mật khẩu")).to_be_visible()
    login_button = page.get_by_role("button", name="Đăng nhập")
    expect(login_button).to_have_css("background-color", "rgb(200, 16, 46)")  # the red button

    # Step 2: the bare account name, as the seed types it.
    start_forgot(page, live, "an.nguyen")
    for text in (
        "HỆ THỐNG THƯ ĐIỆN TỬ CÔNG VỤ",
        "0393XXX121",
        "Vui lòng kiểm tra lại số điện thoại trước khi lấy mã xác nhận.",
        "Nếu số điện thoại không phải của bạn, vui lòng liên hệ quản trị để được cập nhật.",
    ):
        expect(page.get_by_text(text, exact=True)).to_be_visible()

    # Step 3: the code by SMS.
    page.get_by_role("button", name="Lấy mã xác nhận").click()
    expect(
        page.get_by_text("Mã xác nhận đã được gửi tới số điện thoại '0393XXX121'", exact=True)
    ).to_be_visible()
    expect(page.get_by_text("Bạn vui lòng kiểm tra tin nhắn để lấy mã xác nhận!")).to_be_visible()
    resend = page.locator("button.resend")
    expect(resend).to_have_text("Gửi lại (3)")
    expect(resend).to_be_disabled()
    code = live.wait_for_code("+84393555121")

    # Step 4: the new password, twice.
    expect(
        page.get_by_text(
            "Mật khẩu phải có ít nhất 8 ký tự (Bao gồm các ký tự hoa, thường, đặc biệt và số)",
            exact=True,
        )
    ).to_be_visible()
    page.get_by_label("Mã xác nhận").fill(code)
    page.get_by_label("Mật khẩu", exact=True).fill(NEW_PASSWORD)
    page.get_by_label("Nhập lại mật khẩu").fill(NEW_PASSWORD)
    expect(page.get_by_role("link", name="Quay lại")).to_be_visible()
    page.get_by_role("button", name="Khôi phục mật khẩu").click()

    dialog = page.get_by_role("dialog")
    expect(dialog.get_by_role("heading", name="Thành công!")).to_be_visible()
    expect(dialog.get_by_text("Thay đổi mật khẩu thành công!")).to_be_visible()
    dialog.get_by_role("link", name="Đóng").click()
    expect(page.get_by_role("heading", name="Đăng nhập")).to_be_visible()

    # Nothing is wider than the phone.
    assert page.evaluate("document.documentElement.scrollWidth") <= 360

    # The old password no longer works; the new one does.
    log_in(page, live, "an.nguyen", "Demo@2026")
    expect(page.get_by_text("Tên tài khoản hoặc mật khẩu không đúng.")).to_be_visible()
    log_in(page, live, "an.nguyen", NEW_PASSWORD)
    expect(page.get_by_role("heading", name="Tài khoản của tôi")).to_be_visible()
    expect(page.get_by_text("Nguyễn Văn An")).to_be_visible()
    expect(page.get_by_text("0393XXX121")).to_be_visible()

    assert hosts == {urlparse(live.url).netloc}, hosts  # no asset from another host
    notice = live.wait_for_messages("+84393555121", 2)[-1]["text"]
    assert "da duoc thay doi" in notice


@pytest.mark.parametrize("case", ["unknown", "locked", "no phone"])
def test_the_three_error_cases_show_the_seed_error_and_the_support_contact(phone_page, live, case):
    if case == "unknown":
        typed = "khong.ton.tai"
    else:
        typed, _number = new_account(live, phone=case != "no phone", locked=case == "locked")
    start_forgot(phone_page, live, typed)
    alert = phone_page.get_by_role("alert")
    expect(
        alert.get_by_text(
            "Không tìm thấy Email hoặc Email bị khoá, vui lòng liên hệ quản trị!", exact=True
        )
    ).to_be_visible()
    expect(alert.get_by_role("link", name="0299 3 888 999")).to_be_visible()
    expect(alert).to_contain_text("Zalo: 0912 000 111")
    expect(phone_page.get_by_label("Email công vụ")).to_have_value(typed)


def test_a_wrong_code_and_a_weak_password_are_told_next_to_their_fields(phone_page, live):
    page = phone_page
    local, number = new_account(live)
    start_forgot(page, live, local)
    page.get_by_role("button", name="Lấy mã xác nhận").click()
    code = live.wait_for_code(number)
    wrong = f"{(int(code) + 1) % 1_000_000:06d}"
    page.get_by_label("Mã xác nhận").fill(wrong)
    page.get_by_label("Mật khẩu", exact=True).fill(NEW_PASSWORD)
    page.get_by_label("Nhập lại mật khẩu").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Khôi phục mật khẩu").click()
    code_field = page.get_by_label("Mã xác nhận")
    expect(code_field).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#id_code_error")).to_have_text(
        "Mã xác nhận không đúng. Bạn còn 4 lần thử."
    )
    expect(code_field).to_have_value(wrong)  # what the user typed stays

    code_field.fill(code)
    page.get_by_label("Mật khẩu", exact=True).fill("matkhauyeu")
    page.get_by_label("Nhập lại mật khẩu").fill("matkhauyeu")
    page.get_by_role("button", name="Khôi phục mật khẩu").click()
    expect(page.locator("#id_password1_error")).to_contain_text(
        "Mật khẩu còn thiếu: chữ hoa, chữ số, ký tự đặc biệt."
    )
    expect(page.get_by_label("Mật khẩu", exact=True)).to_have_value("")  # passwords never stay

    page.get_by_label("Mật khẩu", exact=True).fill(NEW_PASSWORD)
    page.get_by_label("Nhập lại mật khẩu").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Khôi phục mật khẩu").click()
    expect(page.get_by_role("heading", name="Thành công!")).to_be_visible()


def test_resend_counts_down_live_and_sends_the_same_code(phone_page, live):
    page = phone_page
    local, number = new_account(live)
    start_forgot(page, live, local)
    page.get_by_role("button", name="Lấy mã xác nhận").click()
    first = live.wait_for_code(number)
    resend = page.locator("button.resend")
    expect(resend).to_have_text("Gửi lại (3)")
    expect(resend).to_be_disabled()
    expect(resend).to_have_text("Gửi lại (2)", timeout=2_500)
    expect(resend).to_be_enabled(timeout=4_000)
    expect(resend).to_have_text("Gửi lại")
    resend.click()
    expect(page.get_by_text("Đã gửi lại mã xác nhận.")).to_be_visible()
    assert live.wait_for_code(number, after=1) == first
    expect(page.locator("button.resend")).to_be_disabled()  # the wait starts again


def test_back_keeps_the_challenge(phone_page, live):
    page = phone_page
    local, number = new_account(live)
    start_forgot(page, live, local)
    page.get_by_role("button", name="Lấy mã xác nhận").click()
    code = live.wait_for_code(number)
    page.get_by_role("link", name="Quay lại").click()
    page.get_by_role("button", name="Lấy mã xác nhận").click()
    page.get_by_label("Mã xác nhận").fill(code)  # the same code still works
    page.get_by_label("Mật khẩu", exact=True).fill(NEW_PASSWORD)
    page.get_by_label("Nhập lại mật khẩu").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Khôi phục mật khẩu").click()
    expect(page.get_by_role("heading", name="Thành công!")).to_be_visible()
    # One code, one notice: "Quay lại" sent nothing.
    assert len(live.wait_for_messages(number, 2)) == 2
    time.sleep(0.5)  # anything else would have been sent by now
    assert len(live.messages(number)) == 2


def test_the_flow_works_without_javascript(browser, live):
    context = browser.new_context(viewport={"width": 360, "height": 740}, java_script_enabled=False)
    page = context.new_page()
    local, number = new_account(live)
    start_forgot(page, live, local)
    page.get_by_role("button", name="Lấy mã xác nhận").click()
    expect(page.locator("button.resend")).to_have_text("Gửi lại (3)")
    expect(page.locator("#resend-hint")).to_have_text("Có thể gửi lại mã sau 3 giây.")
    code = live.wait_for_code(number)
    page.get_by_label("Mã xác nhận").fill(code)
    page.get_by_label("Mật khẩu", exact=True).fill(NEW_PASSWORD)
    page.get_by_label("Nhập lại mật khẩu").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Khôi phục mật khẩu").click()
    expect(page.get_by_role("heading", name="Thành công!")).to_be_visible()
    context.close()


def test_english_by_the_visible_switch(phone_page, live):
    page = phone_page
    page.goto(live.url + "/")
    page.get_by_role("button", name="English").click()
    for text in ("Log in", "Username", "Password"):
        expect(page.get_by_text(text, exact=True).first).to_be_visible()
    expect(page.get_by_label("Remember me")).to_be_visible()
    page.get_by_role("link", name="Forgot password?").click()
    expect(page.get_by_label("Official e-mail")).to_have_attribute(
        "placeholder", "Enter your official mail account"
    )
    page.get_by_label("Official e-mail").fill("khong.co")
    page.get_by_role("button", name="Continue").click()
    expect(
        page.get_by_text("E-mail not found or locked, please contact the administrator!")
    ).to_be_visible()
    page.get_by_role("button", name="Tiếng Việt").click()
    expect(page.get_by_role("heading", name="Quên mật khẩu")).to_be_visible()


def test_a_reset_ends_the_session_open_in_another_browser(browser, phone_page, live):
    local, number = new_account(live)
    laptop = browser.new_context()
    other = laptop.new_page()
    log_in(other, live, local, "Cu@Matkhau2025")
    expect(other.get_by_role("heading", name="Tài khoản của tôi")).to_be_visible()

    page = phone_page
    start_forgot(page, live, local)
    page.get_by_role("button", name="Lấy mã xác nhận").click()
    page.get_by_label("Mã xác nhận").fill(live.wait_for_code(number))
    page.get_by_label("Mật khẩu", exact=True).fill(NEW_PASSWORD)
    page.get_by_label("Nhập lại mật khẩu").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Khôi phục mật khẩu").click()
    expect(page.get_by_role("heading", name="Thành công!")).to_be_visible()

    other.reload()
    expect(other.get_by_role("heading", name="Đăng nhập")).to_be_visible()
    laptop.close()
