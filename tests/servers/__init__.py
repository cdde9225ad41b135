"""Real servers the tests (and bench/) start on 127.0.0.1 from Debian's packages, stopped by PID."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import time
from collections.abc import Callable, Iterable
from pathlib import Path


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def listening(port: int) -> bool:
    try:
        socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
    except OSError:
        return False
    return True


def spawn(
    args: list[str], *, cwd: Path, log: str, env: dict[str, str] | None = None
) -> subprocess.Popen[bytes]:
    """Start a program in the background, its output in ``cwd/log``."""
    with open(cwd / log, "ab") as out:
        return subprocess.Popen(
            args, cwd=cwd, stdin=subprocess.DEVNULL, stdout=out, stderr=subprocess.STDOUT, env=env
        )


def wait_for_port(
    port: int, process: subprocess.Popen[bytes], log: Path, timeout: float = 20
) -> None:
    """Until something listens on 127.0.0.1:port; fails with the server's log if it died."""
    deadline = time.monotonic() + timeout
    while not listening(port):
        if process.poll() is not None or time.monotonic() > deadline:
            text = log.read_text(errors="replace") if log.exists() else ""
            raise RuntimeError(f"server on port {port} did not start:\n{text}")
        time.sleep(0.05)


def wait_until(
    check: Callable[[], bool],
    *,
    what: str,
    timeout: float = 15.0,
    processes: Iterable[subprocess.Popen[bytes]] = (),
) -> None:
    end = time.monotonic() + timeout
    while not check():
        for process in processes:
            if process.poll() is not None:
                raise RuntimeError(f"{process.args!r} exited while waiting for {what}")
        if time.monotonic() > end:
            raise RuntimeError(f"timed out waiting for {what}")
        time.sleep(0.05)


def stop(process: subprocess.Popen[bytes], *, grace: float = 5.0) -> None:
    """SIGTERM, then SIGKILL after ``grace`` seconds: only the process we started."""
    if process.poll() is not None:
        return
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=grace)
    except subprocess.TimeoutExpired:
        os.kill(process.pid, signal.SIGKILL)
        process.wait(timeout=5)
