"""manage.py worker: run the background tasks (SMS sending) in production."""

from __future__ import annotations

import os
import socket
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from govid.tasks.worker import WorkerPool, uses_database_queue


class Command(BaseCommand):
    help = "Run queued background tasks until stopped (SIGTERM finishes the current task)."

    def handle(self, *args: Any, **options: Any) -> None:
        if not uses_database_queue():
            raise CommandError("the task queue is not the database queue: nothing to run")
        pool = WorkerPool(worker_id=f"{socket.gethostname()}-{os.getpid()}")
        pool.main.worker.configure_signals()
        pool.start()  # woken by each commit that queues a task (PostgreSQL), several at once
        self.stdout.write(f"worker {pool.main.worker.worker_id} started", ending="\n")
        self.stdout.flush()
        pool.run_forever()
