"""Task queue settings (GOVID_TASKS_*)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from govid.conf import settings_block

WORKERS = ("inprocess", "external")


@dataclass(frozen=True)
class TasksSettings:
    # inprocess: each web process runs a worker thread (the embedded default);
    # external: `manage.py worker` processes run the tasks (production).
    worker: str = "inprocess"
    poll: timedelta = timedelta(seconds=1)  # how often an idle worker looks for due tasks
    sweep: timedelta = timedelta(seconds=10)  # how often the periodic jobs run
    # Tasks `manage.py worker` runs at once on PostgreSQL (SMS in flight per gateway: an SMPP
    # window, concurrent HTTP calls); 1 on SQLite, whose writers queue up anyway.
    concurrency: int = 4


def tasks_settings() -> TasksSettings:
    return settings_block(TasksSettings, "GOVID_TASKS")
