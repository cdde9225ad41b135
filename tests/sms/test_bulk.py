"""A province-wide notice: its rows in bulk, sent in batches by one chain of tasks, never ahead
of a code, each message once even with several workers, nothing queued from a bad list; and
the receipts of such a batch applied together."""

from __future__ import annotations

import json
import threading
import time
from datetime import timedelta
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.test import override_settings
from django_tasks_db.models import DBTaskResult

from govid import clock
from govid.sms.base import SmsError, SmsRefused
from govid.sms.checks import check_sms
from govid.sms.delivery import _claim_notices, deliver_notices, queue_bulk, queue_sms
from govid.sms.models import Message
from govid.sms.tracking import ReportBatcher, mark_sent_many
from govid.tasks.worker import TaskLoop

pytestmark = pytest.mark.django_db(transaction=True)

DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
PERSON = "+84393555121"
TEXT = "Thong bao: mat dien ngay mai"


def phones(count: int) -> list[tuple[str, str]]:
    return [(f"+8439{n:07d}", TEXT) for n in range(count)]


def test_a_bulk_notice_goes_out_in_batches_not_a_task_a_message(sms):
    with override_settings(TASKS=DATABASE_TASKS):  # a batch is 100 messages
        assert queue_bulk(phones(250)) == 250
        assert sms.sent == []
        TaskLoop(worker_id="test-bulk").run_once()
    assert len(sms.sent) == 250
    assert len({m.to for m in sms.sent}) == 250  # each phone once
    assert Message.objects.filter(state="sent", attempts=1).count() == 250
    assert Message.objects.exclude(provider_id="").count() == 250
    # 100 + 100 + 50: three tasks for 250 messages, the last one queueing no successor.
    assert DBTaskResult.objects.count() == 3


def test_a_code_queued_behind_a_bulk_notice_goes_out_first(sms):
    with override_settings(TASKS=DATABASE_TASKS):
        queue_bulk(phones(300))
        queue_sms(PERSON, "Ma xac nhan 123456", purpose="code")
        TaskLoop(worker_id="test-bulk-priority").run_once()
    assert len(sms.sent) == 301
    assert sms.sent[0].to == PERSON and sms.sent[0].text == "Ma xac nhan 123456"


def test_a_batch_out_of_time_hands_back_what_it_did_not_try(sms):
    with override_settings(TASKS=DATABASE_TASKS):
        queue_bulk(phones(20))
        DBTaskResult.objects.all().delete()  # the batch is run by hand here
        assert deliver_notices(budget=-1) == 0
    assert sms.sent == []
    untried = Message.objects.filter(state="queued", attempts=0, lease_until__isnull=True)
    assert untried.count() == 20  # not counted as an attempt, free for the next batch
    assert DBTaskResult.objects.count() == 1  # which is queued


def test_a_refusal_ends_the_message_and_a_transient_error_retries_it_later(sms):
    with override_settings(TASKS=DATABASE_TASKS):
        queue_bulk(phones(3))
        sms.fail_with = SmsRefused("invalid destination")
        deliver_notices()
        assert Message.objects.filter(state="failed").count() == 3
        queue_bulk([("+84912345678", TEXT)])
        sms.fail_with = SmsError("carrier busy")
        deliver_notices()
    retried = Message.objects.get(to="+84912345678")
    assert retried.state == "queued" and retried.attempts == 1
    assert retried.next_attempt_at > clock.now() and "busy" in retried.last_error
    sms.fail_with = None
    with clock.frozen(clock.now() + timedelta(minutes=1)):
        deliver_notices()
    retried.refresh_from_db()
    assert retried.state == "sent" and retried.attempts == 2


def test_two_workers_at_once_never_claim_the_same_message(sms):
    with override_settings(TASKS=DATABASE_TASKS):
        queue_bulk(phones(200))
    now = clock.now()
    claimed: list[list[int]] = []
    start = threading.Barrier(2)

    def claim() -> None:
        from django.db import connection

        try:
            start.wait()
            claimed.append([m.pk for m in _claim_notices(now, 150, now + timedelta(minutes=1))])
        finally:
            connection.close()

    threads = [threading.Thread(target=claim) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    first, second = claimed
    assert not set(first) & set(second)
    assert len(first) + len(second) == 200


def test_the_broadcast_command_queues_each_phone_once(tmp_path: Path, sms):
    listing = tmp_path / "phones.txt"
    listing.write_text("# xã An Ninh\n0912 345 678\n\n+84393555121  # trưởng ấp\n0912345678\n")
    out = StringIO()
    call_command("sms", "broadcast", "Họp lúc 8 giờ", "--phones", str(listing), stdout=out)
    assert json.loads(out.getvalue()) == {"queued": 2, "purpose": "notice"}
    assert sorted(m.to for m in sms.sent) == ["+84393555121", "+84912345678"]
    assert {m.text for m in sms.sent} == {"Hop luc 8 gio"}


def test_a_list_with_a_bad_number_queues_nothing(tmp_path: Path, sms):
    listing = tmp_path / "phones.txt"
    listing.write_text("0912345678\n12345\n0393555121\n")
    with pytest.raises(CommandError, match="nothing queued; invalid phones: line 2"):
        call_command("sms", "broadcast", "Hop", "--phones", str(listing))
    assert not Message.objects.exists()
    with pytest.raises(CommandError, match="cannot read"):
        call_command("sms", "broadcast", "Hop", "--phones", str(tmp_path / "missing.txt"))


def wait_for(condition, seconds: float = 5.0) -> bool:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.02)
    return True


def test_receipts_that_overtake_their_batch_wait_for_it_and_strangers_are_given_up(sms, caplog):
    with override_settings(TASKS=DATABASE_TASKS):
        queue_bulk(phones(4))
    messages = list(Message.objects.order_by("id"))
    reports = ReportBatcher("smpp", patience=1.0, gather=0.01)
    try:
        for message in messages[:3]:
            reports.put("delivered", provider_id=f"id-{message.pk}", detail="stat:DELIVRD")
        reports.put("failed", provider_id=f"id-{messages[3].pk}", detail="stat:UNDELIV err:001")
        reports.put("delivered", provider_id="not-ours", detail="stat:DELIVRD")
        time.sleep(0.2)
        assert Message.objects.filter(state="queued").count() == 4  # not recorded as sent yet
        mark_sent_many([(message, "smpp", f"id-{message.pk}") for message in messages])
        assert wait_for(lambda: Message.objects.filter(state="delivered").count() == 3)
        failed = Message.objects.get(pk=messages[3].pk)
        assert failed.state == "failed" and failed.last_error == "stat:UNDELIV err:001"
        assert wait_for(lambda: "delivered matched no message" in caplog.text)
    finally:
        reports.close()


@pytest.mark.parametrize("setting", [{"bulk_batch": "0"}, {"bulk_in_flight": "-1"}])
def test_a_batch_that_could_send_nothing_is_refused_at_start(setting):
    with override_settings(GOVID_SMS={"gateway": "memory", **setting}):
        assert [e.id for e in check_sms() if "BULK" in e.msg] == ["govid.E106"]
    assert not [e for e in check_sms() if "BULK" in e.msg]
