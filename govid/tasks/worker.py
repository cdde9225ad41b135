"""Running queued tasks: one loop, used by `manage.py worker` and by the in-process thread.

The loop runs every ready task of the database queue (django-tasks-db's worker, in batch
mode), then the periodic jobs that concerns registered (e.g. requeueing the SMS of a worker
that died), then sleeps until woken by a new task or the poll interval.

Woken at once, never by the poll: the in-process worker by a thread event set when the
transaction that queued a task commits; `manage.py worker` on PostgreSQL by ``NOTIFY
govid_tasks``, sent in the queueing transaction (PostgreSQL delivers it at commit, never for a
rolled-back one) to the worker that LISTENs on a connection of its own. The poll is only the
fallback (a lost connection, SQLite with an external worker, tasks deferred to a later time).
"""

from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Callable
from typing import Any

from django.db import close_old_connections, connection, transaction
from django_tasks import DEFAULT_TASK_BACKEND_ALIAS, task_backends
from django_tasks.signals import task_enqueued
from django_tasks_db.backend import DatabaseBackend
from django_tasks_db.management.commands.db_worker import Worker

from govid.tasks.conf import tasks_settings

log = logging.getLogger("govid.tasks")

_periodic: list[Callable[[], None]] = []
CHANNEL = "govid_tasks"


def register_periodic(job: Callable[[], None]) -> None:
    """Run ``job`` every GOVID_TASKS_SWEEP seconds in every worker."""
    if job not in _periodic:
        _periodic.append(job)


def run_periodic_jobs() -> None:
    for job in _periodic:
        try:
            job()
        except Exception:
            log.exception("periodic job %s failed", job.__qualname__)


class TaskLoop:
    """Run ready tasks and periodic jobs until stopped."""

    def __init__(self, *, worker_id: str) -> None:
        conf = tasks_settings()
        self.poll = conf.poll.total_seconds()
        self.sweep = conf.sweep.total_seconds()
        self.worker = Worker(
            queue_names=["*"],
            interval=0,
            batch=True,
            backend_name=DEFAULT_TASK_BACKEND_ALIAS,
            startup_delay=False,
            max_tasks=None,
            worker_id=worker_id[:64],
            excluded_queue_names=[],
        )
        self.wake = threading.Event()
        self.stopping = threading.Event()
        self._next_sweep = 0.0
        self.listener: Listener | None = None

    def run_once(self) -> None:
        # The loop keeps its database connection between tasks (an unusable one is still
        # dropped): reopening SQLite for every task cost more than the task itself.
        connection.ensure_connection()
        connection.close_at = None
        try:
            if time.monotonic() >= self._next_sweep:
                self._next_sweep = time.monotonic() + self.sweep
                run_periodic_jobs()
            self.worker.run()
        finally:
            close_old_connections()

    def run_forever(self) -> None:
        # worker.running turns False when the command receives SIGTERM mid-task.
        while self.running():
            try:
                self.run_once()
            except Exception:
                log.exception("task loop")
            self.sleep()

    def running(self) -> bool:
        return bool(self.worker.running) and not self.stopping.is_set()

    def listen(self) -> None:
        """Be woken by NOTIFY (PostgreSQL): for `manage.py worker`, in another process."""
        if connection.vendor == "postgresql":
            self.listener = Listener()

    def sleep(self) -> None:
        """Until a new task is queued, or the poll interval has passed."""
        if self.listener is not None:
            try:
                self.listener.wait(self.poll, self.running)
                return
            except Exception:
                log.exception("task notifications lost: polling every %.0f s", self.poll)
                self.listener.close()
                self.listener = None
        self.wake.wait(self.poll)
        self.wake.clear()

    def stop(self) -> None:
        self.stopping.set()
        self.wake.set()


