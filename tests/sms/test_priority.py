"""Codes before notices: a code queued behind a province-wide notice goes out first.

The notice here is 100 messages (a province's 50,000 are the same rows, more of them); the
worker takes the highest priority first, so the person waiting for a code does not wait for
the notice.
"""

from __future__ import annotations

import pytest
from django.test import override_settings

from govid.sms.delivery import queue_sms
from govid.sms.models import Message
from govid.tasks.worker import TaskLoop

pytestmark = pytest.mark.django_db(transaction=True)

DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
NOTICES = 100
PERSON = "+84393555121"


def test_a_code_queued_behind_a_bulk_notice_goes_out_first(sms):
    with override_settings(TASKS=DATABASE_TASKS):
        for n in range(NOTICES):
            queue_sms(f"+8439{n:07d}", "Thong bao: mat dien ngay mai", purpose="notice")
        queue_sms(PERSON, "Ma xac nhan 123456", purpose="code")
        assert sms.sent == []  # all queued, none sent yet: the worker sends
        TaskLoop(worker_id="test-priority").run_once()
    assert len(sms.sent) == NOTICES + 1
    assert sms.sent[0].to == PERSON and sms.sent[0].text == "Ma xac nhan 123456"
    assert Message.objects.filter(state="sent").count() == NOTICES + 1
