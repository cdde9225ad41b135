"""The seed flow with real gateways: the code reaches Kannel's test SMSC or the SMPP server,
the delivery report moves its record to "delivered"; with the gateway down, the user is told."""

from __future__ import annotations

import json
import re
import time
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import serve
from tests.e2e.test_seed_flow import NEW_PASSWORD, new_account, start_forgot
from tests.servers import free_port

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def via_kannel(kannel_server, tmp_path_factory):
    env = {"GOVID_SMS_GATEWAY": "kannel", **kannel_server.env}
    with serve(tmp_path_factory.mktemp("govid-kannel"), **env) as server:
        yield server


@pytest.fixture(scope="module")
def via_smpp(smsc_server, tmp_path_factory):
    env = {"GOVID_SMS_GATEWAY": "smpp", **smsc_server.env}
    with serve(tmp_path_factory.mktemp("govid-smpp"), **env) as server:
        yield server


@pytest.fixture(scope="module")
def gateway_down(tmp_path_factory):
    env = {
        "GOVID_SMS_GATEWAY": "kannel",
        "GOVID_KANNEL_SENDSMS_URL": f"http://127.0.0.1:{free_port()}/cgi-bin/sendsms",
        "GOVID_SMS_RETRY_BASE": "1",
        "GOVID_SMS_MAX_ATTEMPTS": "3",
    }
    with serve(tmp_path_factory.mktemp("govid-down"), **env) as server:
        yield server


def records(live, account: str) -> list[dict[str, Any]]:
    lines = live.manage("sms", "list", "--account", account).splitlines()
    return [json.loads(line) for line in lines]


def wait_for_records(
    live, account: str, states: list[str], timeout: float = 15.0
) -> list[dict[str, Any]]:
    end = time.monotonic() + timeout
    while (found := records(live, account)) and time.monotonic() < end:
        if [r["state"] for r in reversed(found)] == states:
            return found
        time.sleep(0.2)
    raise AssertionError(f"records {found} never reached {states}")


def walk_the_seed_flow(page, live, read_code) -> str:
    local, number = new_account(live)
    start_forgot(page, live, local)
    page.get_by_role("button", name="Lấy mã xác nhận").click()
    expect(
        page.get_by_text("Mã xác nhận đã được gửi tới số điện thoại", exact=False)
    ).to_be_visible()
    code = read_code(number)
    page.get_by_label("Mã xác nhận").fill(code)
    page.get_by_label("Mật khẩu", exact=True).fill(NEW_PASSWORD)
    page.get_by_label("Nhập lại mật khẩu").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Khôi phục mật khẩu").click()
    expect(page.get_by_role("heading", name="Thành công!")).to_be_visible()
    return f"{local}@soctrang.gov.vn"


def code_in(text: str) -> str:
    match = re.search(r"\b(\d{6})\b", text)
    assert match, text
    return match.group(1)


def test_through_kannel_the_code_reaches_the_smsc_and_is_reported_delivered(
    browser, via_kannel, kannel_server
):
    page = browser.new_page()
    login = walk_the_seed_flow(
        page, via_kannel, lambda number: code_in(kannel_server.wait_for(number)[-1][2])
    )
    found = wait_for_records(via_kannel, login, ["delivered", "delivered"])
    code, notice = reversed(found)
    assert (code["purpose"], code["gateway"]) == ("code", "kannel")
    assert "******" in code["text"] and not re.search(r"\d{6}", code["text"])
    assert notice["purpose"] == "notice" and code["delivered_at"]
    page.close()


def test_through_smpp_the_code_reaches_the_smsc_and_is_reported_delivered(
    browser, via_smpp, smsc_server
):
    page = browser.new_page()
    login = walk_the_seed_flow(
        page, via_smpp, lambda number: code_in(smsc_server.wait_for(number)[-1]["text"])
    )
    found = wait_for_records(via_smpp, login, ["delivered", "delivered"])
    assert {r["gateway"] for r in found} == {"smpp"}
    page.close()


def test_with_the_gateway_down_the_user_is_told_and_the_record_says_why(browser, gateway_down):
    page = browser.new_page(viewport={"width": 360, "height": 740})
    local, _number = new_account(gateway_down)
    start_forgot(page, gateway_down, local)
    page.get_by_role("button", name="Lấy mã xác nhận").click()
    # The page follows the SMS, then says it could not be sent (retries take a few seconds).
    expect(
        page.get_by_text("Không gửi được tin nhắn chứa mã xác nhận. Vui lòng thử lại sau ít phút.")
    ).to_be_visible(timeout=20_000)
    expect(page.get_by_role("button", name="Lấy mã xác nhận")).to_be_visible()
    (record,) = records(gateway_down, f"{local}@soctrang.gov.vn")
    assert record["state"] == "failed" and record["attempts"] == 3
    assert "kannel: Kannel unreachable" in record["last_error"]
    # Nothing else broke: the login page serves, and the failed code did not count.
    page.goto(gateway_down.url + "/")
    expect(page.get_by_role("heading", name="Đăng nhập")).to_be_visible()
    page.close()
