"""A real Kannel (bearerbox + smsbox) with its test SMSC (fakesmsc), from Debian's packages.

Every port is free-picked on 127.0.0.1 and every file lives in a throwaway run directory,
so several runs (and a Kannel of the machine's own) never clash. Outgoing messages reach
fakesmsc, which writes one line per message: "Got message N: <FROM TO TYPE BODY>".
"""

from __future__ import annotations

import re
import subprocess
import time
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

from tests.servers import free_port, listening, spawn, stop, wait_until

BEARERBOX = "/usr/sbin/bearerbox"
SMSBOX = "/usr/sbin/smsbox"
FAKESMSC = "/usr/lib/kannel/test/fakesmsc"
USERNAME = "portal"
PASSWORD = "portal-secret"
STATUS_PASSWORD = "status-secret"
_LINE = re.compile(r"Got message \d+: <(\S+) (\S+) (\S+) (.*)>$")

CONF = """\
group = core
admin-interface = 127.0.0.1
admin-port = {admin}
admin-password = admin-secret
status-password = {status_password}
admin-deny-ip = "*.*.*.*"
admin-allow-ip = "127.0.0.1"
smsbox-interface = 127.0.0.1
smsbox-port = {box}
box-deny-ip = "*.*.*.*"
box-allow-ip = "127.0.0.1"
dlr-storage = internal
log-file = "bearerbox.log"
log-level = 1
access-log = "bearerbox-access.log"

group = smsc
smsc = fake
smsc-id = fake
our-host = 127.0.0.1
port = {smsc}
connect-allow-ip = "127.0.0.1"

group = smsbox
bearerbox-host = 127.0.0.1
bearerbox-port = {box}
sendsms-interface = 127.0.0.1
sendsms-port = {sendsms}
log-file = "smsbox.log"
log-level = 1
access-log = "smsbox-access.log"

group = sendsms-user
username = {username}
password = {password}
user-deny-ip = "*.*.*.*"
user-allow-ip = "127.0.0.1"
max-messages = 1
default-sender = "PORTAL"
"""


@dataclass
class Kannel:
    run_dir: Path
    admin: int = field(default_factory=free_port)
    box: int = field(default_factory=free_port)
    smsc: int = field(default_factory=free_port)
    sendsms: int = field(default_factory=free_port)
    processes: list[subprocess.Popen[bytes]] = field(default_factory=list)

    @property
    def sendsms_url(self) -> str:
        return f"http://127.0.0.1:{self.sendsms}/cgi-bin/sendsms"

    @property
    def env(self) -> dict[str, str]:
        """govid's settings for this Kannel."""
        return {
            "GOVID_KANNEL_SENDSMS_URL": self.sendsms_url,
            "GOVID_KANNEL_USERNAME": USERNAME,
            "GOVID_KANNEL_PASSWORD": PASSWORD,
        }

    def start(self) -> Kannel:
        for program in (BEARERBOX, SMSBOX, FAKESMSC):
            if not Path(program).exists():
                raise RuntimeError(f"{program} missing: `make test` installs kannel, kannel-extras")
        self.run_dir.mkdir(parents=True, exist_ok=True)
        conf = self.run_dir / "kannel.conf"
        conf.write_text(
            CONF.format(
                admin=self.admin,
                box=self.box,
                smsc=self.smsc,
                sendsms=self.sendsms,
                status_password=STATUS_PASSWORD,
                username=USERNAME,
                password=PASSWORD,
            )
        )
        try:
            self._start(conf)
        except BaseException:
            self.stop()
            raise
        return self

    def _start(self, conf: Path) -> None:
        bearerbox = spawn([BEARERBOX, "-v", "2", str(conf)], cwd=self.run_dir, log="bearerbox.out")
        self.processes.append(bearerbox)
        wait_until(lambda: listening(self.smsc), what="bearerbox", processes=[bearerbox])
        # -m 0: send nothing; -v 0 -D receive: log each message the gateway delivers.
        fake = spawn(
            [
                FAKESMSC,
                "-H",
                "127.0.0.1",
                "-r",
                str(self.smsc),
                "-m",
                "0",
                "-v",
                "0",
                "-D",
                "receive",
                "0000 0000 text unused",
            ],
            cwd=self.run_dir,
            log="fakesmsc.log",
        )
        self.processes.append(fake)
        wait_until(lambda: "fake[fake]" in self._online(), what="the fake SMSC", processes=[fake])
        smsbox = spawn([SMSBOX, "-v", "2", str(conf)], cwd=self.run_dir, log="smsbox.out")
        self.processes.append(smsbox)
        wait_until(lambda: listening(self.sendsms), what="smsbox", processes=[smsbox])
        wait_until(lambda: "smsbox:" in self._online(), what="smsbox's link", processes=[smsbox])

    def _online(self) -> str:
        url = f"http://127.0.0.1:{self.admin}/status.txt?password={STATUS_PASSWORD}"
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                text = response.read().decode("latin-1")
        except OSError:
            return ""
        return "\n".join(
            line for line in text.splitlines() if "online" in line or "on-line" in line
        )

    def stop(self) -> None:
        # smsbox first so that it leaves bearerbox cleanly.
        for process in reversed(self.processes):
            stop(process)
        self.processes.clear()

    def delivered(self) -> list[tuple[str, str, str]]:
        """(sender, to, text) of every message that reached the test SMSC."""
        log = self.run_dir / "fakesmsc.log"
        out = []
        for line in log.read_text(encoding="latin-1").splitlines() if log.exists() else []:
            match = _LINE.search(line)
            if match:
                sender, to, kind, body = match.groups()
                if kind in ("ucs-2", "data"):
                    raw = urllib.parse.unquote_to_bytes(body.replace("+", " "))
                    body = raw.decode("utf-16-be" if kind == "ucs-2" else "latin-1")
                out.append((sender, to, body))
        return out

    def wait_for(
        self, to: str, *, count: int = 1, timeout: float = 10.0
    ) -> list[tuple[str, str, str]]:
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            hits = [m for m in self.delivered() if m[1] == to.removeprefix("+")]
            if len(hits) >= count:
                return hits
            time.sleep(0.05)
        raise AssertionError(f"no SMS to {to} at the test SMSC: {self.delivered()}")
