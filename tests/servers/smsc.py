"""The test SMSC (smsc_main.py) as a fixture: a real SMPP server process on 127.0.0.1."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tests.servers import free_port, listening, spawn, stop, wait_until

ROOT = Path(__file__).resolve().parents[2]
SYSTEM_ID = "govid"
PASSWORD = "smpp-secret"


@dataclass
class Smsc:
    run_dir: Path
    port: int = field(default_factory=free_port)
    process: subprocess.Popen[bytes] | None = None

    @property
    def log(self) -> Path:
        return self.run_dir / "smsc.jsonl"

    @property
    def env(self) -> dict[str, str]:
        """govid's settings for this SMSC."""
        return {
            "GOVID_SMPP_HOST": "127.0.0.1",
            "GOVID_SMPP_PORT": str(self.port),
            "GOVID_SMPP_SYSTEM_ID": SYSTEM_ID,
            "GOVID_SMPP_PASSWORD": PASSWORD,
        }

    def start(self) -> Smsc:
        self.run_dir.mkdir(parents=True, exist_ok=True)
        self.process = spawn(
            [sys.executable, "-m", "tests.servers.smsc_main", str(self.port), str(self.log)],
            cwd=ROOT,
            log=str(self.run_dir / "smsc.out"),
        )
        wait_until(lambda: listening(self.port), what="the SMSC", processes=[self.process])
        return self

    def stop(self) -> None:
        if self.process is not None:
            stop(self.process)
            self.process = None

    def events(self, kind: str = "submit") -> list[dict[str, Any]]:
        if not self.log.exists():
            return []
        entries = [json.loads(line) for line in self.log.read_text().splitlines() if line]
        return [e for e in entries if e["event"] == kind]

    def wait_for(self, to: str, *, count: int = 1, timeout: float = 10.0) -> list[dict[str, Any]]:
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            hits = [e for e in self.events() if e["to"] == to.removeprefix("+")]
            if len(hits) >= count:
                return hits
            time.sleep(0.05)
        raise AssertionError(f"no SMS to {to} at the SMSC: {self.events()}")
