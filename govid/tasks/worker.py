"""Running queued tasks: one loop, used by `manage.py worker` and by the in-process thread.

The loop runs every ready task of the database queue (django-tasks-db's worker, in batch
mode), then the periodic jobs that concerns registered (e.g. requeueing the SMS of a worker
that died), then sleeps until woken by a new task or the poll interval.
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
        while self.worker.running and not self.stopping.is_set():
            try:
                self.run_once()
            except Exception:
                log.exception("task loop")
            self.wake.wait(self.poll)
            self.wake.clear()

    def stop(self) -> None:
        self.stopping.set()
        self.wake.set()


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
