"""The administration in Chromium, on a desk and on a phone: the portal's red on the header, the
apps and models named in Vietnamese, the page no wider than the screen, and the switch to
English."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.people import signed_in

pytestmark = pytest.mark.e2e

RED = "rgb(200, 16, 46)"  # --red of govid/static/govid/govid.css


def administrator(browser, live, width: int) -> Page:
    # An English-speaking browser: the administration still speaks Vietnamese until the switch.
    page = signed_in(browser, live, "quantri", width=width, start="/quan-tri/", locale="en-US",
                     timeout=15_000)  # fmt: skip
    page.wait_for_url(live.url + "/quan-tri/")
    return page


def style(page: Page, selector: str, prop: str) -> str:
    return str(
        page.eval_on_selector(selector, f"e => getComputedStyle(e).getPropertyValue('{prop}')")
    )


@pytest.mark.parametrize("width", [1280, 360])
def test_the_administration_wears_the_portals_colours_and_speaks_vietnamese(browser, live, width):
    page = administrator(browser, live, width)
    try:
        assert style(page, "#header", "border-bottom-color") == RED
        assert style(page, "#site-name", "color") == RED
        assert style(page, "#header", "background-color") == "rgb(255, 255, 255)"
        expect(page.locator("#site-name")).to_have_text("Trang quản trị")
        main = page.locator("#content-main")
        for name in ("Nhật ký", "Ứng dụng và mã truy cập", "Mã truy cập", "Kết quả tác vụ"):
            expect(main.get_by_text(name, exact=True).first).to_be_visible()
        text = main.inner_text()
        for english in ("Access tokens", "Django OAuth Toolkit", "Task Results", "AUDIT"):
            assert english not in text
        assert page.title().startswith("Quản trị hệ thống")
        width_used = page.evaluate("document.documentElement.scrollWidth")
        assert width_used <= width
        page.get_by_role("button", name="English").click()
        expect(page.locator("#site-name")).to_have_text("Administration")
        expect(main.get_by_text("Access tokens", exact=True).first).to_be_visible()
        page.get_by_role("button", name="Tiếng Việt").click()
        expect(page.locator("#site-name")).to_have_text("Trang quản trị")
    finally:
        page.context.close()
