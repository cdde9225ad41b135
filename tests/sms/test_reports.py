"""Delivery reports from real gateways move the record: Kannel calls govid back over HTTP,
the SMPP SMSC sends a receipt on the bind. Also the SMPP link's upkeep."""

from __future__ import annotations

import time

import pytest
from django.test import override_settings

from govid.sms import get_routes
from govid.sms.base import SmsError
from govid.sms.conf import SmppSettings
from govid.sms.delivery import queue_sms
from govid.sms.gateways.smpp import SmppGateway
from govid.sms.models import Message
from govid.sms.reports import report_token
from tests.servers import smsc as smsc_module
from tests.servers.smsc import Smsc

pytestmark = pytest.mark.django_db(transaction=True)


def wait_for_state(message: Message, state: str, timeout: float = 10.0) -> Message:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        message.refresh_from_db()
        if message.state == state:
            return message
        time.sleep(0.05)
    raise AssertionError(f"message stayed {message.state}, not {state}: {message.last_error}")


def lower(env: dict[str, str], prefix: str) -> dict[str, str]:
    return {k.removeprefix(prefix).lower(): v for k, v in env.items() if k.startswith(prefix)}


@pytest.fixture
def via_kannel(kannel_server, live_server):
    with override_settings(
        GOVID_SMS={"gateway": "kannel", "sender": "SOCTRANG"},
        GOVID_KANNEL=lower(kannel_server.env, "GOVID_KANNEL_"),
        GOVID_PUBLIC_URL=live_server.url,
    ):
        yield kannel_server


@pytest.fixture
def via_smpp(smsc_server):
    with override_settings(
        GOVID_SMS={"gateway": "smpp"}, GOVID_SMPP=lower(smsc_server.env, "GOVID_SMPP_")
    ):
        yield smsc_server
        for _name, gateway in get_routes():
            gateway.close()


def test_kannel_carries_the_text_and_its_report_marks_it_delivered(via_kannel):
    message = queue_sms("+84393555121", "Ma xac nhan: 123456", purpose="code", account="an")
    assert via_kannel.wait_for("+84393555121")[-1] == (
        "SOCTRANG",
        "84393555121",
        "Ma xac nhan: 123456",
    )
    message = wait_for_state(message, "delivered")
    assert message.gateway == "kannel" and message.delivered_at is not None


def test_a_report_needs_the_messages_own_token(client, sms):
    message = queue_sms("+84393555121", "x", purpose="notice")
    ref = str(message.ref)
    base = f"/sms/bao-cao/kannel/{ref}"
    other = report_token("00000000-0000-4000-8000-000000000000")
    assert client.get(f"{base}/{other}/?type=1").status_code == 403
    assert client.get(f"{base}/{report_token(ref)}/?type=x").status_code == 400
    assert client.get(f"{base}/{report_token(ref)}/?type=8").status_code == 200  # not final
    message.refresh_from_db()
    assert message.state == "sent"
    response = client.get(
        f"{base}/{report_token(ref)}/?type=2&answer=NACK%2F0x0000000B+84393555121"
    )
    assert response.status_code == 200
    message.refresh_from_db()
    assert message.state == "failed" and message.last_error == "NACK/0x0000000B ***"
    gone = "11111111-1111-4111-8111-111111111111"
    assert client.get(f"/sms/bao-cao/kannel/{gone}/{report_token(gone)}/?type=1").status_code == 404


def test_smpp_submits_and_its_receipt_marks_it_delivered(via_smpp):
    message = queue_sms("+84393555122", "Ma xac nhan: 654321", purpose="code")
    (submitted,) = via_smpp.wait_for("+84393555122")
    assert submitted["text"] == "Ma xac nhan: 654321" and submitted["registered_delivery"] == 1
    message = wait_for_state(message, "delivered")
    assert message.provider_id == submitted["id"] and message.gateway == "smpp"


def test_an_smpp_receipt_of_undelivered_marks_it_failed(via_smpp):
    message = queue_sms("+84997000123", "x", purpose="notice")
    message = wait_for_state(message, "failed")
    assert "stat:UNDELIV" in message.last_error


def smpp(port: int, **changes) -> SmppGateway:
    return SmppGateway(
        SmppSettings(
            host="127.0.0.1",
            port=port,
            system_id=smsc_module.SYSTEM_ID,
            password=smsc_module.PASSWORD,
            timeout=2,
            **changes,
        )
    )


def test_smpp_reconnects_with_back_off_after_the_smsc_restarts(tmp_path):
    server = Smsc(tmp_path).start()
    gateway = smpp(server.port, reconnect_max=2)
    try:
        assert gateway.send("+84393555121", "truoc")
        server.stop()
        with pytest.raises(SmsError) as lost:
            gateway.send("+84393555121", "trong luc dung")
        assert not lost.value.permanent
        server = Smsc(tmp_path, port=server.port).start()
        end = time.monotonic() + 15
        while True:
            try:
                assert gateway.send("+84393555121", "sau")
                break
            except SmsError:
                if time.monotonic() > end:
                    raise
        assert gateway.session.binds >= 2  # bound again, without a restart of govid
        assert [e["text"] for e in server.events()][-1] == "sau"
    finally:
        gateway.close()
        server.stop()


def test_smpp_keeps_an_idle_link_alive_with_enquire_link(smsc_server):
    gateway = smpp(smsc_server.port, enquire_link=1)
    try:
        gateway.send("+84393555121", "x")
        client = gateway.session.client
        time.sleep(2.5)
        assert client.enquire_link_answers >= 1  # asked, and the SMSC answered
        assert gateway.session.client is client and gateway.session.binds == 1
    finally:
        gateway.close()
