"""The question before a step that cannot be undone, as it looks on a 360 px phone: the dialog
opens at the top, over the page's heading, and the button it asks about stays in sight below
it, not hidden under it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from playwright.sync_api import Locator, Page, expect

from tests.backoffice.test_scan import PDF
from tests.e2e.people import signed_in

pytestmark = [pytest.mark.e2e, pytest.mark.once]

OFFICER = "daumoi.p1@soctrang.gov.vn"
TIMEOUT = 30_000  # ms: the machine is shared; a page that never comes still fails


def box(locator: Locator) -> dict[str, float]:
    found = locator.bounding_box()
    assert found is not None
    return {"x": found["x"], "y": found["y"], "width": found["width"], "height": found["height"]}


def overlap(a: dict[str, float], b: dict[str, float]) -> bool:
    return not (a["y"] + a["height"] <= b["y"] or b["y"] + b["height"] <= a["y"])


def asks_with(page: Page, button: Locator, question: str, shot: Path, *, top: bool = True) -> None:
    """Press ``button``: the dialog asks ``question`` (at the top of the screen unless ``top``
    is false), and the button stays in sight; a screenshot of it in ``shot``."""
    button.click()
    dialog = page.get_by_role("dialog")
    expect(dialog).to_contain_text(question)
    asked = box(dialog)
    if top:
        assert asked["y"] <= 24, asked  # at the top of the screen, where the heading is
    pressed = box(button)
    assert not overlap(asked, pressed), (asked, pressed)
    screen = page.viewport_size
    assert screen and pressed["y"] + pressed["height"] <= screen["height"]
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    page.screenshot(path=str(shot))
    dialog.get_by_role("button", name="Hủy").click()
    expect(dialog).to_be_hidden()


def test_the_question_opens_over_the_heading_and_leaves_the_button_in_sight(
    browser, live, tmp_path
):
    login = "e2e.hoi.truoc"
    added = live.manage("accounts", "add", login, "--name", "Tô Văn Hỏi", "--unit", "TPST-P1")
    assert json.loads(added)["login"] == f"{login}@soctrang.gov.vn"
    unit = signed_in(browser, live, "daumoi.p1", timeout=TIMEOUT)
    unit.get_by_role("link", name="Lập đề nghị mới").click()
    unit.get_by_label("Đơn vị").select_option("TPST-P1")
    unit.get_by_role("button", name="Lập đề nghị").click()
    unit.get_by_label("Email công vụ").fill(login)
    unit.get_by_label("Số điện thoại di động mới").fill("0913 777 001")
    unit.get_by_label("Lý do").fill("Bổ sung số điện thoại")
    unit.get_by_role("button", name="Thêm vào đề nghị").click()
    unit.get_by_label("Bản quét văn bản đã ký (PDF)").set_input_files(
        {"name": "ban-ky.pdf", "mimeType": "application/pdf", "buffer": PDF}
    )
    unit.get_by_role("button", name="Đính kèm").click()
    send = unit.get_by_role("button", name="Gửi đề nghị")
    send.scroll_into_view_if_needed()
    asks_with(unit, send, "Gửi đề nghị này lên huyện?", tmp_path / "send.png")
    # A button at the very top of the page, where the page cannot move down: the dialog opens
    # under it instead.
    unit.evaluate("window.scrollTo(0, 0)")
    logout = unit.get_by_role("button", name="Đăng xuất")
    logout.evaluate("b => b.closest('form').setAttribute('data-confirm', 'Đăng xuất?')")
    asks_with(unit, logout, "Đăng xuất?", tmp_path / "top.png", top=False)
    unit.context.close()


def test_the_helpdesk_asks_over_the_heading_too(browser, live, tmp_path):
    page = signed_in(
        browser, live, "quantri", start=f"/van-phong/ho-tro/{OFFICER}/", timeout=TIMEOUT
    )
    expect(page.get_by_role("heading", name="Phạm Thị Duyên")).to_be_visible()
    end = page.get_by_role("button", name="Kết thúc mọi phiên đăng nhập")
    end.scroll_into_view_if_needed()
    asks_with(page, end, "Kết thúc mọi phiên đăng nhập của", tmp_path / "helpdesk.png")
    page.context.close()
