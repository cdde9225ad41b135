"""A throwaway PostgreSQL cluster (Debian's postgresql package) on a free loopback port."""

from __future__ import annotations

import glob
import os
import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from tests.servers import free_port, stop, wait_for_port
from tests.servers.base import as_user

USER = "postgres"
# A test cluster dies with its test run: nothing it writes needs to survive a crash.
_FAST = ["-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off"]


def _bin(name: str) -> str:
    found = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"))
    if not found:
        raise RuntimeError("PostgreSQL is not installed: `make test` installs Debian's postgresql")
    return found[-1]


@dataclass(frozen=True)
class PostgresServer:
    port: int
    password: str

    def url(self, database: str = "govid") -> str:
        return f"postgresql://govid:{self.password}@127.0.0.1:{self.port}/{database}"

    def create_database(self, name: str) -> str:
        import psycopg

        with psycopg.connect(self.url("postgres"), autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')  # name chosen by the tests, not a user
        return self.url(name)


def fresh_database(url: str, name: str) -> str:
    """A new empty database beside the one ``url`` points at; returns its URL."""
    import psycopg

    base, _, _old = url.rpartition("/")
    with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')  # name chosen by the tests, not a user
    return f"{base}/{name}"


def _when_accepting(server: PostgresServer, seconds: float = 60) -> None:
    """The port opens before recovery ends ("the database system is starting up"): wait until
    the server accepts a connection."""
    import psycopg

    deadline = time.monotonic() + seconds
    while True:
        try:
            with psycopg.connect(server.url("postgres"), connect_timeout=5):
                return
        except psycopg.OperationalError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.1)


@contextmanager
def postgres(*, durable: bool = False) -> Iterator[PostgresServer]:
    """A fresh cluster; ``durable`` keeps PostgreSQL's own defaults (fsync, synchronous commit)
    as production runs them, otherwise tests trade durability for speed."""
    root = tempfile.mkdtemp(prefix="govid-pg-")
    data, log = os.path.join(root, "data"), os.path.join(root, "postgres.log")
    password = "govid-test-" + os.urandom(6).hex()
    pwfile = os.path.join(root, "pw")
    with open(pwfile, "w") as f:
        f.write(password)
    if os.geteuid() == 0:
        shutil.chown(root, USER)
        shutil.chown(pwfile, USER)
    subprocess.run(
        as_user(
            USER,
            [
                _bin("initdb"),
                "-D",
                data,
                "-U",
                "govid",
                f"--pwfile={pwfile}",
                "-A",
                "scram-sha-256",
                "-E",
                "UTF8",
                "--locale=C.UTF-8",
            ],
        ),
        check=True,
        capture_output=True,
    )
    port = free_port()
    with open(log, "ab") as out:  # the child keeps its own copy of the descriptor
        process = subprocess.Popen(
            as_user(
                USER,
                [
                    _bin("postgres"),
                    "-D",
                    data,
                    "-p",
                    str(port),
                    "-c",
                    "listen_addresses=127.0.0.1",
                    "-c",
                    f"unix_socket_directories={root}",
                    "-c",
                    "max_connections=200",
                    *([] if durable else _FAST),
                ],
            ),
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    try:
        wait_for_port(port, process, Path(log))
        server = PostgresServer(port=port, password=password)
        _when_accepting(server)
        server.create_database("govid")
        yield server
    finally:
        stop(process)
        shutil.rmtree(root, ignore_errors=True)