class WorkerPool:
    """`manage.py worker`: one loop that listens, and on PostgreSQL ``concurrency - 1`` more in
    threads of their own (each its own connection; rows are claimed with SKIP LOCKED), all woken
    together, so that several SMS are in flight at once."""

    def __init__(self, *, worker_id: str) -> None:
        self.main = TaskLoop(worker_id=worker_id)
        self.helpers: list[TaskLoop] = []
        self.threads: list[threading.Thread] = []
        self.worker_id = worker_id

    def start(self) -> None:
        self.main.listen()
        count = tasks_settings().concurrency if connection.vendor == "postgresql" else 1
        for n in range(1, max(1, count)):
            helper = TaskLoop(worker_id=f"{self.worker_id[:58]}-{n}")
            helper._next_sweep = float("inf")  # the periodic jobs are the main loop's
            thread = threading.Thread(target=self._help, args=(helper,), name=f"govid-tasks-{n}")
            self.helpers.append(helper)
            self.threads.append(thread)
            thread.start()

    def _help(self, helper: TaskLoop) -> None:
        try:
            helper.run_forever()
        finally:
            connection.close()

    def run_forever(self) -> None:
        main = self.main
        try:
            while main.running():
                for helper in self.helpers:
                    helper.wake.set()  # the others look at the queue too
                try:
                    main.run_once()
                except Exception:
                    log.exception("task loop")
                main.sleep()
        finally:
            for helper in self.helpers:
                helper.stop()
            for thread in self.threads:
                thread.join(timeout=30)


class Listener:
    """A PostgreSQL connection of its own that LISTENs on CHANNEL (autocommit: it holds no
    transaction open)."""

    def __init__(self) -> None:
        import psycopg

        params = connection.get_connection_params()
        params.pop("cursor_factory", None)
        params.pop("context", None)
        self.conn = psycopg.connect(**params, autocommit=True)
        self.conn.execute(f"LISTEN {CHANNEL}")

    def wait(self, timeout: float, running: Callable[[], bool]) -> bool:
        """Whether a notification came within ``timeout`` seconds (looked at every second
        whether the worker is still to run, so SIGTERM is not kept waiting)."""
        end = time.monotonic() + timeout
        while running() and (left := end - time.monotonic()) > 0:
            # (psycopg waits without end for a timeout that rounds to 0 ms: never below 0.1 s.)
            for _ in self.conn.notifies(timeout=min(max(left, 0.1), 1.0), stop_after=1):
                return True  # several commits' notices: the next run takes all ready tasks
        return False

    def close(self) -> None:
        try:
            self.conn.close()
        except Exception:  # pragma: no cover  (already broken)
            log.debug("closing the listener", exc_info=True)


def notify_workers(**kwargs: object) -> None:
    """task_enqueued: wake `manage.py worker` when this transaction commits (PostgreSQL)."""
    if connection.vendor == "postgresql" and tasks_settings().worker == "external":
        with connection.cursor() as cursor:
            cursor.execute(f"NOTIFY {CHANNEL}")


task_enqueued.connect(notify_workers, dispatch_uid="govid.tasks.notify")


_inprocess: dict[str, Any] = {}
_start_lock = threading.Lock()


def uses_database_queue() -> bool:
    return isinstance(task_backends[DEFAULT_TASK_BACKEND_ALIAS], DatabaseBackend)


def start_inprocess_worker() -> TaskLoop | None:
    """The embedded default: a worker thread inside this (web) process, woken by new tasks."""
    if tasks_settings().worker != "inprocess" or not uses_database_queue():
        return None
    with _start_lock:
        if "loop" in _inprocess:
            return _inprocess["loop"]  # type: ignore[no-any-return]
        loop = TaskLoop(worker_id=f"inprocess-{os.getpid()}")
        thread = threading.Thread(target=loop.run_forever, name="govid-tasks", daemon=True)
        _inprocess["loop"] = loop
        task_enqueued.connect(_wake_after_commit, dispatch_uid="govid.tasks.wake")
        thread.start()
    log.info("in-process task worker started")
    return loop


def _wake_after_commit(**kwargs: object) -> None:
    loop: TaskLoop | None = _inprocess.get("loop")
    if loop is not None:
        transaction.on_commit(loop.wake.set)
