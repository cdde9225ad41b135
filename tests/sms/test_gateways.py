"""One contract for every SMS gateway: outbox and memory, and Kannel, SMPP and HTTP against
real servers (Kannel and an SMPP SMSC) or the carrier API's stand-in, all on loopback."""

from __future__ import annotations

import json
import time
from datetime import datetime
from typing import Any

import pytest

from govid.sms.base import SmsError, SmsRefused
from govid.sms.conf import HttpSmsSettings, KannelSettings, SmppSettings
from govid.sms.gateways.http import HttpGateway
from govid.sms.gateways.kannel import KannelGateway
from govid.sms.gateways.memory import MemoryGateway
from govid.sms.gateways.outbox import OutboxGateway
from govid.sms.gateways.smpp import SmppGateway
from tests.servers import free_port
from tests.servers import kannel as kannel_server_module
from tests.servers import smsc as smsc_module
from tests.servers.carrier import PASSWORD as API_PASSWORD
from tests.servers.carrier import USERNAME as API_USERNAME

GATEWAYS = ["outbox", "memory", "kannel", "smpp", "http-json", "http-form"]


def kannel_gateway(server, **changes) -> KannelGateway:
    values = {
        "sendsms_url": server.sendsms_url,
        "username": kannel_server_module.USERNAME,
        "password": kannel_server_module.PASSWORD,
        **changes,
    }
    return KannelGateway(KannelSettings(**values))


def smpp_gateway(server, **changes) -> SmppGateway:
    values = {
        "host": "127.0.0.1",
        "port": server.port,
        "system_id": smsc_module.SYSTEM_ID,
        "password": smsc_module.PASSWORD,
        "timeout": 3,
        **changes,
    }
    return SmppGateway(SmppSettings(**values))


def http_gateway(carrier, preset: str, **changes) -> HttpGateway:
    values = {
        "preset": preset,
        "url": f"{carrier.url}/{preset}",
        "username": API_USERNAME,
        "password": API_PASSWORD,
        "permanent_values": ("118",),
        **changes,
    }
    return HttpGateway(HttpSmsSettings(**values))


def eventually(read, count: int, timeout: float = 5.0) -> list[dict[str, Any]]:
    """Gateways hand over asynchronously: wait until ``count`` messages are in."""
    end = time.monotonic() + timeout
    while len(found := read()) < count and time.monotonic() < end:
        time.sleep(0.05)
    return found


@pytest.fixture(params=GATEWAYS)
def gateway_and_inbox(request, tmp_path):
    """(gateway, inbox) where inbox() lists what reached the other side as {"to", "text"}."""
    kind = request.param
    if kind == "outbox":
        path = tmp_path / "sms-outbox.jsonl"

        def read_outbox():
            return [json.loads(x) for x in path.read_text().splitlines()] if path.exists() else []

        return OutboxGateway(path=str(path), echo=False), read_outbox
    if kind == "memory":
        memory = MemoryGateway()
        return memory, lambda: [{"to": m.to, "text": m.text} for m in memory.sent]
    if kind == "kannel":
        server = request.getfixturevalue("kannel_server")
        before = len(server.delivered())
        return kannel_gateway(server), lambda: [
            {"to": "+" + to, "text": text} for _s, to, text in server.delivered()[before:]
        ]
    if kind == "smpp":
        server = request.getfixturevalue("smsc_server")
        before = len(server.events())
        gateway = smpp_gateway(server)
        request.addfinalizer(gateway.close)
        return gateway, lambda: [
            {"to": "+" + e["to"], "text": e["text"]} for e in server.events()[before:]
        ]
    carrier = request.getfixturevalue("carrier")
    return http_gateway(carrier, kind.removeprefix("http-")), lambda: [
        {"to": "+" + m["to"], "text": m["text"]} for m in carrier.received
    ]


def test_send_delivers_the_text_and_returns_an_id(gateway_and_inbox):
    gateway, inbox = gateway_and_inbox
    first = gateway.send("+84393555121", "Ma xac nhan: 123456", ref="ref-1")
    second = gateway.send("+84912345678", "Thong bao", ref="ref-2")
    assert first and second and first != second
    messages = eventually(inbox, 2)
    assert [(m["to"], m["text"]) for m in messages] == [
        ("+84393555121", "Ma xac nhan: 123456"),
        ("+84912345678", "Thong bao"),
    ]


