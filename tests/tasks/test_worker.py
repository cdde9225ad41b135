"""`manage.py worker` in its own process: it sends what the web queued, and a worker killed in
the middle of a send loses nothing (another one takes the message once its lease runs out)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import pytest

from tests.servers import spawn, stop
from tests.servers.carrier import PASSWORD, USERNAME, Carrier

ROOT = Path(__file__).resolve().parents[2]


class HangingCarrier(Carrier):
    """The carrier's API, whose first answer never comes (the worker is killed meanwhile)."""

    def __init__(self) -> None:
        super().__init__()
        self.first_request = threading.Event()
        self.release = threading.Event()

    def answer_json(self, raw: bytes, n: int) -> tuple[int, str, str]:
        if not self.first_request.is_set():
            self.first_request.set()
            self.release.wait(30)
            return 503, "{}", "application/json"
        return super().answer_json(raw, n)


@pytest.fixture
def site(tmp_path):
    """A govid of its own (SQLite under tmp_path) sending through the carrier's API."""
    carrier = HangingCarrier().start()
    env = {
        **os.environ,
        "GOVID_VAR_DIR": str(tmp_path),
        "GOVID_SMS_GATEWAY": "http",
        "GOVID_HTTP_SMS_URL": f"{carrier.url}/json",
        "GOVID_HTTP_SMS_USERNAME": USERNAME,
        "GOVID_HTTP_SMS_PASSWORD": PASSWORD,
        "GOVID_SMS_LEASE": "3",
        "GOVID_TASKS_WORKER": "external",
        "GOVID_TASKS_SWEEP": "1",
    }
    env.pop("DJANGO_SETTINGS_MODULE", None)
    manage(env, "migrate", "-v0")
    yield env, carrier
    carrier.release.set()
    carrier.stop()


def manage(env, *args: str) -> str:
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout


def show(env, ref: str) -> dict[str, Any]:
    return json.loads(manage(env, "sms", "show", ref))


def start_worker(env, tmp: Path) -> subprocess.Popen[bytes]:
    return spawn(
        [sys.executable, "manage.py", "worker"], cwd=ROOT, log=str(tmp / "worker.log"), env=env
    )


def test_a_worker_killed_mid_send_does_not_lose_the_message(site, tmp_path):
    env, carrier = site
    queued = json.loads(manage(env, "sms", "send", "0393 555 121", "Thông báo thử"))
    assert queued["state"] == "queued" and queued["phone"] == "0393XXX121"
    first = start_worker(env, tmp_path)
    try:
        assert carrier.first_request.wait(120), (tmp_path / "worker.log").read_text()
        os.kill(first.pid, signal.SIGKILL)  # mid-send: the carrier has not answered
        first.wait(10)
    finally:
        stop(first)
    carrier.release.set()
    assert show(env, queued["ref"])["state"] == "queued"  # the record outlived its worker
    second = start_worker(env, tmp_path)
    try:
        end = time.monotonic() + 120  # a loaded machine boots Django slowly
        while (now := show(env, queued["ref"]))["state"] == "queued" and time.monotonic() < end:
            time.sleep(0.2)
    finally:
        stop(second)
    assert now["state"] == "sent" and now["attempts"] == 2, now
    assert [m["text"] for m in carrier.received] == ["Thong bao thu"]


def test_the_worker_stops_cleanly_on_sigterm(site, tmp_path):
    env, _carrier = site
    worker = start_worker(env, tmp_path)
    log = tmp_path / "worker.log"
    end = time.monotonic() + 120  # a loaded machine boots Django slowly
    while " started" not in (log.read_text() if log.exists() else "") and time.monotonic() < end:
        time.sleep(0.1)
    assert " started" in log.read_text(), log.read_text()  # its signal handlers are set
    worker.send_signal(signal.SIGTERM)
    assert worker.wait(10) == 0
