"""Queueing and sending: the record, retries with back-off, failover, permanent errors."""

from __future__ import annotations

from datetime import timedelta

import pytest

from govid import clock
from govid.sms import get_routes
from govid.sms.base import SmsError, SmsRefused
from govid.sms.delivery import backoff, deliver, deliver_due, queue_sms
from govid.sms.models import Message
from govid.sms.signals import message_failed
from govid.sms.texts import register_source

pytestmark = pytest.mark.django_db


def test_a_queued_notice_is_recorded_then_sent(sms, frozen):
    message = queue_sms("+84393555121", "Thông báo đã đổi", purpose="notice", account="an")
    message.refresh_from_db()
    assert message.state == "sent" and message.gateway == "memory"
    assert message.provider_id == sms.sent[-1].message_id
    assert message.sent_at == frozen and message.queued_at == frozen
    assert sms.sent[-1].text == "Thong bao da doi"  # unaccented on the way in
    assert message.masked_to == "0393XXX121" and "0393XXX121" in str(message)


def test_back_off_doubles_up_to_the_ceiling(settings):
    settings.GOVID_SMS = {"retry_base": "2", "retry_max": "20"}
    assert [backoff(n).total_seconds() for n in range(1, 7)] == [2, 4, 8, 16, 20, 20]


def test_a_transient_error_is_retried_after_the_back_off(sms, frozen):
    sms.fail_with = SmsError("busy")
    message = queue_sms("+84393555121", "x", purpose="notice")
    message.refresh_from_db()
    assert (message.state, message.attempts) == ("queued", 1)
    assert message.next_attempt_at == frozen + timedelta(seconds=2)
    assert "memory: busy" in message.last_error
    sms.fail_with = None
    clock.advance(timedelta(seconds=1))
    assert deliver_due() == 0  # not due yet
    clock.advance(timedelta(seconds=1))
    assert deliver_due() == 1
    message.refresh_from_db()
    assert (message.state, message.attempts) == ("sent", 2)


def test_every_attempt_failing_ends_failed_with_the_reason(sms, frozen, settings):
    settings.GOVID_SMS = {"gateway": "memory", "max_attempts": "3"}
    routes = dict(get_routes())
    routes["memory"].fail_with = SmsError("gateway down")
    failed = []

    def listener(message, **kwargs):
        failed.append(message.ref)

    message_failed.connect(listener)
    try:
        message = queue_sms("+84393555121", "x", purpose="notice")
        for _ in range(3):
            clock.advance(timedelta(minutes=1))
            deliver_due()
    finally:
        message_failed.disconnect(listener)
    message.refresh_from_db()
    assert (message.state, message.attempts) == ("failed", 3)
    assert message.failed_at is not None and "gateway down" in message.last_error
    assert message.ref in failed


def test_a_permanent_error_is_not_retried(sms, frozen):
    sms.fail_with = SmsRefused("invalid number")
    message = queue_sms("+84393555121", "x", purpose="notice")
    clock.advance(timedelta(hours=1))
    assert deliver_due() == 0
    message.refresh_from_db()
    assert (message.state, message.attempts) == ("failed", 1)


def test_failover_moves_a_refused_message_to_the_next_route(frozen, settings, tmp_path):
    # The first route is a Kannel nobody runs; the second one takes the message.
    settings.GOVID_KANNEL = {"sendsms_url": "http://127.0.0.1:9/cgi-bin/sendsms"}
    settings.GOVID_SMS = {"gateway": "kannel,memory"}
    message = queue_sms("+84393555121", "x", purpose="notice")
    message.refresh_from_db()
    assert (message.state, message.gateway, message.attempts) == ("sent", "memory", 1)
    assert dict(get_routes())["memory"].sent[-1].to == "+84393555121"


def test_a_permanent_error_on_the_first_route_skips_the_others(frozen, settings):
    settings.GOVID_SMS = {"gateway": "memory,outbox", "outbox": "/nonexistent/dir/x.jsonl"}
    dict(get_routes())["memory"].fail_with = SmsRefused("invalid number")
    message = queue_sms("+84393555121", "x", purpose="notice")
    message.refresh_from_db()
    assert message.state == "failed" and message.last_error.startswith("memory: invalid number")


def test_a_secret_text_is_rendered_at_sending_time_and_never_stored(sms, frozen):
    register_source("test_secret", lambda ref: f"Ma {ref[::-1]}")
    message = queue_sms(
        "+84393555121", "Ma ******", purpose="code", source="test_secret", source_ref="654321"
    )
    message.refresh_from_db()
    assert sms.sent[-1].text == "Ma 123456"
    assert message.text == "Ma ******"
    assert "123456" not in str(Message.objects.filter(pk=message.pk).values().get())


def test_a_text_no_longer_needed_expires_instead_of_going_out(sms, frozen):
    register_source("test_gone", lambda ref: None)
    message = queue_sms("+84393555121", "x", purpose="code", source="test_gone", source_ref="1")
    message.refresh_from_db()
    assert message.state == "expired" and sms.sent == []


def test_a_message_held_by_a_live_lease_is_left_alone(sms, frozen):
    sms.fail_with = SmsError("busy")
    message = queue_sms("+84393555121", "x", purpose="notice")
    sms.fail_with = None
    clock.advance(timedelta(seconds=2))
    Message.objects.filter(pk=message.pk).update(lease_until=clock.now() + timedelta(seconds=60))
    assert deliver(message.pk) == "skipped"  # another worker is sending it
    clock.advance(timedelta(seconds=61))
    assert deliver(message.pk) == "sent"  # its worker died: the lease ran out
