"""govid's production server: granian (WSGI), for `make run`, systemd and the browser tests.

    python deploy/serve.py

Chosen by measurement (`make bench`, server_floor): on the same machine and load, granian
serves the request floor at about twice gunicorn's rate. The GOVID_* variables of the former
gunicorn configuration keep their meaning:

- GOVID_BIND (``127.0.0.1:$PORT``): address and port;
- GOVID_WORKERS: processes (1 on the embedded default, one per core with GOVID_REDIS_URL: the
  counters must be shared); GOVID_THREADS (16): threads per process that run govid (Argon2
  releases the GIL; the forgot page's lookup waits out its fixed answer time in one);
- GOVID_ACCESS_LOG (``-``: the console): one line per request, written by
  ``govid.ops.accesslog.Served`` (the path without its query string).

Slow clients: headers must arrive within GOVID_HEADER_TIMEOUT_MS (10 s) or the connection is
closed; connections wait in granian's event loop, not in govid's threads. A request line,
headers or a body over govid's limits get a readable 414, 431 or 413 (``Served``). In
production nginx stands in front (deploy/nginx/) with its own timeouts and limits.

With several processes, Prometheus counters are added up from files in
``$GOVID_VAR_DIR/prometheus``, emptied at each start.
"""

from __future__ import annotations

import multiprocessing
import os
import shutil
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]


def workers(env: Mapping[str, str]) -> int:
    shared = bool(env.get("GOVID_REDIS_URL"))
    return int(env.get("GOVID_WORKERS", multiprocessing.cpu_count() if shared else 1))


def arguments(env: Mapping[str, str]) -> list[str]:
    """granian's command line for this environment."""
    host, _, port = env.get("GOVID_BIND", f"127.0.0.1:{env.get('PORT', '8000')}").rpartition(":")
    return [
        "--interface=wsgi",
        "--factory",
        f"--host={host.strip('[]') or '127.0.0.1'}",
        f"--port={port}",
        f"--workers={workers(env)}",
        f"--blocking-threads={int(env.get('GOVID_THREADS', '16'))}",
        "--http=1",  # behind nginx, which speaks HTTP/2 to browsers
        "--no-ws",
        f"--http1-header-read-timeout={int(env.get('GOVID_HEADER_TIMEOUT_MS', '10000'))}",
        "--respawn-failed-workers",
        "--workers-kill-timeout=10",
        f"--working-dir={ROOT}",
        "--no-access-log",  # govid writes its own line (Served)
        "--log-level=warning",
        "deploy.serve:application",
    ]


def application() -> Any:
    """Each worker's WSGI application (granian's factory): govid behind its limits and log."""
    from govid.ops.accesslog import Served
    from govid.wsgi import application as govid

    return Served(govid, os.environ.get("GOVID_ACCESS_LOG", "-"))


def prepare(env: dict[str, str]) -> None:
    if workers(env) > 1:
        var = Path(env.get("GOVID_VAR_DIR", ROOT / "var"))
        folder = Path(env.setdefault("PROMETHEUS_MULTIPROC_DIR", str(var / "prometheus")))
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir(parents=True, exist_ok=True)


def main() -> None:
    env = dict(os.environ)
    prepare(env)
    os.chdir(ROOT)
    # The server takes this process's place (its PID is the one systemd and the tests stop).
    command = [sys.executable, "-m", "granian", *arguments(env)]  # no shell: fixed arguments
    os.execve(sys.executable, command, env)  # noqa: S606


if __name__ == "__main__":
    main()
