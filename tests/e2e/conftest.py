"""Browser tests: govid served by deploy/serve.py as `make run` serves it, driven by Chromium."""

from __future__ import annotations

import json
import os
import re
import socket
import subprocess
import sys
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.e2e.oidc import add_client
from tests.servers import free_port
from tests.servers.postgres import fresh_database

ROOT = Path(__file__).resolve().parents[2]
STEPS = ("LOOKUP", "CODE", "CHECK", "LOGIN")
NETS = ("IP", "NET")
CHROMIUM = os.environ.get("GOVID_TEST_CHROMIUM", "/usr/bin/chromium")
# As Debian's Chromium must run here: headless, no sandbox (root in CI), no calls home.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@dataclass
class LiveServer:
    url: str
    var_dir: Path
    env: dict[str, str]

    @property
    def outbox(self) -> Path:
        return self.var_dir / "sms-outbox.jsonl"

    def messages(self, to: str | None = None) -> list[dict[str, str]]:
        if not self.outbox.exists():
            return []
        lines = [json.loads(line) for line in self.outbox.read_text().splitlines()]
        return [m for m in lines if to is None or m["to"] == to]

    def wait_for_code(self, to: str, *, after: int = 0, timeout: float = 10.0) -> str:
        """The 6-digit code of the first SMS to ``to`` beyond the first ``after`` ones."""
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            found = self.messages(to)[after:]
            for message in found:
                match = re.search(r"\b(\d{6})\b", message["text"])
                if match:
                    return match.group(1)
            time.sleep(0.05)
        raise AssertionError(f"no code SMS to {to} in {self.outbox}")

    def manage(self, *args: str) -> str:
        result = subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=ROOT,
            env=self.env,
            capture_output=True,
            text=True,
            check=True,
        )
        return result.stdout

    def wait_for_messages(
        self, to: str, count: int, *, timeout: float = 10.0
    ) -> list[dict[str, str]]:
        """The SMS to ``to`` once there are ``count`` of them (they are sent in the background)."""
        end = time.monotonic() + timeout
        while len(found := self.messages(to)) < count and time.monotonic() < end:
            time.sleep(0.05)
        return found


@contextmanager
def serve(
    var_dir: Path, *, setup: Sequence[Sequence[str]] = (["demo"],), **extra_env: str
) -> Iterator[LiveServer]:
    """govid under the production server on a free port, set up as `make run` does (migrate,
    cache table, then ``setup``'s manage.py steps); stopped by its PID.

    On the suite's PostgreSQL and Redis it gets databases of its own; a GOVID_DATABASE_URL or
    GOVID_REDIS_URL given in ``extra_env`` is used as it is (several instances of one site)."""
    port = free_port()
    env = {
        **os.environ,
        "GOVID_VAR_DIR": str(var_dir),
        "PORT": str(port),
        "GOVID_PUBLIC_URL": f"http://127.0.0.1:{port}",  # where gateways report deliveries
        # The countdown is the seed's, only shorter so the test does not wait a minute.
        "GOVID_RECOVERY_RESEND_AFTER": "3",
        "GOVID_ACCESS_LOG": str(var_dir / "access.log"),
        # Every browser test comes from 127.0.0.1 in one session: the per-address ceilings and
        # the proof of work are tested on their own (tests/abuse), the per-account ones stay.
        **{f"GOVID_LIMITS_{step}_{scope}": "100000/3600" for step in STEPS for scope in NETS},
        "GOVID_CAPTCHA_AFTER_IP": "100000",
        "GOVID_CAPTCHA_AFTER_NET": "100000",
        **extra_env,
    }
    env.pop("DJANGO_SETTINGS_MODULE", None)
    suite_database = "GOVID_DATABASE_URL" not in extra_env
    if suite_database and env.get("GOVID_DATABASE_URL", "").startswith("postgresql://"):
        # The suite's own test database is pytest's; the live server gets a fresh one.
        env["GOVID_DATABASE_URL"] = fresh_database(
            env["GOVID_DATABASE_URL"], f"govid_e2e_{os.getpid()}_{port}"
        )
    if "GOVID_REDIS_URL" not in extra_env and env.get("GOVID_REDIS_URL"):
        # Its own Redis database too: the suite empties the cache between its tests.
        env["GOVID_REDIS_URL"] = env["GOVID_REDIS_URL"].rsplit("/", 1)[0] + "/1"
    server = LiveServer(url=f"http://127.0.0.1:{port}", var_dir=var_dir, env=env)
    for step in (
        ["collectstatic", "--noinput", "-v0"],
        ["migrate", "--noinput", "-v0"],
        ["createcachetable"],
        *setup,
    ):
        server.manage(*step)
    log = open(var_dir / "server.log", "w")  # noqa: SIM115  (closed at teardown)
    process = subprocess.Popen(
        [sys.executable, "deploy/serve.py"],  # exactly as `make run` serves
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
                break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError((var_dir / "server.log").read_text()) from None
                time.sleep(0.1)
        yield server
    finally:
        process.terminate()
        process.wait(timeout=10)
        log.close()


@pytest.fixture(scope="session")
def live_server_url_env(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    with serve(tmp_path_factory.mktemp("govid-var")) as server:
        yield server


@pytest.fixture(scope="session")
def live(live_server_url_env: LiveServer) -> LiveServer:
    return live_server_url_env


@pytest.fixture
def phone_page(browser, live):
    """A fresh browser profile at 360 px wide, like a civil servant's phone."""
    context = browser.new_context(viewport={"width": 360, "height": 740}, locale="vi-VN")
    context.set_default_timeout(10_000)
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture(scope="session")
def trusted(live):
    """A confidential client of the province (no consent page)."""
    return add_client(live, "--trusted", name="Hệ thống quản lý văn bản")


@pytest.fixture(scope="session")
def public(live):
    """A public client (no secret, PKCE required), trusted."""
    return add_client(live, "--public", "--trusted", name="Ứng dụng di động")
