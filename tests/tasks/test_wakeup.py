"""A queued SMS reaches the gateway at once, never after the worker's poll; several are in
flight at once.

`manage.py worker` on PostgreSQL is woken by the NOTIFY its queueing transaction sends at
commit. The poll interval is set to 30 s here: a message that waited for the poll would take
up to 30 s, and the test allows 2.
"""

from __future__ import annotations

import os
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import ExitStack

import pytest

from tests.servers import spawn, stop
from tests.servers.carrier import PASSWORD, USERNAME, Carrier
from tests.servers.postgres import fresh_database, postgres
from tests.tasks.test_worker import ROOT, manage

pytestmark = pytest.mark.once

POLL = 30  # seconds: far longer than any wait the test allows
AT_ONCE = 2.0  # seconds from the queueing commit to the gateway


class SlowCarrier(Carrier):
    """The carrier's API taking 0.4 s per message; counts the requests it holds at once."""

    def __init__(self) -> None:
        super().__init__()
        self.lock = threading.Lock()
        self.holding = 0
        self.most_at_once = 0

    def answer_json(self, raw: bytes, n: int) -> tuple[int, str, str]:
        with self.lock:
            self.holding += 1
            self.most_at_once = max(self.most_at_once, self.holding)
        time.sleep(0.4)
        with self.lock:
            self.holding -= 1
        return super().answer_json(raw, n)


@pytest.fixture(scope="module")
def database_server() -> Iterator[str]:
    """The suite's PostgreSQL, or one started for this module: the URL of a database on it."""
    suite = os.environ.get("GOVID_DATABASE_URL", "")
    if suite.startswith("postgresql://"):
        yield suite
        return
    with postgres() as server:
        yield server.url()


@pytest.fixture
def site(tmp_path, database_server) -> Iterator[tuple[dict[str, str], SlowCarrier]]:
    """A govid on a fresh PostgreSQL database whose worker polls every 30 s."""
    with ExitStack() as stack:
        url = fresh_database(database_server, f"govid_wake_{os.getpid()}_{time.monotonic_ns()}")
        carrier = SlowCarrier()
        carrier.start()
        stack.callback(carrier.stop)
        env = {
            **os.environ,
            "GOVID_VAR_DIR": str(tmp_path),
            "GOVID_DATABASE_URL": url,
            "GOVID_SMS_GATEWAY": "http",
            "GOVID_HTTP_SMS_URL": f"{carrier.url}/json",
            "GOVID_HTTP_SMS_USERNAME": USERNAME,
            "GOVID_HTTP_SMS_PASSWORD": PASSWORD,
            "GOVID_TASKS_WORKER": "external",
            "GOVID_TASKS_POLL": str(POLL),
        }
        env.pop("DJANGO_SETTINGS_MODULE", None)
        manage(env, "migrate", "-v0")
        yield env, carrier


def test_a_queued_sms_reaches_the_gateway_without_waiting_for_the_poll(site, tmp_path):
    env, carrier = site
    log = tmp_path / "worker.log"
    worker = spawn([sys.executable, "manage.py", "worker"], cwd=ROOT, log=str(log), env=env)
    try:
        end = time.monotonic() + 120  # a loaded machine boots Django slowly
        while " started" not in (log.read_text() if log.exists() else ""):
            assert time.monotonic() < end, log.read_text()
            time.sleep(0.1)
        time.sleep(1)  # its first look at the queue is over: it sleeps now
        for n in range(2):  # and again once it has gone back to sleep
            manage(env, "sms", "send", "0912345678", f"Thong bao so {n}")  # committed on return
            queued = time.monotonic()
            while len(carrier.received) < n + 1:
                waited = time.monotonic() - queued
                assert waited < AT_ONCE, f"SMS {n} not at the gateway after {waited:.1f} s"
                time.sleep(0.02)
    finally:
        stop(worker)
    assert [m["text"] for m in carrier.received] == ["Thong bao so 0", "Thong bao so 1"]


def test_the_worker_keeps_several_messages_in_flight(site, tmp_path):
    env, carrier = site
    log = tmp_path / "worker.log"
    notice = (
        "from django.db import transaction\n"
        "from govid.sms.delivery import queue_sms\n"
        "with transaction.atomic():\n"
        "    for n in range(8):\n"
        "        queue_sms(f'+8439000000{n}', f'Thong bao chung {n}', purpose='notice')\n"
    )
    worker = spawn([sys.executable, "manage.py", "worker"], cwd=ROOT, log=str(log), env=env)
    try:
        end = time.monotonic() + 120  # a loaded machine boots Django slowly
        while " started" not in (log.read_text() if log.exists() else ""):
            assert time.monotonic() < end, log.read_text()
            time.sleep(0.1)
        manage(env, "shell", "-c", notice)
        end = time.monotonic() + 20
        while len(carrier.received) < 8 and time.monotonic() < end:
            time.sleep(0.05)
    finally:
        stop(worker)
    assert len(carrier.received) == 8
    assert carrier.most_at_once >= 2  # one at a time would be 8 x 0.4 s
