"""The reset page on a slow phone: its first load is light; the strength meter's dictionary
comes only once the person types a password, and the form never waits for it."""

from __future__ import annotations

import itertools
import json

import pytest
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.e2e

BUDGET = 60 * 1024  # bytes on the wire, first load, cold cache
NEW_PASSWORD = "Moi#Matkhau2026"
DICTIONARY = "/zxcvbn-ts/"
_numbers = itertools.count(1)


def new_account(live) -> tuple[str, str]:
    n = next(_numbers)
    local = f"e2e.light{n}"
    number = f"+8497771{n:04d}"
    json.loads(
        live.manage(
            "accounts",
            "add",
            local,
            "--name",
            f"Người Nhẹ {n}",
            "--unit",
            "MYTU-HHN",
            "--password",
            "Cu@Matkhau2025",
            "--phone",
            number,
        )
    )
    return local, number


def to_phone_step(page: Page, live, login: str) -> None:
    """Forgot -> the masked phone, ready for "Lấy mã xác nhận"."""
    page.goto(live.url + "/quen-mat-khau/")
    page.get_by_label("Email công vụ").fill(login)
    page.get_by_role("button", name="Tiếp tục").click()
    expect(page.get_by_role("button", name="Lấy mã xác nhận")).to_be_visible()


@pytest.fixture
def slow_phone(browser, live):
    context = browser.new_context(viewport={"width": 360, "height": 740}, locale="vi-VN")
    context.set_default_timeout(10_000)
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def cold_copy(browser, slow_phone):
    """The same person's session in a browser that has nothing cached yet."""
    contexts = []

    def copy():
        context = browser.new_context(
            viewport={"width": 360, "height": 740},
            locale="vi-VN",
            storage_state=slow_phone.context.storage_state(),
        )
        context.set_default_timeout(10_000)
        contexts.append(context)
        return context.new_page()

    yield copy
    for context in contexts:
        context.close()


def test_the_reset_page_is_at_most_60_kb_on_the_wire_until_a_password_is_typed(
    cold_copy, slow_phone, live
):
    login, number = new_account(live)
    to_phone_step(slow_phone, live, login)
    slow_phone.get_by_role("button", name="Lấy mã xác nhận").click()
    code = live.wait_for_code(number)
    page = cold_copy()
    finished = []
    page.on("requestfinished", lambda request: finished.append(request))
    page.goto(live.url + "/quen-mat-khau/dat-lai/")
    page.wait_for_load_state("networkidle")

    # Playwright's body size is the bytes received less the headers: a response taken from
    # the memory cache (the emblem, asked for twice) received nothing.
    wire_of = {}
    for request in finished:
        s = request.sizes()
        wire_of[request.url] = wire_of.get(request.url, 0) + max(
            0, s["responseHeadersSize"] + s["responseBodySize"]
        )
    wire = sum(wire_of.values())
    print(f"reset page, first load: {wire} bytes on the wire in {len(finished)} responses")
    for url, size in wire_of.items():
        print(f"  {size:>8}  {url}")
    assert wire <= BUDGET, wire_of
    assert not [url for url in wire_of if DICTIONARY in url]

    # The meter comes with the first keystroke and rates what is typed.
    meter = page.locator("#id_password1_strength")
    expect(meter).to_be_hidden()
    page.get_by_label("Mật khẩu", exact=True).press_sequentially("abc")
    expect(meter).to_be_visible()
    expect(meter).to_contain_text("Rất yếu")
    page.get_by_label("Mật khẩu", exact=True).fill(NEW_PASSWORD)
    expect(meter).not_to_contain_text("Rất yếu")

    page.get_by_label("Mã xác nhận").fill(code)
    page.get_by_label("Nhập lại mật khẩu").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Khôi phục mật khẩu").click()
    expect(page.get_by_role("dialog").get_by_text("Thay đổi mật khẩu thành công!")).to_be_visible()


def test_the_form_is_sent_when_the_meter_never_comes(slow_phone, live):
    page = slow_phone
    asked = []

    def never(route):  # the dictionary never arrives
        asked.append(route.request.url)
        route.abort()

    page.route(f"**{DICTIONARY}**", never)
    login, number = new_account(live)
    to_phone_step(page, live, login)
    page.get_by_role("button", name="Lấy mã xác nhận").click()
    code = live.wait_for_code(number)
    page.wait_for_load_state("networkidle")
    assert asked == []  # not before a password is typed
    page.get_by_label("Mã xác nhận").fill(code)
    page.get_by_label("Mật khẩu", exact=True).press_sequentially(NEW_PASSWORD)
    page.wait_for_load_state("networkidle")
    assert asked  # asked for on the first keystroke, and refused
    page.get_by_label("Nhập lại mật khẩu").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Khôi phục mật khẩu").click()
    expect(page.get_by_role("dialog").get_by_text("Thay đổi mật khẩu thành công!")).to_be_visible()
