"""The limits at each step of the seed's flow, over HTTP, as an attacker meets them."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.test import Client

from govid import clock
from govid.audit.models import Event
from govid.directory.provision import add_account
from govid.limits.conf import LimitSettings
from govid.limits.rules import parse_rule
from govid.recovery.models import Challenge
from tests.conftest import NEW_PASSWORD

FORGOT = "/quen-mat-khau/"
UNIT = "MYTU-VHTT"


def default_ceiling(name: str) -> int:
    """A default ceiling, as the README's table gives it (an office behind one address)."""
    rule = parse_rule(getattr(LimitSettings(), name))
    assert rule is not None
    return rule.ceiling


CODE = "/quen-mat-khau/lay-ma/"
RESET = "/quen-mat-khau/dat-lai/"


def lookup(client: Client, typed: str, ip: str):
    return client.post(FORGOT, {"email": typed}, REMOTE_ADDR=ip)


def get_code(client: Client, typed: str, ip: str):
    lookup(client, typed, ip)
    return client.post(CODE, REMOTE_ADDR=ip)


def without_tokens(html: str) -> str:
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", html)


def assert_refused(response, fragment: str) -> None:
    html = response.content.decode()
    assert response.status_code == 429, html[:400]
    assert 0 < int(response["Retry-After"]) <= 24 * 3600
    assert fragment in html
    assert re.search(r"Vui lòng thử lại sau \d+ phút nữa \(lúc \d\d:\d\d\)\.", html)
    assert '<html lang="vi">' in html


def test_one_address_gets_a_hundred_lookups_an_hour(client, account, frozen, settings):
    settings.GOVID_CAPTCHA = {"mode": "off"}  # its own tests: tests/captcha
    assert default_ceiling("lookup_ip") == 100
    for i in range(100):
        assert lookup(client, f"ai.do.{i}", "198.51.100.7").status_code == 200
    refused = lookup(client, "an.nguyen", "198.51.100.7")
    assert_refused(refused, "Có quá nhiều yêu cầu từ địa chỉ mạng của bạn.")
    assert int(refused["Retry-After"]) == 3600
    assert lookup(client, "an.nguyen", "203.0.113.9").status_code == 302  # another network
    clock.advance(timedelta(hours=1))
    assert lookup(client, "an.nguyen", "198.51.100.7").status_code == 302


def test_addresses_of_one_network_share_its_ceiling(client, account, settings, frozen):
    settings.GOVID_CAPTCHA = {"mode": "off"}
    # The mechanism at a hundred (the default is 300: the ceiling's size is not the point here).
    settings.GOVID_LIMITS = {**settings.GOVID_LIMITS, "lookup_net": "100/3600"}
    for i in range(100):
        lookup(client, f"ai.do.{i}", f"198.51.100.{i % 250}")
    assert_refused(lookup(client, "an.nguyen", "198.51.100.251"), "địa chỉ mạng")
    for i in range(100):
        lookup(client, f"ai.do.{i}", f"2001:db8:1:2::{i:x}")
    assert_refused(lookup(client, "an.nguyen", "2001:db8:1:2:ffff::1"), "địa chỉ mạng")
    assert lookup(client, "an.nguyen", "2001:db8:1:3::1").status_code == 302  # another /64


def test_unknown_and_known_accounts_are_limited_alike(client, account, frozen):
    answers = {}
    for typed in ("an.nguyen", "khong.ton.tai"):
        for i in range(10):
            lookup(client, typed, f"192.0.2.{i}")
        refused = lookup(client, typed, "192.0.2.200")
        assert_refused(refused, "Tài khoản này có quá nhiều yêu cầu khôi phục mật khẩu.")
        answers[typed] = without_tokens(refused.content.decode())
    assert answers["an.nguyen"] == answers["khong.ton.tai"]


def test_a_phone_gets_at_most_five_codes_an_hour_whatever_the_accounts(
    client, account, sms, frozen
):
    for name in ("binh", "chi"):
        add_account(
            f"{name}@soctrang.gov.vn", name=name, unit="MYTU-VHTT", phone="0393555121", actor="t"
        )
    for i, typed in enumerate(["an.nguyen", "binh", "chi", "an.nguyen", "binh"]):
        assert get_code(Client(), typed, f"192.0.{i}.1").status_code == 302
    assert len(sms.sent) == 5
    refused = get_code(Client(), "chi", "192.0.9.1")
    assert_refused(refused, "Số điện thoại này đã nhận quá nhiều mã xác nhận.")
    assert len(sms.sent) == 5
    clock.advance(timedelta(hours=1))
    assert get_code(Client(), "chi", "192.0.9.1").status_code == 302
    assert len(sms.sent) == 6


