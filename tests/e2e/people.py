"""Signing in as a person does it in Chromium, for every browser test: a fresh browser of a
given width, the login page filled in and sent, and whether the page fits the screen."""

from __future__ import annotations

from playwright.sync_api import Browser, Page

from govid.demo.data import PASSWORD  # the demo accounts' documented password

__all__ = ["PASSWORD", "fits", "log_in", "signed_in", "sized_page"]


def sized_page(
    browser: Browser,
    width: int = 360,
    *,
    height: int = 740,
    locale: str = "vi-VN",
    timeout: float = 10_000,
) -> Page:
    """A fresh browser profile ``width`` px wide (360: a civil servant's phone)."""
    context = browser.new_context(viewport={"width": width, "height": height}, locale=locale)
    context.set_default_timeout(timeout)
    return context.new_page()


def log_in(page: Page, live, login: str, password: str = PASSWORD, *, start: str = "/") -> None:
    """Open ``start`` (the login page, or a page that leads to it) and sign in there."""
    page.goto(live.url + start)
    page.get_by_label("Tên tài khoản").fill(login)
    page.get_by_label("Mật khẩu", exact=True).fill(password)
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_load_state()


def signed_in(
    browser: Browser,
    live,
    login: str,
    password: str = PASSWORD,
    *,
    width: int = 360,
    start: str = "/van-phong/",
    **sizing,
) -> Page:
    """A fresh browser ``width`` px wide, signed in as ``login`` through ``start``."""
    page = sized_page(browser, width, **sizing)
    log_in(page, live, login, password, start=start)
    return page


def fits(page: Page) -> bool:
    """Nothing on the page is wider than the screen: no sideways scrolling."""
    return bool(page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"))
