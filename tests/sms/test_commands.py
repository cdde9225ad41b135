"""manage.py sms: queue a test SMS, and the helpdesk's lists (masked, JSON, one per line)."""

from __future__ import annotations

import json
from io import StringIO
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from govid.recovery import flow


def run(*args: str) -> list[dict[str, Any]]:
    out = StringIO()
    call_command("sms", *args, stdout=out)
    return [json.loads(line) for line in out.getvalue().splitlines()]


def test_send_queues_a_notice_and_shows_its_state(db, sms):
    (sent,) = run("send", "0912 345 678", "Thử cổng SMS")
    assert sent["state"] == "sent" and sent["phone"] == "0912XXX678"
    assert sms.sent[-1].text == "Thu cong SMS"
    assert run("show", sent["ref"]) == [sent]


def test_list_filters_by_account_phone_and_state_and_masks(account, sms):
    flow.send_code(account.login, ip=None)
    run("send", "0912 345 678", "x")
    mine = run("list", "--account", "an.nguyen")
    assert [(m["purpose"], m["phone"]) for m in mine] == [("code", "0393XXX121")]
    assert "******" in mine[0]["text"]
    assert [m["phone"] for m in run("list", "--phone", "+84912345678")] == ["0912XXX678"]
    assert len(run("list", "--state", "sent")) == 2 and run("list", "--state", "failed") == []


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("send", "12345", "x"), "invalid phone"),
        (("send", "0912345678", "x" * 161), "does not fit one SMS"),
        (("show", "not-a-ref"), "no message not-a-ref"),
    ],
)
def test_bad_arguments_are_one_clear_line(db, args, message):
    with pytest.raises(CommandError, match=message):
        call_command("sms", *args)
