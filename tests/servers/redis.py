"""A throwaway Redis (Debian's redis-server) on a free loopback port, nothing on disk."""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from tests.servers import free_port, stop, wait_for_port


@dataclass(frozen=True)
class RedisServer:
    port: int

    def url(self, db: int = 0) -> str:
        return f"redis://127.0.0.1:{self.port}/{db}"


@contextmanager
def redis() -> Iterator[RedisServer]:
    binary = shutil.which("redis-server")
    if binary is None:
        raise RuntimeError("redis-server is missing: `make test` installs Debian's redis-server")
    root = tempfile.mkdtemp(prefix="govid-redis-")
    port = free_port()
    log = f"{root}/redis.log"
    process = subprocess.Popen(
        [
            binary,
            "--port",
            str(port),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--appendonly",
            "no",
            "--dir",
            root,
            "--logfile",
            log,
            "--daemonize",
            "no",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.STDOUT,
    )
    try:
        wait_for_port(port, process, Path(log))
        yield RedisServer(port=port)
    finally:
        stop(process)
        shutil.rmtree(root, ignore_errors=True)
