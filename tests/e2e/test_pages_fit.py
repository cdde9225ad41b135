"""Every page as its people use it, on a 360 px phone: nothing scrolls sideways, a long address
breaks only after its "@" and its dots, focus does not look like an error, the "Gửi lại" button
keeps its size, and asking again for a code that still works says until when it works."""

from __future__ import annotations

import itertools
import json
import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.oidc import RelyingParty, add_client
from tests.e2e.people import log_in

pytestmark = pytest.mark.e2e

PASSWORD = "Cu@Matkhau2025"
VIETNAM = ZoneInfo("Asia/Ho_Chi_Minh")
_numbers = itertools.count(1)


def long_account(live) -> str:
    """An account whose address is far wider than a phone: its login."""
    n = next(_numbers)
    local = f"nguyen.thi.thanh.huyen.phong.van.hoa.thong.tin.huyen.my.tu.{n}"
    args = ["accounts", "add", local, "--name", f"Nguyễn Thị Thanh Huyền {n}"]
    args += ["--unit", "MYTU-HHN", "--password", PASSWORD, "--phone", f"+8497711{n:04d}"]
    return json.loads(live.manage(*args))["login"]


def assert_fits(page: Page) -> None:
    widths = page.evaluate(
        "() => [document.documentElement.scrollWidth, window.innerWidth, location.pathname]"
    )
    assert widths[0] <= widths[1], f"{widths[2]} scrolls sideways: {widths[0]} > {widths[1]}"


def address_lines(page: Page) -> list[list[int]]:
    """For the page's displayed address: the line boxes of each piece between two <wbr>."""
    return page.evaluate(
        """() => {
          const box = document.querySelector(".address");
          return Array.from(box.childNodes).filter(n => n.nodeType === Node.TEXT_NODE)
            .map(n => { const r = document.createRange(); r.selectNodeContents(n);
                        return Array.from(r.getClientRects()).map(q => Math.round(q.top)); });
        }"""
    )


def assert_breaks_only_after_at_and_dots(page: Page, login: str) -> None:
    expect(page.locator(".address")).to_have_text(login)
    pieces = address_lines(page)
    assert len(pieces) == len(re.split(r"(?<=[@.])", login))  # a piece after each "@" and "."
    assert all(len(lines) == 1 for lines in pieces), pieces  # no piece is broken
    tops = {lines[0] for lines in pieces}
    assert len(tops) > 1, "the address should need more than one line at 360 px"


def to_phone_step(page: Page, live, login: str) -> None:
    page.goto(live.url + "/quen-mat-khau/")
    page.get_by_label("Email công vụ").fill(login)
    assert_fits(page)
    page.get_by_role("button", name="Tiếp tục").click()
    expect(page.get_by_role("button", name="Lấy mã xác nhận")).to_be_visible()


def test_no_page_scrolls_sideways_at_360px_with_a_long_address(phone_page, live):
    page = phone_page
    login = long_account(live)
    page.goto(live.url + "/")
    page.get_by_label("Tên tài khoản").fill(login)
    assert_fits(page)
    to_phone_step(page, live, login)
    assert_fits(page)
    page.get_by_role("button", name="Lấy mã xác nhận").click()
    expect(page.get_by_label("Mã xác nhận")).to_be_visible()
    assert_fits(page)
    log_in(page, live, login, PASSWORD)
    expect(page.get_by_role("heading", name="Tài khoản của tôi")).to_be_visible()
    assert_fits(page)
    client = add_client(live, name="Hệ thống quản lý hồ sơ công việc")  # asks for consent
    page.goto(
        RelyingParty(live, client["client_id"], client.get("client_secret")).authorization_url()
    )
    expect(page.get_by_role("heading", name="Cho phép ứng dụng dùng tài khoản")).to_be_visible()
    assert_fits(page)
    assert_breaks_only_after_at_and_dots(page, login)


def test_a_long_address_breaks_only_after_its_at_and_dots(phone_page, live):
    page = phone_page
    login = long_account(live)
    to_phone_step(page, live, login)
    assert_breaks_only_after_at_and_dots(page, login)
    log_in(page, live, login, PASSWORD)
    expect(page.get_by_role("heading", name="Tài khoản của tôi")).to_be_visible()
    assert_breaks_only_after_at_and_dots(page, login)


def test_a_focused_field_with_an_error_shows_a_ring_unlike_its_error_border(phone_page, live):
    page = phone_page
    to_phone_step(page, live, long_account(live))
    page.get_by_role("button", name="Lấy mã xác nhận").click()
    page.get_by_role("button", name="Khôi phục mật khẩu").click()  # nothing typed: errors
    code = page.get_by_label("Mã xác nhận")
    expect(page.locator(".field.has-error #" + code.get_attribute("id"))).to_have_count(1)
    unfocused = code.evaluate("e => getComputedStyle(e).borderTopColor")
    code.focus()
    look = code.evaluate(
        """e => { const s = getComputedStyle(e);
                  return [s.outlineStyle, s.outlineColor, s.borderTopColor]; }"""
    )
    assert look[0] != "none"
    assert look[2] == unfocused  # the error border stays
    assert look[1] != look[2], look  # and the ring does not look like it
    # "Gửi lại" stays beside the input it belongs to, not beside the error under it.
    beside, field = page.locator("button.resend").bounding_box(), code.bounding_box()
    assert beside and field and abs(beside["y"] - field["y"]) < 1


def test_the_resend_button_keeps_its_size_when_the_countdown_ends(phone_page, live):
    page = phone_page  # the live server's countdown is 3 s (GOVID_RECOVERY_RESEND_AFTER)
    to_phone_step(page, live, long_account(live))
    page.get_by_role("button", name="Lấy mã xác nhận").click()
    resend = page.locator("button.resend")
    expect(resend).to_be_disabled()
    expect(resend).to_have_text(re.compile(r"Gửi lại \(\d\)"))
    counting = resend.bounding_box()
    expect(resend).to_be_enabled(timeout=10_000)
    expect(resend).to_have_text("Gửi lại")
    done = resend.bounding_box()
    assert counting and done
    assert (done["width"], done["height"]) == (counting["width"], counting["height"])


def test_asking_again_for_a_valid_code_says_when_it_was_sent_and_until_when(phone_page, live):
    page = phone_page
    to_phone_step(page, live, long_account(live))
    page.get_by_role("button", name="Lấy mã xác nhận").click()
    asked = datetime.now(VIETNAM)
    page.get_by_role("link", name="Quay lại").click()
    page.get_by_role("button", name="Lấy mã xác nhận").click()
    notice = page.get_by_text(re.compile(r"^Mã xác nhận đã được gửi lúc"))
    expect(notice).to_be_visible()
    found = re.fullmatch(
        r"Mã xác nhận đã được gửi lúc (\d\d:\d\d) và còn dùng được đến (\d\d:\d\d)\.",
        notice.inner_text().strip(),
    )
    assert found, notice.inner_text()
    sent = found.group(1)
    assert sent in {(asked + timedelta(minutes=d)).strftime("%H:%M") for d in (-1, 0, 1)}
    hours, minutes = map(int, sent.split(":"))
    until = asked.replace(hour=hours, minute=minutes) + timedelta(minutes=5)  # the code's life
    assert found.group(2) == until.strftime("%H:%M")
    expect(page.get_by_label("Mã xác nhận")).to_be_visible()
    assert_fits(page)