def test_the_brandname_is_the_sender(kannel_server, smsc_server, carrier, settings):
    settings.GOVID_SMS = {"sender": "STTTTT"}
    kannel_gateway(kannel_server).send("+84393000001", "x", ref="r")
    assert kannel_server.wait_for("+84393000001")[-1][0] == "STTTTT"
    smpp = smpp_gateway(smsc_server)
    try:
        smpp.send("+84393000002", "x")
    finally:
        smpp.close()
    assert smsc_server.wait_for("+84393000002")[-1]["from"] == "STTTTT"
    http_gateway(carrier, "json").send("+84393000003", "x")
    assert carrier.received[-1]["from"] == "STTTTT"


def unreachable(kind: str) -> object:
    port = free_port()  # nothing listens there
    if kind == "kannel":
        return KannelGateway(KannelSettings(sendsms_url=f"http://127.0.0.1:{port}/cgi-bin/sendsms"))
    if kind == "smpp":
        return SmppGateway(SmppSettings(host="127.0.0.1", port=port, system_id="x", timeout=1))
    return HttpGateway(HttpSmsSettings(url=f"http://127.0.0.1:{port}/json"))


@pytest.mark.parametrize("kind", ["kannel", "smpp", "http"])
def test_an_unreachable_gateway_is_a_transient_error(kind):
    gateway = unreachable(kind)
    try:
        with pytest.raises(SmsError) as error:
            gateway.send("+84393555121", "x", ref="r")
    finally:
        gateway.close()
    assert not error.value.permanent


def test_kannel_refuses_a_garbage_number_for_good(kannel_server):
    with pytest.raises(SmsRefused) as error:
        kannel_gateway(kannel_server).send("+84abc", "x", ref="r")
    assert "400" in str(error.value)


def test_kannel_with_a_wrong_password_is_worth_another_route(kannel_server):
    with pytest.raises(SmsError) as error:
        kannel_gateway(kannel_server, password="wrong").send("+84393555121", "x", ref="r")
    assert not error.value.permanent and "403" in str(error.value)


def test_kannel_asks_for_a_delivery_report_at_govids_address(settings):
    settings.GOVID_PUBLIC_URL = "https://login.soctrang.gov.vn"
    url = KannelGateway(KannelSettings(sendsms_url="http://x")).dlr_url(
        "5f0c5a8e-0000-4000-8000-000000000001"
    )
    assert url.startswith(
        "https://login.soctrang.gov.vn/sms/bao-cao/kannel/5f0c5a8e-0000-4000-8000-000000000001/"
    )
    assert url.endswith("/?type=%d&answer=%A")


def test_smpp_invalid_destination_is_permanent_and_throttling_is_not(smsc_server):
    gateway = smpp_gateway(smsc_server)
    try:
        with pytest.raises(SmsRefused, match="0x0000000B"):
            gateway.send("+84999000111", "x")
        with pytest.raises(SmsError) as throttled:
            gateway.send("+84998000111", "x")
        assert not throttled.value.permanent
        assert gateway.send("+84393555121", "x")  # the bind survived both
    finally:
        gateway.close()


@pytest.mark.parametrize("preset", ["json", "form"])
def test_http_presets_tell_a_wrong_number_from_a_busy_carrier(carrier, preset):
    gateway = http_gateway(carrier, preset)
    with pytest.raises(SmsRefused):
        gateway.send("+84999000111", "x")
    with pytest.raises(SmsError) as busy:
        gateway.send("+84998000111", "x")
    assert not busy.value.permanent
    assert carrier.received == []


@pytest.mark.parametrize("preset", ["json", "form"])
def test_http_presets_with_wrong_credentials_are_not_permanent(carrier, preset):
    with pytest.raises(SmsError) as error:
        http_gateway(carrier, preset, password="wrong").send("+84393555121", "x")
    assert not error.value.permanent


def test_http_returns_the_carriers_message_id(carrier):
    assert http_gateway(carrier, "json").send("+84393555121", "x") == carrier.received[-1]["id"]
    assert http_gateway(carrier, "form").send("+84393555121", "x") == carrier.received[-1]["id"]


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


def test_a_gateways_answer_is_kept_without_the_text_or_the_number():
    from govid.sms.scrubbing import scrub

    echoed = "ERR: 301 to 84393555121 (0393555121): 'Ma xac nhan: 123456' rejected"
    kept = scrub(echoed, to="+84393555121", text="Ma xac nhan: 123456")
    assert "123456" not in kept and "393555121" not in kept and kept.startswith("ERR: 301")