def test_one_address_gets_thirty_codes_an_hour(client, units, sms, frozen, settings):
    """Thirty colleagues behind one office address each get their code; the next is refused."""
    settings.GOVID_CAPTCHA = {"mode": "off"}
    assert default_ceiling("code_ip") == 30
    for i in range(31):
        add_account(
            f"nguoi.{i}@soctrang.gov.vn",
            name=f"Người {i}",
            unit="MYTU-VHTT",
            phone=f"09123456{i:02d}",
            actor="t",
        )
    answers = [get_code(Client(), f"nguoi.{i}", "198.51.100.7") for i in range(31)]
    assert [a.status_code for a in answers] == [302] * 30 + [429]
    assert len(sms.sent) == 30


def wrong(code: str) -> str:
    return f"{(int(code) + 1) % 1_000_000:06d}"


def test_parallel_challenges_do_not_multiply_the_guesses(account, sms, frozen):
    """Reverse brute force: three sessions, three codes, yet ten guesses in all per hour."""
    sessions = []
    for i in range(3):
        session = Client()
        assert get_code(session, "an.nguyen", f"192.0.2.{i}").status_code == 302
        sessions.append((session, sms.sent[-1].text))
    answers = []
    for n in range(12):
        session, text = sessions[n % 3]
        code = re.search(r"\d{6}", text).group()
        guess = {"code": wrong(code), "password1": NEW_PASSWORD, "password2": NEW_PASSWORD}
        answers.append(session.post(RESET, guess, REMOTE_ADDR=f"198.51.{n}.1").status_code)
    assert answers == [400] * 10 + [429, 429]
    # Past the budget even the right code is not looked at: there is nothing left to guess with.
    session, text = sessions[0]
    right = {"code": re.search(r"\d{6}", text).group(), "password1": NEW_PASSWORD}
    right["password2"] = NEW_PASSWORD
    assert_refused(
        session.post(RESET, right, REMOTE_ADDR="198.51.200.1"),
        "Mã xác nhận của tài khoản này đã bị nhập sai quá nhiều lần.",
    )
    assert not Challenge.objects.filter(end_reason=Challenge.End.USED).exists()


def test_a_reached_limit_is_audited_once_per_window(client, account, frozen):
    for i in range(15):
        lookup(client, "an.nguyen", f"192.0.2.{i}")
    events = Event.objects.filter(action="rate_limited")
    assert [(e.subject, e.data["step"], e.data["scope"]) for e in events] == [
        ("an.nguyen@soctrang.gov.vn", "lookup", "account")
    ]


@pytest.mark.parametrize("language", ["en"])
def test_the_refusal_in_english_by_the_switch(client, account, frozen, language):
    client.cookies["govid_language"] = language
    for i in range(11):
        response = lookup(client, "an.nguyen", f"192.0.2.{i}")
    assert response.status_code == 429
    assert "Please try again in" in response.content.decode()


def test_a_resend_that_sends_nothing_counts_nothing(client, account, sms, frozen, settings):
    """Impatient clicks on "Gửi lại" within the countdown send no SMS: the office's address
    keeps its codes for the codes that really go out."""
    settings.GOVID_CAPTCHA = {"mode": "off"}  # its own tests: tests/captcha
    ip = "198.51.100.20"
    assert get_code(client, "an.nguyen", ip).status_code == 302
    for _ in range(15):
        early = client.post("/quen-mat-khau/gui-lai/", REMOTE_ADDR=ip, follow=True)
        assert early.status_code == 200 and "Vui lòng đợi" in early.content.decode()
    assert len(sms.sent) == 1
    # The rest of the address's codes still go out, to colleagues behind it.
    for i in range(default_ceiling("code_ip") - 1):
        phone = f"0912345{i:03d}"
        add_account(f"dong.nghiep{i}", name="Đồng nghiệp", unit=UNIT, phone=phone, actor="test")
        assert get_code(Client(), f"dong.nghiep{i}", ip).status_code == 302
    assert len(sms.sent) == default_ceiling("code_ip")
    assert_refused(get_code(Client(), "an.nguyen", ip), "địa chỉ mạng của bạn")
