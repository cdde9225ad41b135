"""gunicorn settings for the benchmark's comparison (`make bench`, server_floor): production and
`make run` serve with granian (deploy/serve.py), chosen by that measurement."""

import multiprocessing
import os
import shutil
from pathlib import Path

bind = os.environ.get("GOVID_BIND", f"127.0.0.1:{os.environ.get('PORT', '8000')}")
# The embedded default keeps counters in local memory, so it runs one process. With Redis
# (GOVID_REDIS_URL) the counters are shared: one process per core.
_shared = bool(os.environ.get("GOVID_REDIS_URL"))
workers = int(os.environ.get("GOVID_WORKERS", multiprocessing.cpu_count() if _shared else 1))
# Argon2 releases the GIL, so threads share the cores; slow phones hold a thread each, and so
# does the forgot page's lookup while it waits out its fixed answer time.
worker_class = "gthread"
threads = int(os.environ.get("GOVID_THREADS", "16"))
timeout = 30
graceful_timeout = 10
keepalive = 5
accesslog = os.environ.get("GOVID_ACCESS_LOG", "-")
# One line per request: address, method, path (never the query string: OIDC redirects carry
# codes and tokens there), protocol, status, bytes, time, request id. Written by govid's
# logger, which does not build gunicorn's dict of every header for each line.
logger_class = "govid.ops.accesslog.AccessLogger"
errorlog = "-"

if workers > 1:
    # Prometheus counters of all processes are added up from files in this folder.
    _var = Path(os.environ.get("GOVID_VAR_DIR", Path(__file__).resolve().parents[1] / "var"))
    _metrics = _var / "prometheus"
    os.environ.setdefault("PROMETHEUS_MULTIPROC_DIR", str(_metrics))


def on_starting(server: object) -> None:
    folder = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    if folder:
        shutil.rmtree(folder, ignore_errors=True)
        os.makedirs(folder, exist_ok=True)


def child_exit(server: object, worker: object) -> None:
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)  # type: ignore[attr-defined]
