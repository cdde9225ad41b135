"""The chain's head is published outside the database: a line in a file and a log line."""

from __future__ import annotations

import json
import logging
from datetime import timedelta
from typing import Any

from govid import clock
from govid.audit.keys import key_id
from govid.audit.log import record
from govid.audit.models import Event
from govid.audit.publish import publish_head, publish_head_if_due
from govid.ops.logging import JsonFormatter
from govid.tasks.worker import run_periodic_jobs
from tests.audit.conftest import KEY


def write(n: int) -> list[Event]:
    return [record("test_event", actor="test", n=i) for i in range(n)]


def published(head_file) -> list[dict[str, Any]]:
    return [json.loads(line) for line in head_file.read_text().splitlines()]


def test_publishing_appends_the_head_to_the_file_and_logs_it(db, head_file, caplog, frozen):
    *_, last = write(3)
    with caplog.at_level(logging.INFO, logger="govid.audit"):
        publish_head()
    line = {"seq": last.seq, "hash": last.hash, "key_id": key_id(KEY), "at": frozen.isoformat()}
    assert published(head_file) == [line]
    (logged,) = [r for r in caplog.records if r.name == "govid.audit"]
    assert f"seq={last.seq} hash={last.hash}" in logged.getMessage()
    as_json = json.loads(JsonFormatter().format(logged))  # what GOVID_LOG_FORMAT=json writes
    assert as_json["logger"] == "govid.audit" and as_json["audit_head"] == line


def test_the_head_file_is_created_readable_by_the_group_only(db, head_file):
    write(1)
    publish_head()
    assert oct(head_file.stat().st_mode)[-3:] == "640"


def test_an_empty_log_publishes_nothing(db, head_file):
    assert publish_head() is None
    publish_head_if_due()
    assert head_file.read_text() == ""


def test_the_job_publishes_only_when_the_head_moved_and_at_most_every_five_minutes(
    db, head_file, frozen
):
    write(2)
    publish_head_if_due()
    write(1)
    clock.advance(timedelta(seconds=299))
    publish_head_if_due()
    assert len(published(head_file)) == 1  # moved, but too soon
    clock.advance(timedelta(seconds=1))
    publish_head_if_due()
    clock.advance(timedelta(hours=1))
    publish_head_if_due()  # due, but nothing moved
    assert [head["seq"] for head in published(head_file)] == [2, 3]


def test_the_interval_is_configurable(db, head_file, frozen, settings):
    settings.GOVID_AUDIT = {**settings.GOVID_AUDIT, "publish_every": "10"}
    write(1)
    publish_head_if_due()
    write(1)
    clock.advance(timedelta(seconds=10))
    publish_head_if_due()
    assert len(published(head_file)) == 2


def test_every_worker_runs_the_job(db, head_file):
    write(2)
    run_periodic_jobs()
    assert [head["seq"] for head in published(head_file)] == [2]


def test_a_head_that_does_not_extend_the_published_one_is_logged_as_an_error(
    db, head_file, frozen, caplog
):
    from django.db import connection

    events = write(4)
    publish_head()
    with connection.cursor() as cursor:  # the newest rows go, the head is moved back
        cursor.execute("DELETE FROM audit_event WHERE seq > %s", [events[1].seq])
        cursor.execute("UPDATE audit_chainhead SET seq = %s, hash = %s", [2, events[1].hash])
    write(3)
    clock.advance(timedelta(minutes=5))
    with caplog.at_level(logging.INFO, logger="govid.audit"):
        publish_head_if_due()
    assert [head["seq"] for head in published(head_file)] == [4, 5]  # both kept as evidence
    errors = [r for r in caplog.records if r.levelno == logging.ERROR]
    assert len(errors) == 1
    assert "does not extend the head published at seq=4" in errors[0].getMessage()


def test_a_line_torn_by_a_crash_does_not_swallow_the_next_head(db, head_file):
    write(1)
    head_file.write_text('{"seq": 1, "ha')
    publish_head()
    torn, head = head_file.read_text().splitlines()
    assert torn == '{"seq": 1, "ha' and json.loads(head)["seq"] == 1
