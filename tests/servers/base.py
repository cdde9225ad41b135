"""Shared helpers: free ports, waiting for a port, running as an unprivileged user."""

from __future__ import annotations

import os
import pwd
import socket
import subprocess
import time
from collections.abc import Sequence
from pathlib import Path


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_for_port(
    port: int, process: subprocess.Popen[bytes], *, what: str, log: str = "", timeout: float = 30.0
) -> None:
    deadline = time.monotonic() + timeout
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            return
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                detail = Path(log).read_text()[-2000:] if log and os.path.exists(log) else ""
                raise RuntimeError(f"{what} did not start on port {port}\n{detail}") from None
            time.sleep(0.05)


def as_user(user: str, command: Sequence[str]) -> list[str]:
    """Servers such as PostgreSQL refuse to run as root: drop to ``user`` when we are root."""
    if os.geteuid() != 0:
        return list(command)
    pwd.getpwnam(user)  # fails clearly if the Debian package did not create the user
    return ["runuser", "-u", user, "--", *command]


def stop(process: subprocess.Popen[bytes], *, timeout: float = 10.0) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
