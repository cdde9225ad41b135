"""The auditor reads the log in Chromium, on a phone and on a desk: sentences, filters, and no
page wider than the screen."""

from __future__ import annotations

import json

import pytest
from playwright.sync_api import expect

from tests.e2e.people import fits, signed_in

pytestmark = pytest.mark.e2e

LOGIN = "e2e.nhat.ky"
NAME = "Trịnh Văn Nhật"
FAILED = f"{NAME} ({LOGIN}@soctrang.gov.vn) đăng nhập sai mật khẩu"


@pytest.fixture(scope="module")
def wrong_password(browser, live) -> None:
    """A person of Phường 1 types a wrong password once."""
    added = live.manage("accounts", "add", LOGIN, "--name", NAME, "--unit", "TPST-P1")
    assert json.loads(added)["login"] == f"{LOGIN}@soctrang.gov.vn"
    page = signed_in(browser, live, LOGIN, "Sai#Matkhau2026", width=1280)
    expect(page.get_by_text("Tên tài khoản hoặc mật khẩu không đúng.")).to_be_visible()
    page.context.close()


@pytest.mark.parametrize("width", [360, 1280])
def test_the_auditor_reads_sentences_and_filters_them(browser, live, wrong_password, width):
    page = signed_in(browser, live, "kiemtra", width=width)
    expect(page.get_by_role("heading", name="Việc cần làm")).to_be_visible()
    page.get_by_role("link", name="Nhật ký").click()
    expect(page.get_by_role("heading", name="Nhật ký")).to_be_visible()
    table = page.locator("table.audit")
    expect(table.get_by_text(FAILED)).to_be_visible()
    assert fits(page)

    page.get_by_label("Loại sự kiện").select_option(label="Phân quyền")
    page.get_by_role("button", name="Lọc").click()
    auditor = "Đỗ Thị Thanh (kiemtra@soctrang.gov.vn)"
    expect(table).to_contain_text(
        f"Dữ liệu mẫu cấp vai trò “Kiểm tra viên” cho {auditor} tại toàn tỉnh"
    )
    expect(table.get_by_text(FAILED)).to_have_count(0)
    assert "kind=roles" in page.url and fits(page)

    page.get_by_label("Loại sự kiện").select_option(label="Đăng nhập, đăng xuất")
    page.get_by_label("Đơn vị").select_option("TPST-P1")
    page.get_by_label("Người liên quan (email)").fill(LOGIN)
    page.get_by_role("button", name="Lọc").click()
    expect(table.locator("tbody tr")).to_have_count(1)
    expect(table.get_by_text(FAILED)).to_be_visible()
    assert fits(page)
    page.context.close()
