"""One contract for every SMS gateway (outbox, memory; Kannel, SMPP, HTTP join later)."""

from __future__ import annotations

import json
from datetime import datetime

import pytest

from govid.sms.base import SmsError
from govid.sms.gateways.memory import MemoryGateway
from govid.sms.gateways.outbox import OutboxGateway


@pytest.fixture(params=["outbox", "memory"])
def gateway_and_inbox(request, tmp_path):
    if request.param == "outbox":
        path = tmp_path / "sms-outbox.jsonl"
        gateway = OutboxGateway(path=str(path), echo=False)

        def inbox():
            if not path.exists():
                return []
            return [json.loads(line) for line in path.read_text().splitlines()]

        return gateway, inbox
    memory = MemoryGateway()
    return memory, lambda: [{"to": m.to, "text": m.text, "id": m.message_id} for m in memory.sent]


def test_send_delivers_the_text_and_returns_an_id(gateway_and_inbox):
    gateway, inbox = gateway_and_inbox
    first = gateway.send("+84393555121", "Ma xac nhan: 123456")
    second = gateway.send("+84912345678", "Thong bao")
    assert first and second and first != second
    messages = inbox()
    assert [(m["to"], m["text"]) for m in messages] == [
        ("+84393555121", "Ma xac nhan: 123456"),
        ("+84912345678", "Thong bao"),
    ]


def test_outbox_lines_have_the_documented_shape(tmp_path):
    path = tmp_path / "out.jsonl"
    OutboxGateway(path=str(path), echo=False).send("+84393555121", "xin chao")
    line = json.loads(path.read_text())
    assert set(line) >= {"to", "text", "sent_at"}
    assert datetime.fromisoformat(line["sent_at"]).tzinfo is not None


def test_outbox_echo_prints_to_the_console(tmp_path, capsys):
    OutboxGateway(path=str(tmp_path / "o.jsonl"), echo=True).send("+84393555121", "xin chao")
    assert "[SMS to +84393555121] xin chao" in capsys.readouterr().out


def test_an_unwritable_outbox_is_an_sms_error(tmp_path):
    (tmp_path / "dir").mkdir()
    with pytest.raises(SmsError):
        OutboxGateway(path=str(tmp_path / "dir"), echo=False).send("+84393555121", "x")
