"""SMS floods, each paid for by the province: from one address, and from many against one
phone or one account. Each stops at its ceiling, and the outbox shows what really left."""

from __future__ import annotations

import time

import pytest

from tests.abuse.attacker import Visitor, new_ip, sent_to_reset, summary
from tests.abuse.conftest import DEFAULTS, FLOOD, SHARED_PHONE
from tests.abuse.scale import report

pytestmark = pytest.mark.e2e


def e164(national: str) -> str:
    return "+84" + national[1:]


def settled(live, phones: list[str], *, quiet: float = 2.0, timeout: float = 30.0) -> int:
    """How many SMS went to ``phones`` once nothing more arrives for ``quiet`` seconds."""
    end = time.monotonic() + timeout
    count, since = -1, time.monotonic()
    while time.monotonic() < end:
        now = sum(len(live.messages(p)) for p in phones)
        if now != count:
            count, since = now, time.monotonic()
        elif time.monotonic() - since >= quiet:
            break
        time.sleep(0.2)
    return count


def test_one_address_gets_its_codes_an_hour_whatever_the_accounts(abuse_live):
    ceiling = int(DEFAULTS["GOVID_LIMITS_CODE_IP"].split("/")[0])  # an office's: 30
    assert ceiling < FLOOD
    attacker = Visitor(abuse_live.url)  # one address, one browser
    answers = [attacker.get_code(f"flood.{i}") for i in range(FLOOD)]
    phones = [e164(f"09180{i:05d}") for i in range(FLOOD)]
    sent = settled(abuse_live, phones)
    report("SMS flood from one address", {"requests": FLOOD, "sms": sent, **{
        f"http_{k}": v for k, v in summary(answers).items()}})  # fmt: skip
    assert sum(sent_to_reset(a) for a in answers) == ceiling
    assert sent == ceiling
    assert all(a.status_code == 429 for a in answers[ceiling:])
    assert all(0 < int(a.headers["Retry-After"]) <= 3600 for a in answers[ceiling:])


def test_many_addresses_get_five_codes_an_hour_to_one_phone(abuse_live):
    answers = [Visitor(abuse_live.url).get_code(f"shared.{i % 8}") for i in range(24)]
    sent = settled(abuse_live, [e164(SHARED_PHONE)])
    report("SMS flood on one phone, 24 addresses, 8 accounts", {"sms": sent, **{
        f"http_{k}": v for k, v in summary(answers).items()}})  # fmt: skip
    assert sent == 5
    assert sum(sent_to_reset(a) for a in answers) == 5
    refused = [a for a in answers if a.status_code == 429]
    assert len(refused) == 19
    assert any("Số điện thoại này đã nhận quá nhiều mã xác nhận." in a.text for a in refused)


def test_many_addresses_get_five_codes_a_day_to_one_account(abuse_live):
    answers = [Visitor(abuse_live.url, ip=new_ip(v6=True)).get_code("binh.tran") for _ in range(15)]
    sent = settled(abuse_live, [e164("0912345678")])
    report("SMS flood on one account, 15 addresses", {"sms": sent, **{
        f"http_{k}": v for k, v in summary(answers).items()}})  # fmt: skip
    assert sent == 5
    assert sum(sent_to_reset(a) for a in answers) == 5
    assert all(a.status_code == 429 for a in answers if not sent_to_reset(a))
