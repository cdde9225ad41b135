"""manage.py worker: run the background tasks (SMS sending) in production."""

from __future__ import annotations

import os
import socket
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from govid.tasks.worker import TaskLoop, uses_database_queue


class Command(BaseCommand):
    help = "Run queued background tasks until stopped (SIGTERM finishes the current task)."

    def handle(self, *args: Any, **options: Any) -> None:
        if not uses_database_queue():
            raise CommandError("the task queue is not the database queue: nothing to run")
        loop = TaskLoop(worker_id=f"{socket.gethostname()}-{os.getpid()}")
        loop.worker.configure_signals()
        self.stdout.write(f"worker {loop.worker.worker_id} started", ending="\n")
        self.stdout.flush()
        loop.run_forever()
