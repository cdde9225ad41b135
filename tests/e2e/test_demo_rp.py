"""The demo relying party at /demo/, in Chromium: one click to see SSO work, and sign out."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e


def test_the_demo_mailbox_signs_in_and_out_through_the_login_page(phone_page, live):
    page = phone_page
    page.goto(live.url + "/demo/")
    expect(page.get_by_role("heading", name="Hộp thư công vụ (demo)")).to_be_visible()
    page.get_by_role("link", name="Đăng nhập bằng tài khoản công vụ").click()

    # govid's own login page, saying where the person is going.
    expect(page.get_by_role("heading", name="Đăng nhập")).to_be_visible()
    expect(page.get_by_text("để tiếp tục vào Hộp thư công vụ (demo)")).to_be_visible()
    page.get_by_label("Tên tài khoản").fill("binh.tran")
    page.get_by_label("Mật khẩu", exact=True).fill("Demo@2026")
    page.get_by_role("button", name="Đăng nhập").click()

    # Back at the mailbox (a trusted system: no consent page), greeted by name.
    expect(page.get_by_text("Xin chào, Trần Thị Bình!")).to_be_visible()
    assert page.url == live.url + "/demo/"
    expect(page.get_by_text("UBND thị trấn Huỳnh Hữu Nghĩa")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 360

    # One login for every system: govid itself knows the person too.
    page.goto(live.url + "/tai-khoan/")
    expect(page.get_by_role("heading", name="Tài khoản của tôi")).to_be_visible()

    page.goto(live.url + "/demo/")
    page.get_by_role("button", name="Đăng xuất").click()
    expect(page.get_by_role("link", name="Đăng nhập bằng tài khoản công vụ")).to_be_visible()
    assert page.url == live.url + "/demo/"
    expect(page.get_by_text("Xin chào")).to_have_count(0)

    # Signing out of the mailbox ended the SSO session as well.
    page.goto(live.url + "/tai-khoan/")
    expect(page.get_by_role("heading", name="Đăng nhập")).to_be_visible()

    # The code and the ID token travelled in query strings; the access log keeps neither.
    access_log = (live.var_dir / "access.log").read_text()
    assert "/demo/callback/" in access_log and "/oidc/logout/" in access_log
    assert "code=" not in access_log and "id_token_hint=" not in access_log


def test_the_demo_mailbox_explains_a_broken_return(phone_page, live):
    page = phone_page
    response = page.goto(live.url + "/demo/callback/?code=abc&state=nothing")
    assert response is not None and response.status == 400
    expect(page.get_by_role("alert")).to_have_text(
        "Phiên đăng nhập của hộp thư đã hết hạn. Vui lòng đăng nhập lại."
    )
